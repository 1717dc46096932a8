import Foundation
import SandboxCore
import SandboxFiles
import SandboxGit
import SandboxGitHub
import SandboxRuntime
import SandboxLocking

/// `sandboxd run` (docs/behaviour.md §7): wires the ``Daemon`` actor to systemd (READY, STATUS,
/// WATCHDOG fed by the loop's liveness, STOPPING), the signals, the desired-state watcher, the logs
/// and the metrics file. Every decision is the daemon's and the core's.
struct DaemonRunner {
    var context: CommandContext
    var interval: LeaseDuration
    var metricsFile: String?
    /// `--metrics-file-mode`: node_exporter, another user, reads the file (docs/behaviour.md §8).
    var metricsFileMode: UInt16 = 0o644
    /// `--forecast-budget` (0: `--no-forecast`), docs/behaviour.md §6.9.
    var forecastBudget: Int = 10
    /// `--ha-table` and the rest: run as a replica (``HAReplica``, docs/behaviour.md §12).
    var ha: CommandOptions.HAOptions?
    /// Before every `STATUS=` of a pass (a replica's role and term).
    var statusPrefix = ""
    /// After the metrics of every pass (a replica's role gauges).
    var extraMetrics = ""

    /// The longest time between two `WATCHDOG=1` while the loop is alive (a third of `WATCHDOG_USEC`
    /// when that is shorter).
    static let longestWatchdogGap: Duration = .seconds(10)

    func run() async -> Int32 {
        if let ha { return await HAReplica(runner: self, options: ha).run() }
        var context = context
        context.logger.minimumLevel = context.logLevel ?? .info
        let logger = context.logger
        let notifier = SystemdNotifier(environment: context.environment)
        let signals = SignalEvents()
        let counter = APICallCounter()
        let reconciler: Reconciler
        let journal: FileJournal
        let github: any GitHubPort
        do {
            (reconciler, journal, github) = try await context.openReconcilerKeepingGitHub(counter: counter)
        } catch {
            context.output.printFailure(error)
            notifier.failing(status: "cannot start: " + CommandFailure.lines(of: error).joined(separator: "; "))
            return 1
        }
        defer { journal.close() }

        let shared = SharedGauges()
        let daemon = makeDaemon(
            reconciler: reconciler,
            notifier: notifier,
            counter: counter,
            shared: shared,
            forecastGitHub: github
        )

        // A directory is watched for changes; a git remote's branch through GitHub's API, when it is there.
        let watcher = DesiredStateWatcher(directory: context.desiredStatePath)
        if context.gitRemote == nil { watcher.start() }
        let watchTask = Task {
            for await _ in watcher.changes { daemon.send(Daemon.Event.desiredStateChanged) }
        }
        let branchTask = Task { [context] in await Self.watchBranch(context: context, daemon: daemon) }
        let signalTask = Task {
            for await signal in signals.stream {
                switch signal {
                case .report: Self.logState(shared.lastSummary.withLock { $0 }, daemon: daemon, logger: logger)
                case .stop:
                    notifier.stopping()
                    daemon.send(Daemon.Event.signal(signal))
                case .passNow: daemon.send(Daemon.Event.signal(signal))
                }
            }
        }
        let heartbeat = Task { await Self.feedWatchdog(notifier: notifier, liveness: daemon.liveness) }
        defer {
            watcher.stop()
            watchTask.cancel()
            branchTask.cancel()
            signalTask.cancel()
            heartbeat.cancel()
        }
        let journalState = await reconciler.state
        notifier.ready(status: "started: \(Counted.phrase(journalState.requests.count, "request")) in the journal")
        notifier.watchdog()
        logger.notice(
            "started",
            [
                "pool": context.poolName, "state.dir": context.stateDirectory.path, "local": String(context.local),
                "watch": context.gitRemote.map { "git \($0.url)" } ?? watcher.mechanism?.description ?? "-",
            ]
        )
        switch await daemon.run() {
        case .stopped:
            logger.notice("stopped", ["pool": context.poolName])
            return 0
        case .journalFailed(let error):
            logger.error("the journal cannot record: stopping", ["error": error])
            notifier.failing(status: "journal failure: \(error)")
            return 1
        }
    }

