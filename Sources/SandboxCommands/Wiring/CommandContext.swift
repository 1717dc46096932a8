import Foundation
import SandboxCore
import SandboxGit
import SandboxHTTP
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
    /// `--log-level` / `SANDBOXD_LOG_LEVEL`, when given.
    var logLevel: Logger.Level?
    /// `--github-repository` / `GITHUB_REPOSITORY`.
    var githubRepository: String?
    /// Where the GitHub token is, when sandboxd runs with a token.
    var githubToken: CommandOptions.GitHubTokenSource?
    /// The GitHub App, when sandboxd runs as one.
    var githubApp: CommandOptions.GitHubAppOptions?
    /// `GITHUB_API_URL`.
    var githubAPIURL: String
    /// `--git-remote` with its branch and path, when sandboxd follows a repository itself.
    var gitRemote: CommandOptions.GitRemoteOptions?
    /// Where the passes read the desired state from: the directory, or one fetched commit of the remote.
    var desiredSource: DesiredStateSource
    /// The GitHub client git's https fetches and the branch watch use, made on first use.
    let gitHub: GitHubForGit

    /// The context of a command run with `options`.
    init(options: CommandOptions, environment: [String: String], output: CommandOutput) {
        desiredStatePath = options.desiredState
        stateDirectory = URL(fileURLWithPath: options.stateDirectory, isDirectory: true)
        poolName = options.poolName
        local = options.local
        self.environment = environment
        self.output = output
        // --log-level, else notice (`run` lowers the default to info, docs/behaviour.md §7).
        logLevel = options.logLevel
        logger = Logger(
            sink: StandardErrorLogSink(environment: environment),
            minimumLevel: options.logLevel ?? .notice
        )
        githubRepository = options.githubRepository
        githubAPIURL = options.githubAPIURL
        githubToken = options.githubToken
        githubApp = options.githubApp
        gitRemote = options.gitRemote
        gitHub = GitHubForGit()
        desiredSource = DesiredStateSource(directory: options.desiredState, clock: SystemClock(), logger: logger)
        gitHub.context = self
        if let remote = options.gitRemote {
            desiredSource = Self.remoteSource(remote, options: options, gitHub: gitHub, logger: logger)
        }
    }

    var state: StateDirectory { StateDirectory(url: stateDirectory) }

    /// The desired state for a pass: the directory read afresh, or the commit of `--git-remote` (fetched
    /// when a fetch is due and `fetching`).
    func loadDesired(fetching: Bool = true) async -> DesiredState {
        await desiredSource.load(fetching: fetching)
    }

    /// The source for `--git-remote`: a clone under the state directory, fetched every `--interval` at
    /// most (or when the branch watch saw the head move), with sandboxd's GitHub token for https remotes.
    private static func remoteSource(
        _ options: CommandOptions.GitRemoteOptions,
        options all: CommandOptions,
        gitHub: GitHubForGit,
        logger: Logger
    ) -> DesiredStateSource {
        // The options were checked when they were resolved.
        let remote = try! GitRemote(url: options.url, branch: options.branch, path: options.path)
        let local = all.local
        var credentials: (@Sendable () async throws -> String?)?
        if remote.takesCredentials && !local {
            credentials = { @Sendable () async throws -> String? in try await gitHub.token() }
        }
        let mirror = GitMirror(
            remote: remote,
            stateDirectory: URL(fileURLWithPath: all.stateDirectory, isDirectory: true),
            credentials: credentials
        )
        return DesiredStateSource(
            mirror: mirror,
            displayPath: "\(options.url)#\(options.path)",
            fetchInterval: TimeInterval(all.interval.seconds),
            clock: SystemClock(),
            logger: logger
        )
    }

    /// The catalog port for this mode. A read-only one never writes (`plan`).
    func makeCatalog(readOnly: Bool) async throws -> any CatalogPort {
        if local { return LocalCatalog.inStateDirectory(stateDirectory, readOnly: readOnly, clock: clock) }
        return try await RemotePorts.catalog(context: self, readOnly: readOnly)
    }

    /// The GitHub port for this mode.
    func makeGitHub(transport: any HTTPTransport = URLSessionTransport()) async throws -> any GitHubPort {
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
        return try await RemotePorts.github(context: self, transport: transport)
    }
}

extension CommandContext {
    /// Takes the state directory (lock, journal, mode) and builds a reconciler on it.
    ///
    /// - Parameter counter: when given, every port call is counted for the metrics file.
    func openReconciler(counter: APICallCounter? = nil) async throws -> (Reconciler, FileJournal) {
        let opened = try await openReconcilerKeepingGitHub(counter: counter)
        return (opened.reconciler, opened.journal)
    }

    /// ``openReconciler(counter:)``, also giving the GitHub port it was made with (uncounted), which the
    /// daemon's forecasts share (docs/behaviour.md §6.9).
    func openReconcilerKeepingGitHub(
        counter: APICallCounter? = nil
    ) async throws -> (reconciler: Reconciler, journal: FileJournal, github: any GitHubPort) {
        let (catalog, github, uncounted) = try await openPortsKeepingGitHub(counter: counter)
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
            return (reconciler, journal, uncounted)
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

    /// The ports of this mode, counted when `counter` is given; a state directory of the other mode, or missing
    /// configuration, fails before anything is touched, naming every problem found at once (docs/behaviour.md §4.6).
    func openPorts(
        counter: APICallCounter? = nil,
        githubTransport: any HTTPTransport = URLSessionTransport()
    ) async throws -> (any CatalogPort, any GitHubPort) {
        let (catalog, github, _) = try await openPortsKeepingGitHub(counter: counter, githubTransport: githubTransport)
        return (catalog, github)
    }

    /// ``openPorts(counter:githubTransport:)``, also giving the GitHub port before it was counted.
    func openPortsKeepingGitHub(
        counter: APICallCounter? = nil,
        githubTransport: any HTTPTransport = URLSessionTransport()
    ) async throws -> (any CatalogPort, any GitHubPort, uncounted: any GitHubPort) {
        var problems: [String] = []
        func attempt<Port>(_ make: () async throws -> Port) async -> Port? {
            do {
                return try await make()
            } catch {
                problems += CommandFailure.lines(of: error)
                return nil
            }
        }
        _ = await attempt { try state.claim(local: local, record: false) }
        let madeCatalog = await attempt { try await makeCatalog(readOnly: false) }
        let madeGitHub = await attempt { try await makeGitHub(transport: githubTransport) }
        guard var catalog = madeCatalog, let uncounted = madeGitHub, problems.isEmpty else {
            throw CommandFailure(lines: problems)
        }
        var github = uncounted
        if let counter {
            catalog = InstrumentedCatalog(catalog, counter: counter)
            github = InstrumentedGitHub(github, counter: counter)
        }
        return (catalog, github, uncounted)
    }
}
