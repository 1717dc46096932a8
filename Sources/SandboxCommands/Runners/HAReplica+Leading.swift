import Foundation
import SandboxCore
import SandboxHA
import SandboxRuntime
import SandboxLocking

extension HAReplica {
    /// One term as the leader: the journal replayed from the table, the daemon run on it while the lease is
    /// renewed; how it ended.
    func lead(
        _ term: LeaderTerm,
        lease: HALease,
        ports: (catalog: any CatalogPort, github: any GitHubPort, uncounted: any GitHubPort),
        counter: APICallCounter,
        board: HAReplica.Board,
        guardian: TermGuard,
        notifier: SystemdNotifier
    ) async -> TermEnd {
        let logger = context.logger
        let started = Date()
        let store: DynamoDBJournalStore
        let reconciler: Reconciler
        do {
            let opened = try await HAJournal.open(table: lease.table, term: term, cache: board.cache)
            store = opened.store
            reconciler = try Reconciler.replaying(
                store: store,
                snapshot: opened.contents.snapshot?.payload,
                records: opened.contents.records.map { ($0.seq, $0.payload) },
                catalog: ports.catalog,
                github: ports.github,
                clock: context.clock,
                poolName: context.poolName,
                logger: logger
            )
        } catch HAJournalError.deposed {
            return .deposed
        } catch HAJournalError.table(let error) {
            // DynamoDB did not answer in time: the lease goes to whichever replica can read the journal next.
            logger.warning("cannot read the journal in the HA table: standing by", ["error": "\(error)"])
            try? await lease.release(term, now: Date())
            return .deposed
        } catch {
            logger.error("cannot open the journal in the HA table", ["error": "\(error)"])
            notifier.failing(status: "HA journal failure: \(error)")
            return .failed
        }
        board.term.withLock { $0 = term }
        logCacheReport(board.cache)
        let read = board.cache.lastReport
        logger.notice(
            "leading",
            [
                "ha.term": String(term.fence), "journal.last.seq": String(store.lastSeq),
                "ha.takeover.seconds": String(format: "%.3f", Date().timeIntervalSince(started)),
                "journal.records.read": read.map { String($0.recordsRead) } ?? "-",
                "journal.snapshot.read": read.map { $0.readSnapshot ? "yes" : "no" } ?? "-",
            ]
        )
        await board.view.saw(.leader, lease: term, cachedSeq: board.cache.lastSeq)
        writeRoleMetrics(leader: true, term: term.fence)
        var leader = runner
        leader.statusPrefix = "leader, term \(term.fence): "
        leader.extraMetrics = HAReplica.roleMetrics(pool: context.poolName, leader: true, term: term.fence)
        // Forecasts go through the same term-guarded GitHub transport as every other write (§12.3).
        let daemon = leader.makeDaemon(
            reconciler: reconciler,
            notifier: notifier,
            counter: counter,
            forecastGitHub: ports.uncounted
        )
        board.daemon.withLock { $0 = daemon }
        if board.stopRequested.withLock({ $0 }) { daemon.send(.stop) }
        notifier.status("leader, term \(term.fence): replayed \(store.lastSeq) records")
        let keeper = Task { await keepLease(term, lease: lease, daemon: daemon, board: board, guardian: guardian) }
        let heartbeat = Task { await DaemonRunner.feedWatchdog(notifier: notifier, liveness: daemon.liveness) }
        let outcome = await daemon.run()
        keeper.cancel()
        heartbeat.cancel()
        let lost = await keeper.value
        board.daemon.withLock { $0 = nil }
        return await ending(outcome, lost: lost || store.isDeposed, lease: lease, board: board)
    }

    /// What the end of a term means: a stop releases the lease; a lost one stands by; a journal failure exits.
    func ending(_ outcome: Daemon.Outcome, lost: Bool, lease: HALease, board: HAReplica.Board) async -> TermEnd {
        let logger = context.logger
        let term = board.term.withLock { $0 }
        if lost {
            logger.warning(
                "stepped down: another replica holds the lease",
                ["ha.term": term.map { String($0.fence) } ?? "-"]
            )
            return .deposed
        }
        if case .journalFailed(let error) = outcome {
            logger.error("the journal cannot record: stopping", ["error": error])
            return .failed
        }
        if let term { try? await lease.release(term, now: Date()) }
        logger.notice("stopped", ["pool": context.poolName, "ha.lease": "released"])
        return .stopped
    }

    /// Renews the lease every third of it while the daemon runs. Returns `true` when the lease is lost — taken by
    /// another replica, or not renewed for two thirds of it (the daemon is then stopped: a standby may take over
    /// once it expires).
    func keepLease(
        _ first: LeaderTerm,
        lease: HALease,
        daemon: Daemon,
        board: HAReplica.Board,
        guardian: TermGuard
    ) async -> Bool {
        var term = first
        var renewedAt = ContinuousClock.now
        let every = Duration.milliseconds(Int(leaseDuration * 1000 / 3))
        while !Task.isCancelled {
            try? await Task.sleep(for: every)
            if Task.isCancelled { return false }
            let sent = ContinuousClock.now
            do {
                guard let renewed = try await lease.renew(term, now: Date()) else {
                    daemon.send(.stop)
                    return true
                }
                (term, renewedAt) = (renewed, sent)
                guardian.renewed(sentAt: sent)
                board.term.withLock { $0 = renewed }
                // Beside the renewals, never delaying the next one.
                let cachedSeq = board.cache.lastSeq
                Task { await board.view.saw(.leader, lease: renewed, cachedSeq: cachedSeq) }
            } catch {
                context.logger.warning("cannot renew the lease", ["error": "\(error)"])
                if ContinuousClock.now - renewedAt >= every * 2 {
                    daemon.send(.stop)
                    return true
                }
            }
        }
        return false
    }
}
