/// Everything a journal holds, as returned by ``FileJournal/openForWriting(stateDirectory:)`` and
/// ``FileJournal/read(stateDirectory:)``: replay ``snapshot`` (if any), then ``records`` in order.
public struct JournalContents: Sendable, Hashable {
    /// The journal's lineage: a random UUID string made when the journal was created. It changes only when a
    /// journal is started afresh, so it distinguishes "the same request id again" from "a new journal".
    public var lineage: String
    /// The latest snapshot, if ``FileJournal/compact(snapshot:)`` was ever called.
    public var snapshot: JournalSnapshot?
    /// The records after the snapshot (all records when there is none), in sequence order, without gaps.
    public var records: [JournalRecord]
    /// Things an operator should know that did not stop the journal from opening, for example a torn tail
    /// that was cut (writer) or ignored (reader). Log each at warning level.
    public var warnings: [String]

    /// Creates a contents value.
    ///
    /// - Parameters:
    ///   - lineage: The journal's lineage.
    ///   - snapshot: The latest snapshot.
    ///   - records: The records after the snapshot.
    ///   - warnings: Warnings for the operator.
    public init(lineage: String, snapshot: JournalSnapshot?, records: [JournalRecord], warnings: [String]) {
        self.lineage = lineage
        self.snapshot = snapshot
        self.records = records
        self.warnings = warnings
    }

    /// The sequence number of the last record in the journal (covered by the snapshot or not); `0` when empty.
    public var lastSeq: UInt64 {
        max(records.last?.seq ?? 0, snapshot?.seq ?? 0)
    }
}
