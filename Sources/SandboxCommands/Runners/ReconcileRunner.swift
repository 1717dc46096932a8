import Foundation
import SandboxCore
import SandboxRuntime

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
            output.writeError("sandboxd: \(error)\n")
            return 1
        }
        defer { journal.close() }
        await reconciler.observeActions { action in
            guard !action.isReadOnly else { return }
            if action.isComment { return }  // the comment itself is printed (--local) or posted
            output.writeOutput("\(action.name) \(action.request?.rawValue ?? "-"): \(action.reason)\n")
        }
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
            if !wait || state.inFlight.isEmpty || !report.errors.isEmpty && desired.pool == nil {
                if wait {
                    output.writeOutput(
                        "\n"
                            + StatusReport(poolName: context.poolName, capacity: desired.pool?.capacity, journal: state)
                            .table
                    )
                }
                if report.problems.contains(where: { $0.kind == .passDeadline }) { return timedOut(state) }
                return report.exitCode
            }
            if context.clock.now() >= deadline { return timedOut(state) }
            let longest: TimeInterval = context.local ? 1 : 5
            let now = context.clock.now()
            let next = min(report.nextDue?.at ?? now.addingTimeInterval(longest), now.addingTimeInterval(longest))
            try? await context.clock.sleep(until: min(next, deadline))
        }
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

extension JournalState {
    /// Requests `reconcile --wait` waits for: pending, provisioning or terminating.
    var inFlight: [RequestRecord] {
        requests.values.filter { $0.state == .pending || $0.state == .provisioning || $0.state == .terminating }
    }
}
