import Foundation
import SandboxCore
import SandboxRuntime
import SandboxLocking

/// `sandboxd reconcile`: one pass (or, with `--wait`, passes until nothing is in flight), never
/// longer than `--timeout` (docs/behaviour.md §9).
struct ReconcileRunner {
    var context: CommandContext
    var wait: Bool
    var timeoutSeconds: Double
    var allowMassRelease: Bool

    /// How long after the deadline a call still in flight is cancelled.
    static let cancellationGrace: TimeInterval = 1

    /// Runs and returns the exit code.
    func run() async -> Int32 {
        let output = context.output
        let reconciler: Reconciler
        let journal: FileJournal
        do {
            (reconciler, journal) = try await context.openReconciler()
        } catch {
            output.printFailure(error)
            return 1
        }
        defer { journal.close() }
        // SIGINT and SIGTERM stop it as they stop `run`: the call in flight finishes and is recorded
        // (docs/behaviour.md §4.1).
        let stop = StopRequest()
        let signals = StopSignals()
        let listener = Task {
            for await signal in signals.stream {
                guard stop.receive(signal) else { continue }
                // The one line, at once: the call in flight may take a while yet.
                output.writeError(
                    "sandboxd: stopping on \(signal.name): the call in flight is finished and recorded first "
                        + "(exit \(signal.exitCode)); run sandboxd reconcile again to carry on\n"
                )
                await reconciler.requestStop()
            }
        }
        defer { listener.cancel() }
        await reconciler.observeActions { action in
            guard !action.isReadOnly else { return }
            if action.isComment { return }  // the comment itself is printed (--local) or posted
            output.writeOutput("\(action.name) \(action.request?.rawValue ?? "-"): \(action.reason)\n")
        }
        let settledAtStart = Self.settledBadly(await reconciler.state)
        return await passes(reconciler, stop: stop, settledAtStart: settledAtStart)
    }

    /// The passes: one, or with `--wait` until nothing is in flight, a stop signal or the deadline.
    private func passes(_ reconciler: Reconciler, stop: StopRequest, settledAtStart: Set<RequestID>) async -> Int32 {
        let output = context.output
        let deadline = context.clock.now().addingTimeInterval(timeoutSeconds)
        var allowance = allowMassRelease
        var passNumber = 0
        while true {
            passNumber += 1
            let desired = await context.loadDesired()
            let fileAllowance = context.state.massReleaseAllowed
            let options = PassOptions(
                allowMassRelease: allowance || fileAllowance,
                reconcileID: "\(passNumber)",
                deadline: deadline
            )
            let report: PassReport
            switch await bounded(reconciler, desired: desired, options: options) {
            case .finished(let finished):
                report = finished
            case .cancelled:
                return timedOut(await reconciler.state)
            case .failed(let error):
                output.writeError("sandboxd: \(error)\n")
                return 1
            }
            if report.usedMassReleaseAllowance {
                allowance = false
                if fileAllowance { context.state.consumeMassReleaseAllowance() }
            }
            describe(report, desired: desired)
            LastPass(finishedAt: Date(), problems: report.problems).write(in: context.stateDirectory)
            let state = await reconciler.state
            if let signal = stop.received { return stopped(by: signal) }
            if !wait || state.inFlight.isEmpty || !report.errors.isEmpty && desired.pool == nil {
                return finish(report, state: state, desired: desired, settledAtStart: settledAtStart)
            }
            if context.clock.now() >= deadline { return timedOut(state) }
            let longest: TimeInterval = context.local ? 1 : 5
            let now = context.clock.now()
            let next = min(report.nextDue?.at ?? now.addingTimeInterval(longest), now.addingTimeInterval(longest))
            await stop.sleep(on: context.clock, until: min(next, deadline))
            if let signal = stop.received { return stopped(by: signal) }
        }
    }

