import Foundation
import SandboxCore
import SandboxHTTP
import SandboxFiles
import SandboxHA
import SandboxRuntime
import SandboxLocking

/// `sandboxd run --ha-table` (docs/behaviour.md §12): one replica of several. It stands by until it can take the
/// pool's lease, then leads — replays the journal from the table and runs the ``Daemon`` on it — until it stops,
/// loses the lease, or finds its term over at an append; then it stands by again.
///
/// The lease is renewed by its own task every third of the lease, not by the daemon's loop: a pass holds the loop
/// for as long as its calls take, which may be longer than the lease. When the renewal fails the task stops the
/// daemon (the call in flight finishes; its outcome's append is refused if another replica leads by then).
struct HAReplica {
    var runner: DaemonRunner
    var options: CommandOptions.HAOptions

    /// How a term ended.
    enum TermEnd {
        /// Stopped as asked (SIGTERM): the lease is released, the process exits 0.
        case stopped
        /// The lease is another replica's: stand by again.
        case deposed
        /// The journal or the table failed: the process exits 1 (systemd restarts it; the other replica leads).
        case failed
    }

    /// What the signal handler, the watchers and the loop share.
    final class Board: Sendable {
        let stopRequested = Locked(false)
        let daemon = Locked<Daemon?>(nil)
        let term = Locked<LeaderTerm?>(nil)
        /// The local journal cache (docs/behaviour.md §12.2) and this replica's item in the table (§12.6).
        let cache: HAJournalCache
        let view: ViewWriter
        /// When the standby last brought the cache up to the table.
        let cacheSyncedAt = Locked<Date?>(nil)

        init(cache: HAJournalCache, view: ViewWriter) {
            self.cache = cache
            self.view = view
        }
    }

    var context: CommandContext { runner.context }
    var leaseDuration: TimeInterval { TimeInterval(options.lease.seconds) }
    var replicaID: String {
        options.replicaID ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }

    func run() async -> Int32 {
        var context = context
        context.logger.minimumLevel = context.logLevel ?? .info
        let notifier = SystemdNotifier(environment: context.environment)
        let counter = APICallCounter()
        let lock: StateDirectoryLock
        let ports: (catalog: any CatalogPort, github: any GitHubPort, uncounted: any GitHubPort)
        let table: HATable
        let guardian = TermGuard(lease: .milliseconds(Int(leaseDuration * 1000)))
        do {
            ports = try await context.openPortsKeepingGitHub(
                counter: counter,
                githubTransport: TermGuardedTransport(URLSessionTransport(), term: guardian)
            )
            lock = try StateDirectoryLock.acquire(stateDirectory: context.stateDirectory)
            try context.state.claim(local: false, record: true)
            table = try await RemotePorts.haTable(context: context, options: options)
        } catch {
            context.output.printFailure(error)
            notifier.failing(status: "cannot start: " + CommandFailure.lines(of: error).joined(separator: "; "))
            return 1
        }
        defer { lock.release() }
        let board = Board(
            cache: HAJournalCache(stateDirectory: context.stateDirectory),
            view: ViewWriter(table: table, replica: replicaID, lease: leaseDuration, logger: context.logger)
        )
        let tasks = startTasks(board: board, notifier: notifier, context: context)
        defer { for task in tasks { task.cancel() } }
        notifier.ready(status: "standby: looking for the leader of pool \(context.poolName)")
        let lease = HALease(table: table, replica: replicaID, duration: leaseDuration)
        context.logger.notice(
            "started",
            ["pool": context.poolName, "ha.table": table.name, "ha.id": replicaID, "ha.lease": "\(options.lease)"]
        )
        while let term = await standby(lease: lease, board: board, notifier: notifier) {
            guardian.begin()
            let end = await lead(
                term,
                lease: lease,
                ports: ports,
                counter: counter,
                board: board,
                guardian: guardian,
                notifier: notifier
            )
            guardian.end()
            switch end {
            case .stopped: return 0
            case .deposed: continue
            case .failed: return 1
            }
        }
        context.logger.notice("stopped", ["pool": context.poolName])
        return 0
    }