    /// The daemon on `reconciler`, its hooks logging with this run's (info-level) logger: `pass finished` is an
    /// info line.
    func makeDaemon(
        reconciler: Reconciler,
        notifier: SystemdNotifier,
        counter: APICallCounter,
        shared: SharedGauges = SharedGauges(),
        forecastGitHub: (any GitHubPort)? = nil
    ) -> Daemon {
        var context = context
        context.logger.minimumLevel = context.logLevel ?? .info
        var runner = self
        runner.context = context
        return Daemon(
            reconciler: reconciler,
            clock: context.clock,
            interval: TimeInterval(interval.seconds),
            idPrefix: Self.processTag(),
            loadDesired: { [context] in await context.loadDesired() },
            hooks: runner.hooks(notifier: notifier, shared: shared, counter: counter),
            forecaster: forecastGitHub.flatMap { runner.forecaster(github: $0, shared: shared) }
        )
    }

    /// SIGUSR1 (docs/behaviour.md §7): one `state` line — the loop's state, what the last pass left, when it
    /// wakes next — and the daemon carries on.
    static func logState(_ summary: Daemon.PassSummary?, daemon: Daemon, logger: Logger) {
        Task {
            var metadata = ["daemon.state": await daemon.state.rawValue]
            if let summary {
                metadata["last.pass"] = summary.reconcileID
                metadata["last.pass.ended"] = NotificationDateFormat.rfc3339(summary.ended)
                metadata["next.wake"] = NotificationDateFormat.rfc3339(summary.nextWake)
                metadata["outbox"] = String(summary.outboxLength)
                metadata["summary"] = DaemonStatusLine.summary(
                    state: summary.journal,
                    capacity: summary.desired.pool?.capacity,
                    now: summary.ended,
                    problems: summary.report.statusFragment,
                    brake: summary.report.brake != nil
                )
            }
            logger.notice("state", metadata)
        }
    }

    /// Sends `WATCHDOG=1` while the loop is alive (``DaemonLiveness``): every third of the watchdog
    /// time, at most ``longestWatchdogGap`` apart.
    static func feedWatchdog(notifier: SystemdNotifier, liveness: DaemonLiveness) async {
        guard let half = notifier.watchdogInterval else { return }
        let timeout = half * 2
        let every = min(timeout / 3, longestWatchdogGap)
        while !Task.isCancelled {
            try? await Task.sleep(for: every)
            if liveness.isAlive(timeout: timeout) { notifier.watchdog() }
        }
    }

    /// How often the branch of a git remote on GitHub is read (conditionally: a 304 costs no rate limit).
    static let branchWatchInterval: Duration = .seconds(2)

    /// Watches the head of `--git-remote`'s branch through GitHub's API, when the remote is on GitHub
    /// (`GITHUB_API_URL`'s host): a move fetches at once (docs/behaviour.md §4.9). Otherwise nothing
    /// is watched and the remote is fetched every `--interval`.
    static func watchBranch(context: CommandContext, daemon: Daemon) async {
        guard let options = context.gitRemote, !context.local,
            let remote = try? GitRemote(url: options.url, branch: options.branch, path: options.path),
            let name = remote.gitHubRepository(webHost: webHost(ofAPI: context.githubAPIURL)),
            let repository = try? GitHubRepository(name),
            let client = try? await context.gitHub.client()
        else { return }
        let watch = GitHubBranchWatch(client: client, repository: repository)
        var seen: String?
        while !Task.isCancelled {
            try? await Task.sleep(for: branchWatchInterval)
            guard let branch = options.branch ?? context.desiredSource.branch,
                let head = try? await watch.head(of: branch)
            else { continue }
            if head != seen, head != context.desiredSource.commitID {
                context.logger.info("the branch moved", ["branch": branch, "commit": head])
                context.desiredSource.branchMoved()
                daemon.send(Daemon.Event.desiredStateChanged)
            }
            seen = head
        }
    }

