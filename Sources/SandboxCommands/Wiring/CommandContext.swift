import Foundation
import SandboxCore
import SandboxLocal
import SandboxRuntime

/// What the pass-running commands share: resolved settings, the ports, the desired-state loader.
struct CommandContext: Sendable {
    /// The desired-state directory, as given (for messages) and resolved.
    var desiredStatePath: String
    var stateDirectory: URL
    var poolName: String
    var local: Bool
    var environment: [String: String]
    var output: CommandOutput
    var clock: any SandboxClock = SystemClock()
    var logger: Logger

    /// The context of a command run with `options`.
    init(options: CommandOptions, environment: [String: String], output: CommandOutput) {
        desiredStatePath = options.desiredState
        stateDirectory = URL(fileURLWithPath: options.stateDirectory, isDirectory: true)
        poolName = options.poolName
        local = options.local
        self.environment = environment
        self.output = output
        logger = Logger(sink: StandardErrorLogSink(environment: environment), minimumLevel: .notice)
    }

    var state: StateDirectory { StateDirectory(url: stateDirectory) }

    /// Reads the desired state afresh.
    func loadDesired() -> DesiredState {
        DesiredStateLoader(directory: desiredStatePath).load()
    }

    /// The catalog and GitHub ports for this mode. Read-only ports never write (plan, status).
    func makePorts(readOnly: Bool) throws -> (catalog: any CatalogPort, github: any GitHubPort) {
        if local {
            let output = output
            let catalog = LocalCatalog.inStateDirectory(stateDirectory, readOnly: readOnly, clock: clock)
            let github = LocalGitHub(outbox: state.outbox) { name, body in
                output.writeOutput("── outbox/\(name) ──\n\(body)\n\n")
            }
            return (catalog, github)
        }
        return try RemotePorts.make(context: self)
    }
}

extension CommandContext {
    /// Takes the state directory (lock, journal, mode) and builds a reconciler on it.
    ///
    /// - Parameter counter: when given, every port call is counted for the metrics file.
    func openReconciler(counter: APICallCounter? = nil) throws -> (Reconciler, FileJournal) {
        let (journal, contents) = try FileJournal.openForWriting(stateDirectory: stateDirectory)
        do {
            try state.claim(local: local, record: true)
            for warning in contents.warnings { logger.warning("journal repaired", ["detail": warning]) }
            var ports = try makePorts(readOnly: false)
            if let counter {
                ports = (InstrumentedCatalog(ports.catalog, counter: counter), InstrumentedGitHub(ports.github, counter: counter))
            }
            let reconciler = try Reconciler.replaying(
                store: journal, snapshot: contents.snapshot?.payload,
                records: contents.records.map { ($0.seq, $0.payload) }, catalog: ports.catalog,
                github: ports.github, clock: clock, poolName: poolName, logger: logger)
            return (reconciler, journal)
        } catch {
            journal.close()
            throw error
        }
    }

    /// The journal's state, read without the lock and without writing anything (torn tails ignored).
    ///
    /// - Parameter checkMode: refuse a state directory used in the other mode (`plan` talks to the
    ///   catalog of its mode; `status` reads only the journal and works on either).
    func readJournal(checkMode: Bool = true) throws -> JournalState {
        if checkMode { try state.claim(local: local, record: false) }
        guard let contents = try FileJournal.read(stateDirectory: stateDirectory) else {
            return JournalState(lineage: "")
        }
        return try JournalCodec.replay(contents)
    }
}