    /// The exit code of the last pass: with `--wait`, the status table first, and 1 when a request ended
    /// `failed` or `quarantined` during the command (docs/behaviour.md §11.3).
    private func finish(
        _ report: PassReport,
        state: JournalState,
        desired: DesiredState,
        settledAtStart: Set<RequestID>
    ) -> Int32 {
        let output = context.output
        if wait {
            output.writeOutput(
                "\n" + StatusReport(poolName: context.poolName, capacity: desired.pool?.capacity, journal: state).table
            )
        }
        if report.problems.contains(where: { $0.kind == .passDeadline }) { return timedOut(state) }
        let badlyEnded = Self.settledBadly(state).subtracting(settledAtStart)
        guard wait, !badlyEnded.isEmpty else { return report.exitCode }
        let named = badlyEnded.sorted().map { id in "\(id) (\(state.requests[id]?.state.rawValue ?? "?"))" }
        output.writeError(
            "sandboxd: \(named.count == 1 ? "a request" : "\(named.count) requests") ended badly: "
                + named.joined(separator: ", ") + "; see sandboxd status\n"
        )
        return ExitCode.failure
    }

    /// Requests that are `failed` or `quarantined`: what `--wait` must not report as a clean settle.
    static func settledBadly(_ state: JournalState) -> Set<RequestID> {
        Set(state.requests.values.filter { $0.state == .failed || $0.state == .quarantined }.map(\.id))
    }

    /// The exit status after a stop signal (130 or 143); its line was printed when it came.
    func stopped(by signal: StopSignal) -> Int32 {
        signal.exitCode
    }

    /// How a pass bounded by the deadline ended.
    enum Bounded {
        case finished(PassReport)
        /// The call in flight outlived the deadline and was cancelled.
        case cancelled
        case failed(any Error)
    }

    /// Runs one pass, cancelling it when it is still running ``cancellationGrace`` after its deadline.
    func bounded(_ reconciler: Reconciler, desired: DesiredState, options: PassOptions) async -> Bounded {
        let clock = context.clock
        let cutoff = (options.deadline ?? .distantFuture).addingTimeInterval(Self.cancellationGrace)
        return await withTaskGroup(of: Bounded?.self) { group in
            group.addTask {
                do {
                    return .finished(try await reconciler.pass(desired: desired, options: options))
                } catch is CancellationError {
                    return .cancelled
                } catch {
                    return .failed(error)
                }
            }
            group.addTask {
                do {
                    try await clock.sleep(until: cutoff)
                } catch {
                    return nil
                }
                return .cancelled
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .cancelled
        }
    }

    /// Exit 1 naming what is still in flight.
    func timedOut(_ state: JournalState) -> Int32 {
        let inFlight = state.inFlight.map { "\($0.id) (\($0.state.rawValue))" }.sorted()
        context.output.writeError(
            "sandboxd: the time limit (--timeout \(Int(timeoutSeconds))s) was reached"
                + (inFlight.isEmpty ? "\n" : "; still in flight: " + inFlight.joined(separator: ", ") + "\n")
        )
        return 1
    }

    func describe(_ report: PassReport, desired: DesiredState) {
        let output = context.output
        for diagnostic in desired.diagnostics { output.writeError("\(diagnostic)\n") }
        if let brake = report.brake { output.writeError("safety brake: \(brake)\n") }
        for note in report.notes { output.writeError("note: \(note)\n") }
        for error in report.errors { output.writeError("error: \(error)\n") }
    }
}

/// The first stop signal `reconcile` received, and the wait between passes it cuts short.
final class StopRequest: Sendable {
    private struct State {
        var received: StopSignal?
        var sleeper: Task<Void, Never>?
    }

    private let state = Locked(State())

    /// The signal received, if any.
    var received: StopSignal? { state.withLock { $0.received } }

    /// Takes `signal`; returns whether it is the first (later ones change nothing).
    func receive(_ signal: StopSignal) -> Bool {
        let sleeper = state.withLock { state -> Task<Void, Never>?? in
            guard state.received == nil else { return .none }
            state.received = signal
            return .some(state.sleeper)
        }
        guard let sleeper else { return false }
        sleeper?.cancel()
        return true
    }

    /// Sleeps on `clock` until `date`, or until a stop signal comes.
    func sleep(on clock: any SandboxClock, until date: Date) async {
        let task = Task<Void, Never> { _ = try? await clock.sleep(until: date) }
        let stopped = state.withLock { state in
            state.sleeper = task
            return state.received != nil
        }
        if stopped { task.cancel() }
        await task.value
    }
}

extension JournalState {
    /// Requests `reconcile --wait` waits for: pending, provisioning or terminating.
    var inFlight: [RequestRecord] {
        requests.values.filter { $0.state == .pending || $0.state == .provisioning || $0.state == .terminating }
    }
}
