import Foundation
import SandboxCore
import SandboxRuntime

/// `sandboxd reconcile`: one pass (or, with `--wait`, passes until nothing is in flight).
struct ReconcileRunner {
    var context: CommandContext
    var wait: Bool
    var timeoutSeconds: Double
    var allowMassRelease: Bool

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
            if case .notify = action.kind { return }  // the comment itself is printed (--local) or posted
            output.writeOutput("\(action.name) \(action.request?.rawValue ?? "-"): \(action.reason)\n")
        }
        let started = Date()
        var allowance = allowMassRelease
        var passNumber = 0
        while true {
            passNumber += 1
            let desired = context.loadDesired()
            let fileAllowance = context.state.massReleaseAllowed
            let report: PassReport
            do {
                report = try await reconciler.pass(
                    desired: desired,
                    allowMassRelease: allowance || fileAllowance,
                    reconcileID: "\(passNumber)"
                )
            } catch {
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
            let inFlight = state.requests.values.filter {
                $0.state == .pending || $0.state == .provisioning || $0.state == .terminating
            }
            if !wait || inFlight.isEmpty || !report.errors.isEmpty && desired.pool == nil {
                if wait {
                    output.writeOutput(
                        "\n"
                            + StatusReport(
                                poolName: context.poolName,
                                capacity: desired.pool?.capacity,
                                journal: state
                            ).table
                    )
                }
                return report.exitCode
            }
            if Date().timeIntervalSince(started) >= timeoutSeconds {
                output.writeError(
                    "sandboxd: still in flight after \(Int(timeoutSeconds))s: "
                        + inFlight.map { "\($0.id) (\($0.state.rawValue))" }.sorted().joined(separator: ", ") + "\n"
                )
                return 1
            }
            try? await Task.sleep(for: .seconds(context.local ? 1 : 5))
        }
    }

    func describe(_ report: PassReport, desired: DesiredState) {
        let output = context.output
        for diagnostic in desired.diagnostics { output.writeError("\(diagnostic)\n") }
        if let brake = report.brake { output.writeError("safety brake: \(brake)\n") }
        for note in report.notes { output.writeError("note: \(note)\n") }
        for error in report.errors { output.writeError("error: \(error)\n") }
    }
}
