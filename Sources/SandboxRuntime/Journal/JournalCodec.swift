import Foundation
public import SandboxCore

/// Encodes journal events and snapshots as compact JSON, and replays them into a ``JournalState``.
///
/// The bytes are those Foundation's `JSONEncoder` (sorted keys) writes of the types' `Codable` conformances,
/// written and read by hand (``JournalJSONWriter``, ``JournalJSONReader``): what the fast reader refuses —
/// records of older formats, damage — is read by Foundation's decoder as before, which also says what is wrong.
public enum JournalCodec {
    /// The bytes of one event record.
    public static func encode(_ event: JournalEvent) throws -> [UInt8] {
        try JournalJSONWriter.event(event)
    }

    /// The bytes of a snapshot of `state`, in the current ``snapshotFormat``.
    public static func encodeSnapshot(_ state: JournalState) throws -> [UInt8] {
        try JournalJSONWriter.snapshot(state, format: snapshotFormat)
    }

    /// The snapshot format written now (3: a request's record is an enum of phases, and one termination
    /// model is keyed by product id). Formats 1 (no `format` key: the state itself) and 2 are still
    /// read, through ``LegacyJournal``.
    public static let snapshotFormat = 3

    /// Rebuilds the state from a snapshot (if any) and the records after it.
    ///
    /// - Throws: ``JournalReplayError`` naming the record that cannot be decoded.
    public static func replay(
        lineage: String,
        snapshot: [UInt8]?,
        records: [(seq: UInt64, payload: [UInt8])]
    ) throws
        -> JournalState
    {
        var state = try snapshot.map(decodeSnapshot) ?? JournalState(lineage: lineage)
        for record in records { try apply(record.payload, seq: record.seq, to: &state) }
        return state
    }

    /// Folds the record `seq` into `state`.
    static func apply(_ payload: [UInt8], seq: UInt64, to state: inout JournalState) throws {
        guard let event = decodeEvent(payload, state: state) else {
            let error = Result { try JSONDecoder().decode(JournalEvent.self, from: Data(payload)) }
            throw JournalReplayError(
                seq: seq,
                message: "journal record \(seq) cannot be decoded (written by a newer sandboxd?): \(error)"
            )
        }
        state.apply(event)
    }

    /// Reads a snapshot of any format up to ``snapshotFormat``.
    static func decodeSnapshot(_ bytes: [UInt8]) throws -> JournalState {
        let fast = try? JournalJSONReader.snapshot(bytes, expected: snapshotFormat)
        if let state = fast?.state { return state }
        let format = fast?.format ?? (try? JSONDecoder().decode(FormatProbe.self, from: Data(bytes)))?.format ?? 1
        guard format <= snapshotFormat else {
            throw JournalReplayError(
                seq: nil,
                message: "the journal snapshot was written by a newer sandboxd (snapshot format \(format)); this one "
                    + "reads snapshot formats up to \(snapshotFormat): upgrade sandboxd"
            )
        }
        do {
            if format < snapshotFormat { return try LegacyJournal.decodeSnapshot(Data(bytes), format: format) }
            // What the fast reader refused: Foundation reads it, or says what is wrong.
            return try JSONDecoder().decode(VersionedSnapshot.self, from: Data(bytes)).state
        } catch {
            throw JournalReplayError(seq: nil, message: "the journal snapshot cannot be decoded: \(error)")
        }
    }

    /// One record's event, reading events of older sandboxd versions too (`nil` when it cannot be read).
    ///
    /// The fast reader (``JournalJSONReader``) first; what it cannot read is read by Foundation's decoder,
    /// as every record was before, so the two can differ only in speed.
    static func decodeEvent(_ payload: [UInt8], state: JournalState) -> JournalEvent? {
        if let event = try? JournalJSONReader.event(payload) { return event }
        let decoder = JSONDecoder()
        let data = Data(payload)
        if let event = try? decoder.decode(JournalEvent.self, from: data) { return event }
        return (try? decoder.decode(LegacyJournal.Event.self, from: data)).map { $0.upgraded(given: state) }
    }
}

/// The `format` key of a snapshot, absent in format 1.
struct FormatProbe: Decodable {
    var format: Int?
}

/// A snapshot as written now: the format number beside the state.
struct VersionedSnapshot: Codable {
    var format: Int
    var state: JournalState
}

/// A journal whose records are intact but cannot be understood.
public struct JournalReplayError: Error, CustomStringConvertible, Sendable {
    public var seq: UInt64?
    public var message: String
    public var description: String { message }
}
