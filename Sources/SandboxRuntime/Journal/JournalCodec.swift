import Foundation
public import SandboxCore

/// Encodes journal events and snapshots as compact JSON, and replays them into a ``JournalState``.
public enum JournalCodec {
    /// The bytes of one event record.
    public static func encode(_ event: JournalEvent) throws -> [UInt8] {
        Array(try encoder.encode(event))
    }

    /// The bytes of a snapshot of `state`.
    public static func encodeSnapshot(_ state: JournalState) throws -> [UInt8] {
        Array(try encoder.encode(state))
    }

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
        var state = JournalState(lineage: lineage)
        if let snapshot {
            do {
                state = try JSONDecoder().decode(JournalState.self, from: Data(snapshot))
            } catch {
                throw JournalReplayError(seq: nil, message: "the journal snapshot cannot be decoded: \(error)")
            }
        }
        for record in records {
            do {
                state.apply(try JSONDecoder().decode(JournalEvent.self, from: Data(record.payload)))
            } catch {
                throw JournalReplayError(
                    seq: record.seq,
                    message: "journal record \(record.seq) cannot be decoded (written by a newer sandboxd?): \(error)"
                )
            }
        }
        return state
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

/// A journal whose records are intact but cannot be understood.
public struct JournalReplayError: Error, CustomStringConvertible, Sendable {
    public var seq: UInt64?
    public var message: String
    public var description: String { message }
}
