public import Foundation
public import SandboxCore
import SandboxLocking

/// `sandboxd run` as one actor (docs/behaviour.md §7), in the manner of swift-service-lifecycle's
/// `ServiceGroup`: an explicit ``State`` and one stream of ``Event``s.
///
/// The loop passes when work falls due (the plan's ``DueWork``, or `interval` since the last pass),
/// when the desired state changes, and on SIGHUP; between passes it sleeps on the injected clock.
/// Comments go out in their own lane, so GitHub's pacing never holds up a lease's end or a
/// provisioning. ``stop()`` lets the call in flight finish, records it, and ends the loop.
public actor Daemon {
    /// Where the daemon is in its life.
    public enum State: String, Sendable, Hashable {
        case starting
        case running
        case stopping
        case stopped
    }

    /// What wakes the loop.
    public enum Event: Sendable, Hashable {
        /// SIGHUP (a pass now) or SIGTERM/SIGINT (stop); SIGUSR1 wakes nothing.
        case signal(DaemonSignal)
        /// A file of the desired state changed.
        case desiredStateChanged
        /// Work fell due (or the interval passed).
        case workDue
        /// Stop after the call in flight.
        case stop
    }

    /// How the loop ended.
    public enum Outcome: Sendable {
        /// Stopped as asked.
        case stopped
        /// The journal cannot record: the process must exit non-zero.
        case journalFailed(String)
    }

    /// What the daemon tells its owner (logs, `STATUS=`, metrics; tests observe the same).
    public struct Hooks: Sendable {
        /// After every pass.
        public var passFinished: @Sendable (PassSummary) -> Void
        /// After every comment of the lane, with how many are still owed.
        public var commentSent: @Sendable (_ left: Int) -> Void
        /// Whether a mass release is allowed for the next pass (the allow file).
        public var massReleaseAllowed: @Sendable () -> Bool
        /// A pass used the allowance.
        public var massReleaseUsed: @Sendable () -> Void
        /// The lane wrote an expiry warning, this late (before ``commentSent``); a pass's own lateness
        /// (terminations) is in its report.
        public var latenessMeasured: @Sendable (Lateness) -> Void
        /// After every forecast round (docs/behaviour.md §6.9).
        public var forecastFinished: @Sendable (ForecastRunner.Report) -> Void

        public init(
            passFinished: @escaping @Sendable (PassSummary) -> Void = { _ in },
            commentSent: @escaping @Sendable (Int) -> Void = { _ in },
            massReleaseAllowed: @escaping @Sendable () -> Bool = { false },
            massReleaseUsed: @escaping @Sendable () -> Void = {},
            latenessMeasured: @escaping @Sendable (Lateness) -> Void = { _ in },
            forecastFinished: @escaping @Sendable (ForecastRunner.Report) -> Void = { _ in }
        ) {
            self.passFinished = passFinished
            self.commentSent = commentSent
            self.massReleaseAllowed = massReleaseAllowed
            self.massReleaseUsed = massReleaseUsed
            self.latenessMeasured = latenessMeasured
            self.forecastFinished = forecastFinished
        }
    }

    /// One pass as the owner sees it.
    public struct PassSummary: Sendable {
        /// `<process id>-<n>`: unique across restarts.
        public var reconcileID: String
        /// What woke the pass.
        public var trigger: Event
        /// When it started and ended, by the injected clock.
        public var started: Date
        public var ended: Date
        public var report: PassReport
        /// The journal after it.
        public var journal: JournalState
        /// The desired state it ran with.
        public var desired: DesiredState
        /// When the loop wakes next (the earliest due work, or the interval).
        public var nextWake: Date
        /// Comments still owed when it ended.
        public var outboxLength: Int
    }

    public private(set) var state: State = .starting
    let reconciler: Reconciler
    let clock: any SandboxClock
    let interval: TimeInterval
    let loadDesired: @Sendable () async -> DesiredState
    let hooks: Hooks
    let idPrefix: String
    /// What the watchdog reads (docs/behaviour.md §7).
    public nonisolated let liveness = DaemonLiveness()

    private let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    /// Set by a change of the desired state or SIGHUP: the next pass reads the files again.
    private let reloadRequested = Locked(true)
    private var desired = DesiredState(pool: nil, requests: [:])
    private var wakeTask: Task<Void, Never>?
    private var passNumber = 0
    private var troubledPasses = 0
    private let lane: CommentLane
    /// Forecasts on open pull requests after each pass; `nil` when they are off (docs/behaviour.md §6.9).
    private let forecasts: ForecastLane?

    /// - Parameters:
    ///   - reconciler: the executor the passes run on.
    ///   - clock: the clock it reads and sleeps on (a ``ManualClock`` in tests).
    ///   - interval: the longest time between passes (`--interval`).
    ///   - idPrefix: the first part of every `reconcile.id` (unique per process).
    ///   - loadDesired: reads the desired state afresh.
    ///   - forecaster: forecasts on open pull requests after each pass; `nil` for none.
    public init(
        reconciler: Reconciler,
        clock: any SandboxClock,
        interval: TimeInterval,
        idPrefix: String,
        loadDesired: @escaping @Sendable () async -> DesiredState,
        hooks: Hooks = Hooks(),
        forecaster: ForecastRunner? = nil
    ) {
        forecasts = forecaster.map { ForecastLane(runner: $0, finished: hooks.forecastFinished) }
        self.reconciler = reconciler
        self.clock = clock
        self.interval = interval
        self.idPrefix = idPrefix
        self.loadDesired = loadDesired
        self.hooks = hooks
        (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(1))
        lane = CommentLane(
            reconciler: reconciler,
            clock: clock,
            commentSent: hooks.commentSent,
            latenessMeasured: hooks.latenessMeasured,
            reconcileID: "\(idPrefix)-comments"
        )
    }

    /// Hands the loop an event; bursts coalesce into one pass. `.stop` (or a stop signal) takes effect
    /// at once: the call in flight finishes, and no other starts.
    public nonisolated func send(_ event: Event) {
        switch event {
        case .stop, .signal(.stop):
            Task { await self.beginStopping() }
        case .desiredStateChanged, .signal(.passNow):
            reloadRequested.withLock { $0 = true }
            continuation.yield(event)
        case .workDue:
            continuation.yield(event)
        case .signal(.report):
            break  // the owner logs the state (it holds the last pass); the loop is not woken
        }
    }

    /// Runs the loop until ``send(_:)`` is given a stop, or the journal fails.
    public func run() async -> Outcome {
        guard state == .starting else { return .stopped }
        state = .running
        // Every call of a pass feeds the watchdog and nudges the lane: comments go out during a long
        // pass too, between its calls, not only after it.
        await reconciler.observeProgress { [liveness, lane] in
            liveness.progressed()
            Task { await lane.nudge() }
        }
        let laneTask = Task { await lane.run() }
        continuation.yield(.workDue)  // the first pass
        var outcome = Outcome.stopped
        for await event in events {
            guard state == .running else { break }
            do {
                try await pass(trigger: event)
            } catch {
                outcome = .journalFailed("\(error)")
                break
            }
        }
        state = .stopping
        wakeTask?.cancel()
        await lane.stop()
        await laneTask.value
        await forecasts?.stop()
        state = .stopped
        return outcome
    }

    /// Stops: the pass in flight ends after its call, the lane after its comment.
    func beginStopping() async {
        guard state == .running || state == .starting else { return }
        state = .stopping
        await reconciler.requestStop()
        await lane.stop()
        wakeTask?.cancel()
        continuation.finish()
        await forecasts?.stop()
    }

    /// One pass, then the next wake.
    private func pass(trigger: Event) async throws {
        if reloadRequested.withLock({ value in
            defer { value = false }
            return value
        }) || trigger == .workDue && clock.now().timeIntervalSince(lastLoad) >= interval {
            desired = await loadDesired()
            lastLoad = clock.now()
        }
        passNumber += 1
        let id = "\(idPrefix)-\(passNumber)"
        let started = clock.now()
        liveness.passStarted()
        defer { liveness.passEnded() }
        await lane.poke(desired: desired)
        let allowed = hooks.massReleaseAllowed()
        let report = try await reconciler.pass(
            desired: desired,
            options: PassOptions(allowMassRelease: allowed, reconcileID: id, comments: .ownLane)
        )
        if report.usedMassReleaseAllowance && allowed { hooks.massReleaseUsed() }
        troubledPasses = report.problems.contains { Self.slowsPolling($0.kind) } ? troubledPasses + 1 : 0
        let nextWake = scheduleWake(after: started, due: report.nextDue)
        await lane.poke(desired: desired)
        await forecasts?.poke(journal: await reconciler.state, desired: desired)
        hooks.passFinished(
            PassSummary(
                reconcileID: id,
                trigger: trigger,
                started: started,
                ended: clock.now(),
                report: report,
                journal: await reconciler.state,
                desired: desired,
                nextWake: nextWake,
                outboxLength: await reconciler.outbox(desired: desired).count
            )
        )
    }

    private var lastLoad = Date.distantPast

    /// Whether a problem of `kind` means Service Catalog should be asked less often for a while.
    static func slowsPolling(_ kind: PassProblem.Kind) -> Bool {
        kind == .catalogThrottled || kind == .catalogUnreachable || kind == .catalogAccessDenied
    }

    /// Arms the wake for the earliest of the due work and the interval; returns when it is.
    private func scheduleWake(after started: Date, due: DueWork?) -> Date {
        var wake = started.addingTimeInterval(interval)
        if let due, due.at < wake { wake = due.at }
        if troubledPasses > 0 {
            wake = max(wake, clock.now().addingTimeInterval(ProvisioningPolicy.troubledPassBackoff(troubledPasses)))
            wake = min(wake, started.addingTimeInterval(max(interval, 1)))
        }
        wakeTask?.cancel()
        let clock = clock
        wakeTask = Task { [weak self] in
            do {
                try await clock.sleep(until: wake)
            } catch {
                return
            }
            self?.send(.workDue)
        }
        return wake
    }
}
