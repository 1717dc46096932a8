import Foundation
import SandboxCore
import SandboxRuntime

/// `sandboxd plan`: what a pass would do, with no side effects.
struct PlanRunner {
    var context: CommandContext
    var json: Bool
    var allowMassRelease: Bool

    /// Exit 0 when nothing is to be done, 2 when changes are pending or the safety brake holds releases
    /// back, 1 on error (docs/behaviour.md §11.3).
    func run() async -> Int32 {
        let output = context.output
        let desired = await context.loadDesired()
        guard desired.pool != nil else {
            for diagnostic in desired.diagnostics { output.writeError("\(diagnostic)\n") }
            output.writeError("sandboxd: pool.json is not valid; fix it (sandboxd validate) before planning\n")
            return 1
        }
        let journal: JournalState
        let live: [LiveProduct]?
        do {
            journal = try context.readJournal()
            let catalog = try await context.makeCatalog(readOnly: true)
            do {
                live = try await catalog.listProducts(pool: context.poolName)
            } catch {
                output.writeError("sandboxd: cannot list the pool's products: \(error)\n")
                return 1
            }
        } catch {
            output.printFailure(error)
            return 1
        }
        let plan = Planner.plan(
            PlannerInput(
                desired: desired,
                journal: journal,
                live: live,
                now: context.clock.now(),
                poolName: context.poolName,
                allowMassRelease: allowMassRelease || context.state.massReleaseAllowed
            )
        )
        let report = PlanReport(
            actions: plan.actions,
            brake: plan.brake,
            notes: plan.notes,
            nextDue: plan.nextDue,
            now: context.clock.now(),
            inFlight: PlanReport.InFlight(journal),
            invalid: PlanReport.invalidFiles(desired, journal: journal)
        )
        output.writeOutput(json ? report.json.serialized() + "\n" : report.text)
        return report.exitCode
    }
}