    /// GitHub's web host for an API root: `github.com` for `https://api.github.com`, else the API's host
    /// (with its port), as GitHub Enterprise Server serves both on one host.
    static func webHost(ofAPI apiURL: String) -> String {
        guard let components = URLComponents(string: apiURL), let host = components.host?.lowercased() else {
            return "github.com"
        }
        if host == "api.github.com" { return "github.com" }
        return components.port.map { "\(host):\($0)" } ?? host
    }

    /// A tag unique to this process, so `reconcile.id` is unique across restarts: the start time and pid.
    static func processTag() -> String {
        let seconds = UInt64(Date().timeIntervalSince1970)
        return String(seconds, radix: 36) + String(UInt32(ProcessInfo.processInfo.processIdentifier), radix: 36)
    }

    /// What the daemon tells the outside after each pass and comment.
    /// The forecasts on open pull requests (docs/behaviour.md §6.9): against GitHub only (`--local` has no
    /// pull requests), unless `--forecast-budget 0` or `--no-forecast` turns them off.
    func forecaster(github: any GitHubPort, shared: SharedGauges = SharedGauges()) -> ForecastRunner? {
        guard forecastBudget > 0, let adapter = github as? GitHubAdapter else {
            context.logger.info("forecasts off", ["reason": context.local ? "--local" : "--forecast-budget 0"])
            return nil
        }
        let budget = ForecastBudget(percent: forecastBudget)
        shared.forecastBudget.withLock { $0 = budget }
        let port = GitHubForecastAdapter(github: adapter, budget: budget)
        return ForecastRunner(port: port, clock: context.clock, logger: context.logger)
    }

    func hooks(notifier: SystemdNotifier, shared: SharedGauges, counter: APICallCounter) -> Daemon.Hooks {
        let context = context
        let runner = self
        return Daemon.Hooks(
            passFinished: { summary in
                shared.lastSummary.withLock { $0 = summary }
                let report = summary.report
                if report.problems.isEmpty { shared.lastSuccess.withLock { $0 = summary.ended } }
                shared.gauges.withLock { gauges in
                    gauges.nextWake = summary.nextWake
                    gauges.outboxLength = summary.outboxLength
                    for late in report.lateness { gauges.lateness[late.kind] = late.seconds }
                }
                runner.logNewProblems(of: summary.desired, shared: shared)
                runner.log(summary)
                LastPass(finishedAt: summary.ended, problems: report.problems).write(in: context.stateDirectory)
                notifier.status(
                    runner.statusPrefix
                        + DaemonStatusLine.summary(
                            state: summary.journal,
                            capacity: summary.desired.pool?.capacity,
                            now: summary.ended,
                            problems: report.statusFragment,
                            brake: report.brake != nil
                        )
                )
                runner.writeMetrics(summary, shared: shared, counter: counter)
            },
            commentSent: { left in
                shared.gauges.withLock { $0.outboxLength = left }
                guard let summary = shared.lastSummary.withLock({ $0 }) else { return }
                runner.writeMetrics(summary, shared: shared, counter: counter)
            },
            massReleaseAllowed: { context.state.massReleaseAllowed },
            massReleaseUsed: { context.state.consumeMassReleaseAllowance() },
            // The expiry warning goes out in the lane, not in a pass: its lateness comes this way.
            latenessMeasured: { late in shared.gauges.withLock { $0.lateness[late.kind] = late.seconds } },
            forecastFinished: { report in
                runner.log(report)
                guard let summary = shared.lastSummary.withLock({ $0 }) else { return }
                runner.writeMetrics(summary, shared: shared, counter: counter)
            }
        )
    }

