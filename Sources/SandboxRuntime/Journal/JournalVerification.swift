public import Foundation
public import SandboxCore

/// What `sandboxd journal verify` found in a state directory's journal (docs/behaviour.md §4.5).
///
/// Checking reads every segment and the snapshot with their CRCs (``JournalScan``, as
/// ``FileJournal/read(stateDirectory:)`` does: no lock is taken and no byte is changed, not even a torn
/// tail) and decodes every record into the state, as a start of the daemon would.
public struct JournalVerification: Sendable {
    /// The journal's lineage.
    public var lineage: String
    /// The seq the snapshot covers up to, if there is a snapshot.
    public var snapshotSeq: UInt64?
    /// The records after the snapshot (each checked and decoded).
    public var recordCount: Int
    /// The segment files.
    public var segmentCount: Int
    /// The seq of the last record, covered by the snapshot or not.
    public var lastSeq: UInt64
    /// The requests the journal holds, by state.
    public var requests: [RequestState: Int]
    /// What is not damage but worth saying: a torn tail (cut by the next writer), leftover temporary files.
    public var notes: [String]

    /// Checks the journal of `stateDirectory`.
    ///
    /// - Throws: ``JournalError`` when there is no journal, when it is damaged (``JournalError/Code/corrupted``),
    ///   of a newer format (``JournalError/Code/unsupportedFormat``) or cannot be read; a record or snapshot
    ///   that does not decode is ``JournalError/Code/corrupted`` naming its seq.
    public static func check(stateDirectory: URL) throws(JournalError) -> JournalVerification {
        let directory = JournalIO.join(JournalIO.path(of: stateDirectory), FileJournal.directoryName)
        guard let contents = try FileJournal.read(stateDirectory: stateDirectory) else {
            throw JournalError(
                code: .io,
                message: "there is no journal in \(directory) (no segment file): is this a sandboxd state directory?",
                path: directory
            )
        }
        let state: JournalState
        do {
            state = try JournalCodec.replay(contents)
        } catch let error as JournalReplayError {
            throw JournalError(code: .corrupted, message: error.message, path: directory)
        } catch {
            throw JournalError(code: .corrupted, message: "the journal cannot be replayed: \(error)", path: directory)
        }
        let names = (try? JournalIO.listDirectory(directory)) ?? nil ?? []
        let leftovers = names.filter(JournalScan.isTemporary).sorted()
        var notes = contents.warnings
        if !leftovers.isEmpty {
            notes.append(
                "leftover temporary files from an interrupted write, ignored (removed by the next start): "
                    + leftovers.joined(separator: ", ")
            )
        }
        return JournalVerification(
            lineage: contents.lineage,
            snapshotSeq: contents.snapshot?.seq,
            recordCount: contents.records.count,
            segmentCount: names.filter { JournalScan.segmentNumber($0) != nil }.count,
            lastSeq: contents.lastSeq,
            requests: Dictionary(grouping: state.requests.values, by: \.state).mapValues(\.count),
            notes: notes
        )
    }

    /// The summary `journal verify` prints: one fact a line.
    public var summary: [String] {
        let total = requests.values.reduce(0, +)
        let states = RequestState.allCases.compactMap { state in
            requests[state].map { "\($0) \(state.rawValue)" }
        }
        return [
            "lineage: \(lineage)",
            "segments: \(segmentCount)",
            "snapshot: " + (snapshotSeq.map { "up to seq \($0)" } ?? "none"),
            "records: \(recordCount) after the snapshot, every checksum matching and every record decoded",
            "last seq: \(lastSeq)",
            "requests: \(Counted.phrase(total, "request"))"
                + (states.isEmpty ? "" : " (\(states.joined(separator: ", ")))"),
        ] + notes.map { "note: \($0)" }
    }
}
