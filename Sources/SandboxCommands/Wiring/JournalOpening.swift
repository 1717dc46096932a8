import Foundation
import SandboxCore
import SandboxRuntime

extension FileJournal: JournalStore {}

extension CommandContext {
    /// Takes the state directory (lock, journal, mode) and builds a reconciler on it.
    func openReconciler() throws -> (Reconciler, FileJournal) {
        let (journal, contents) = try FileJournal.openForWriting(stateDirectory: stateDirectory)
        do {
            try state.claim(local: local, record: true)
        } catch {
            journal.close()
            throw error
        }
        for warning in contents.warnings { logger.warning("journal repaired", ["detail": warning]) }
        let ports = try makePorts(readOnly: false)
        let reconciler = try Reconciler.replaying(
            store: journal, contents: contents, catalog: ports.catalog, github: ports.github, clock: clock,
            poolName: poolName, logger: logger)
        return (reconciler, journal)
    }

    /// The journal's state, read without the lock and without writing anything (torn tails ignored).
    func readJournal() throws -> JournalState {
        try state.claim(local: local, record: false)
        guard let contents = try FileJournal.read(stateDirectory: stateDirectory) else {
            return JournalState(lineage: "")
        }
        return try JournalCodec.replay(contents)
    }
}

extension JournalCodec {
    /// Rebuilds the state from what a ``FileJournal`` holds.
    static func replay(_ contents: JournalContents) throws -> JournalState {
        try replay(lineage: contents.lineage, snapshot: contents.snapshot?.payload,
                   records: contents.records.map { ($0.seq, $0.payload) })
    }
}

extension Reconciler {
    /// Opens a reconciler on a file journal's contents.
    static func replaying(
        store: FileJournal, contents: JournalContents, catalog: any CatalogPort, github: any GitHubPort,
        clock: any SandboxClock, poolName: String, logger: Logger
    ) throws -> Reconciler {
        try replaying(store: store, snapshot: contents.snapshot?.payload,
                      records: contents.records.map { ($0.seq, $0.payload) }, catalog: catalog, github: github,
                      clock: clock, poolName: poolName, logger: logger)
    }
}
