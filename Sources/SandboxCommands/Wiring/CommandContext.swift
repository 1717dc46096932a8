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
    /// `--github-repository` / `GITHUB_REPOSITORY`.
    var githubRepository: String?
    /// Where the GitHub token is, when sandboxd runs with a token.
    var githubToken: CommandOptions.GitHubTokenSource?
    /// The GitHub App, when sandboxd runs as one.
    var githubApp: CommandOptions.GitHubAppOptions?
    /// `GITHUB_API_URL`.
    var githubAPIURL: String

    /// The context of a command run with `options`.
    init(options: CommandOptions, environment: [String: String], output: CommandOutput) {
        desiredStatePath = options.desiredState
        stateDirectory = URL(fileURLWithPath: options.stateDirectory, isDirectory: true)
        poolName = options.poolName
        local = options.local
        self.environment = environment
        self.output = output
        logger = Logger(sink: StandardErrorLogSink(environment: environment), minimumLevel: .notice)
        githubRepository = options.githubRepository
        githubAPIURL = options.githubAPIURL
        githubToken = options.githubToken
        githubApp = options.githubApp
    }

    var state: StateDirectory { StateDirectory(url: stateDirectory) }

    /// Reads the desired state afresh.
    func loadDesired() -> DesiredState {
        DesiredStateLoader(directory: desiredStatePath).load()
    }

    /// The catalog port for this mode. A read-only one never writes (`plan`).
    func makeCatalog(readOnly: Bool) async throws -> any CatalogPort {
        if local { return LocalCatalog.inStateDirectory(stateDirectory, readOnly: readOnly, clock: clock) }
        return try await RemotePorts.catalog(context: self)
    }

    /// The GitHub port for this mode.
    func makeGitHub() async throws -> any GitHubPort {
        if local {
            let output = output
            let clock = clock
            return LocalGitHub(
                outbox: state.outbox,
                factsFile: state.localGitHubFacts,
                now: { clock.now() },
                printer: { name, body in output.writeOutput("── outbox/\(name) ──\n\(body)\n\n") }
            )
        }
        return try await RemotePorts.github(context: self)
    }
}

extension CommandContext {
    /// Takes the state directory (lock, journal, mode) and builds a reconciler on it.
    ///
    /// - Parameter counter: when given, every port call is counted for the metrics file.
    func openReconciler(counter: APICallCounter? = nil) async throws -> (Reconciler, FileJournal) {
        // A state directory of the other mode, or missing configuration, fails before anything is
        // touched (docs/behaviour.md §4).
        try state.claim(local: local, record: false)
        var catalog = try await makeCatalog(readOnly: false)
        var github = try await makeGitHub()
        if let counter {
            catalog = InstrumentedCatalog(catalog, counter: counter)
            github = InstrumentedGitHub(github, counter: counter)
        }
        let (journal, contents) = try FileJournal.openForWriting(stateDirectory: stateDirectory)
        do {
            try state.claim(local: local, record: true)
            for warning in contents.warnings { logger.warning("journal repaired", ["detail": warning]) }
            let reconciler = try Reconciler.replaying(
                store: journal,
                snapshot: contents.snapshot?.payload,
                records: contents.records.map { ($0.seq, $0.payload) },
                catalog: catalog,
                github: github,
                clock: clock,
                poolName: poolName,
                logger: logger
            )
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
