public import SandboxCore

/// The file journal is the store the daemon's executor writes to.
extension FileJournal: JournalStore {}

extension JournalCodec {
    /// Rebuilds the state from what a journal holds.
    public static func replay(_ contents: JournalContents) throws -> JournalState {
        var state =
            try contents.snapshot.map { try decodeSnapshot($0.payload) } ?? JournalState(lineage: contents.lineage)
        for record in contents.records { try apply(record.payload, seq: record.seq, to: &state) }
        return state
    }
}