    /// A forecast round that wrote something, or stopped early, is logged; a quiet one is not.
    func log(_ report: ForecastRunner.Report) {
        var fields = [
            "pull.requests": String(report.pullRequests), "forecast": String(report.forecast),
            "writes": String(report.writes),
        ]
        if let stopped = report.stoppedBy {
            fields["reason"] = stopped.message
            context.logger.notice("forecasts stopped", fields)
        } else if let skipped = report.skipped {
            context.logger.debug("forecasts skipped", ["reason": skipped])
        } else if report.writes > 0 {
            context.logger.info("forecasts written", fields)
        }
    }

    /// Each problem of the desired state (what `validate` prints) once, in the first pass that meets it, not
    /// every pass (docs/behaviour.md §2.5); one that goes away and comes back is logged again.
    func logNewProblems(of desired: DesiredState, shared: SharedGauges) {
        let fresh: [Diagnostic] = shared.loggedProblems.withLock { logged in
            var fresh: [Diagnostic] = []
            var current: Set<Diagnostic> = []
            for diagnostic in desired.diagnostics where current.insert(diagnostic).inserted {
                if !logged.contains(diagnostic) { fresh.append(diagnostic) }
            }
            logged = current
            return fresh
        }
        for diagnostic in fresh {
            let metadata = ["problem": diagnostic.description]
            if diagnostic.severity == .error {
                context.logger.warning("desired-state problem", metadata)
            } else {
                context.logger.notice("desired-state warning", metadata)
            }
        }
    }

    /// The pass's problems, brake and notes in the log.
    func log(_ summary: Daemon.PassSummary) {
        let logger = context.logger
        let report = summary.report
        report.logProblems(to: logger, reconcileID: summary.reconcileID)
        if let brake = report.brake {
            logger.warning("safety brake", ["reconcile.id": summary.reconcileID, "reason": brake])
        }
        for note in report.notes { logger.notice("note", ["reconcile.id": summary.reconcileID, "note": note]) }
        logger.info(
            "pass finished",
            [
                "reconcile.id": summary.reconcileID, "calls": String(report.calls),
                "next.wake": NotificationDateFormat.rfc3339(summary.nextWake),
                "next.due": report.nextDue?.description ?? "-", "outbox": String(summary.outboxLength),
            ]
        )
    }

    func writeMetrics(_ summary: Daemon.PassSummary, shared: SharedGauges, counter: APICallCounter) {
        guard let metricsFile else { return }
        // Under the gauges' lock: the passes and the comment lane write the same file.
        let failure: (any Error)? = shared.gauges.withLock { schedule in
            let text =
                MetricsFile.render(
                    journal: summary.journal,
                    pool: context.poolName,
                    capacity: summary.desired.pool?.capacity,
                    passDuration: summary.ended.timeIntervalSince(summary.started),
                    lastSuccess: shared.lastSuccess.withLock { $0 },
                    problems: summary.report.problemCounts,
                    apiCalls: counter.snapshot,
                    schedule: schedule,
                    now: summary.ended
                ) + extraMetrics
                + (shared.forecastBudget.withLock { $0 }.map { Self.forecastMetrics($0, pool: context.poolName) } ?? "")
            return Result {
                try AtomicFile.write(
                    Data(text.utf8),
                    to: URL(fileURLWithPath: metricsFile),
                    mode: mode_t(metricsFileMode)
                )
            }.failure
        }
        if let error = failure {
            context.logger.warning("cannot write the metrics file", ["path": metricsFile, "error": "\(error)"])
        }
    }
}

extension Result {
    /// The error, if it is a failure.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

/// What the hooks keep between passes: the schedule's gauges, the last clean pass, the last summary.
final class SharedGauges: Sendable {
    let gauges = Locked(ScheduleGauges())
    let lastSuccess = Locked<Date?>(nil)
    let lastSummary = Locked<Daemon.PassSummary?>(nil)
    /// The desired-state problems of the last pass, already logged (``DaemonRunner/logNewProblems(of:shared:)``).
    let loggedProblems = Locked<Set<Diagnostic>>([])
    /// The forecasts' budget, whose counts go into the metrics file; `nil` with forecasts off.
    let forecastBudget = Locked<ForecastBudget?>(nil)
}
