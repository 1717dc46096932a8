import Foundation
import SandboxCore
import SandboxFiles
import SandboxRuntime
import Synchronization

/// `sandboxd run`: the daemon (docs/behaviour.md §4, §7). A pass at start, on every change of the desired state,
/// on SIGHUP and every `--interval`; SIGTERM lets the call in flight finish, records it and exits 0.
struct DaemonRunner {
    var context: CommandContext
    var interval: LeaseDuration
    var metricsFile: String?

    /// How often the desired-state directory is looked at for changes.
    static let changePollSeconds = 2.0

    func run() async -> Int32 {
        var context = context
        context.logger.minimumLevel = .info
        let output = context.output
        let logger = context.logger
        let notifier = SystemdNotifier(environment: context.environment)
        let signals = SignalEvents()
        let counter = APICallCounter()
        let reconciler: Reconciler
        let journal: FileJournal
        do {
            (reconciler, journal) = try await context.openReconciler(counter: counter)
        } catch {
            output.printError("sandboxd: \(error)")
            notifier.failing(status: "cannot start: \(error)")
            return 1
        }
        defer { journal.close() }

        let stop = Mutex(false)
        let passNow = Mutex(false)
        let signalTask = Task {
            for await signal in signals.stream {
                switch signal {
                case .stop:
                    stop.withLock { $0 = true }
                    notifier.stopping()
                    await reconciler.requestStop()
                case .passNow:
                    passNow.withLock { $0 = true }
                }
            }
        }
        defer { signalTask.cancel() }

        var desired = context.loadDesired()
        var fingerprint = DesiredStateFingerprint(directory: context.desiredStatePath)
        let initialState = await reconciler.state
        notifier.ready(
            status: "started: \(initialState.requests.count) requests in the journal, "
                + "\(desired.requests.count) request files"
        )
        logger.notice(
            "started",
            [
                "pool": context.poolName, "state.dir": context.stateDirectory.path,
                "local": String(context.local),
            ]
        )
        var lastSuccess: Date?
        var passNumber = 0
        while !stop.withLock({ $0 }) {
            passNumber += 1
            let started = ContinuousClock.now
            let report: PassReport
            do {
                let allowed = context.state.massReleaseAllowed
                report = try await reconciler.pass(
                    desired: desired,
                    allowMassRelease: allowed,
                    reconcileID: String(passNumber)
                )
                if report.usedMassReleaseAllowance && allowed { context.state.consumeMassReleaseAllowance() }
            } catch {
                logger.error("the journal cannot record: stopping", ["error": "\(error)"])
                notifier.failing(status: "journal failure: \(error)")
                return 1
            }
            let seconds =
                Double((ContinuousClock.now - started).components.attoseconds) / 1e18
                + Double((ContinuousClock.now - started).components.seconds)
            if report.problems.isEmpty { lastSuccess = Date() }
            report.logProblems(to: logger, reconcileID: String(passNumber))
            LastPass(finishedAt: Date(), problems: report.problems).write(in: context.stateDirectory)
            if let brake = report.brake {
                logger.warning("safety brake", ["reconcile.id": String(passNumber), "reason": brake])
            }
            for note in report.notes { logger.notice("note", ["reconcile.id": String(passNumber), "note": note]) }
            let state = await reconciler.state
            let summary = Self.summary(
                state: state,
                capacity: desired.pool?.capacity,
                problems: report.statusFragment,
                brake: report.brake != nil
            )
            notifier.status(summary)
            notifier.watchdog()
            writeMetrics(
                state: state,
                capacity: desired.pool?.capacity,
                seconds: seconds,
                lastSuccess: lastSuccess,
                problems: report.problemCounts,
                counter: counter
            )

            // Wait for the next reason to pass: the interval, SIGHUP, a change of the files, or a stop.
            let deadline = ContinuousClock.now + .seconds(interval.seconds)
            var lastWatchdog = ContinuousClock.now
            var lastPoll = ContinuousClock.now
            while ContinuousClock.now < deadline {
                if stop.withLock({ $0 }) { break }
                if passNow.withLock({ value in
                    defer { value = false }
                    return value
                }) {
                    break
                }
                if let watchdog = notifier.watchdogInterval, ContinuousClock.now - lastWatchdog >= watchdog {
                    notifier.watchdog()
                    lastWatchdog = ContinuousClock.now
                }
                if ContinuousClock.now - lastPoll >= .seconds(Self.changePollSeconds) {
                    lastPoll = ContinuousClock.now
                    let current = DesiredStateFingerprint(directory: context.desiredStatePath)
                    if current != fingerprint { break }
                }
                try? await Task.sleep(for: .milliseconds(250))
            }
            fingerprint = DesiredStateFingerprint(directory: context.desiredStatePath)
            desired = context.loadDesired()
        }
        logger.notice("stopped", ["pool": context.poolName])
        return 0
    }

    /// The one-line `STATUS=` summary.
    static func summary(state: JournalState, capacity: Int?, problems: String?, brake: Bool) -> String {
        let records = state.requests.values
        let active = records.filter { $0.state == .active }.count
        let queued = records.filter { $0.state == .queued }.count
        let busy = records.filter { $0.state == .provisioning || $0.state == .terminating }.count
        let quarantined = records.filter { $0.state == .quarantined }.count
        var parts = ["\(active)/\(capacity.map(String.init) ?? "?") active", "\(queued) queued", "\(busy) in flight"]
        if quarantined > 0 { parts.append("\(quarantined) quarantined") }
        if let problems { parts.append(problems) }
        if brake { parts.append("safety brake on") }
        return parts.joined(separator: ", ") + ", last pass " + NotificationDateFormat.rfc3339(Date())
    }

    func writeMetrics(
        state: JournalState,
        capacity: Int?,
        seconds: Double,
        lastSuccess: Date?,
        problems: [PassProblem.Kind: Int],
        counter: APICallCounter
    ) {
        guard let metricsFile else { return }
        let text = MetricsFile.render(
            journal: state,
            pool: context.poolName,
            capacity: capacity,
            passDuration: seconds,
            lastSuccess: lastSuccess,
            problems: problems,
            apiCalls: counter.snapshot
        )
        do {
            try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: metricsFile))
        } catch {
            context.logger.warning("cannot write the metrics file", ["path": metricsFile, "error": "\(error)"])
        }
    }
}
