public import SandboxCore

/// The file journal is the store the daemon's executor writes to.
extension FileJournal: JournalStore {}

extension JournalCodec {
    /// Rebuilds the state from what a journal holds.
    public static func replay(_ contents: JournalContents) throws -> JournalState {
        try replay(
            lineage: contents.lineage,
            snapshot: contents.snapshot?.payload,
            records: contents.records.map { ($0.seq, $0.payload) }
        )
    }
}