    /// Signals, the desired-state watcher: each reaches the daemon of the current term, if any.
    func startTasks(board: Board, notifier: SystemdNotifier, context: CommandContext) -> [Task<Void, Never>] {
        let signals = SignalEvents()
        let watcher = DesiredStateWatcher(directory: context.desiredStatePath)
        if context.gitRemote == nil { watcher.start() }
        let watchTask = Task {
            for await _ in watcher.changes { board.daemon.withLock { $0 }?.send(Daemon.Event.desiredStateChanged) }
            watcher.stop()
        }
        let signalTask = Task {
            for await signal in signals.stream {
                switch signal {
                case .report: break
                case .stop:
                    notifier.stopping()
                    board.stopRequested.withLock { $0 = true }
                    board.daemon.withLock { $0 }?.send(Daemon.Event.signal(signal))
                case .passNow: board.daemon.withLock { $0 }?.send(Daemon.Event.signal(signal))
                }
            }
        }
        return [watchTask, signalTask]
    }

    /// Waits until this replica takes the lease (`nil`: asked to stop first). It looks again just after the
    /// current lease's expiry, and at least every third of the lease (a released lease is taken at once).
    func standby(lease: HALease, board: Board, notifier: SystemdNotifier) async -> LeaderTerm? {
        var seen: LeaderTerm?
        while !board.stopRequested.withLock({ $0 }) {
            var wait = leaseDuration / 3
            do {
                if let term = try await lease.acquire(now: Date()) { return term }
                let leader = try await lease.current()
                if let leader {
                    if leader.holder != seen?.holder || leader.fence != seen?.fence {
                        announceStandby(leader: leader, notifier: notifier)
                    }
                    seen = leader
                    wait = min(wait, max(0.05, leader.expires.timeIntervalSinceNow + 0.05))
                }
                await keepCache(board: board, table: lease.table)
                await board.view.saw(.standby, lease: leader, cachedSeq: board.cache.lastSeq)
            } catch {
                context.logger.warning("cannot reach the HA table", ["error": "\(error)"])
            }
            notifier.watchdog()
            await pause(wait, board: board)
        }
        return nil
    }

    /// A standby brings its journal cache up to the table as often as it refreshes its item: the takeover then
    /// reads only the records written since (docs/behaviour.md §12.2).
    func keepCache(board: Board, table: HATable) async {
        let now = Date()
        if let last = board.cacheSyncedAt.withLock({ $0 }), now.timeIntervalSince(last) < board.view.refresh { return }
        board.cacheSyncedAt.withLock { $0 = now }
        do {
            _ = try await board.cache.synchronize(table: table)
            logCacheReport(board.cache)
        } catch {
            context.logger.info("cannot bring the journal cache up to the HA table", ["error": "\(error)"])
        }
    }

    /// A cache that disagreed with the table, once, at warning level (it was rebuilt from the table).
    func logCacheReport(_ cache: HAJournalCache) {
        guard let discarded = cache.lastReport?.discarded else { return }
        context.logger.warning(
            "the local journal cache disagreed with the HA table: rebuilt from the table",
            ["reason": discarded, "path": cache.directory.path]
        )
    }

    func announceStandby(leader: LeaderTerm, notifier: SystemdNotifier) {
        let until = NotificationDateFormat.rfc3339(leader.expires)
        context.logger.notice(
            "standing by",
            ["ha.leader": leader.holder, "ha.term": String(leader.fence), "ha.lease.expires": until]
        )
        notifier.status("standby: leader \(leader.holder), term \(leader.fence), lease until \(until)")
        writeRoleMetrics(leader: false, term: leader.fence)
    }

    /// Sleeps `seconds`, ending early when a stop is asked.
    func pause(_ seconds: TimeInterval, board: Board) async {
        var left = seconds
        while left > 0, !board.stopRequested.withLock({ $0 }) {
            try? await Task.sleep(for: .milliseconds(Int(min(left, 0.2) * 1000)))
            left -= 0.2
        }
    }

    /// Writes the role gauges alone (a standby has no pass to report).
    func writeRoleMetrics(leader: Bool, term: UInt64) {
        guard let path = runner.metricsFile else { return }
        let text = HAReplica.roleMetrics(pool: context.poolName, leader: leader, term: term)
        try? AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: path), mode: mode_t(runner.metricsFileMode))
    }

    /// `sandboxd_ha_leader` and `sandboxd_ha_term` (docs/behaviour.md §12.6).
    static func roleMetrics(pool: String, leader: Bool, term: UInt64) -> String {
        let label = "{pool=\"\(MetricsFile.escape(pool))\"}"
        return """
            # HELP sandboxd_ha_leader 1 while this replica holds the pool's lease, 0 while it stands by.
            # TYPE sandboxd_ha_leader gauge
            sandboxd_ha_leader\(label) \(leader ? 1 : 0)
            # HELP sandboxd_ha_term The fencing token of the leader's term, as this replica last saw it.
            # TYPE sandboxd_ha_term gauge
            sandboxd_ha_term\(label) \(term)

            """
    }
}
