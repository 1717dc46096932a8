import Foundation
import SandboxCore
import SandboxRuntime

/// `sandboxd status`: every request with its state; reads the journal only (no credentials needed).
struct StatusRunner {
    var context: CommandContext
    var json: Bool

    func run() async -> Int32 {
        let output = context.output
        let journal: JournalState
        do {
            journal = try context.readJournal(checkMode: false)
        } catch {
            output.writeError("sandboxd: \(error)\n")
            return 1
        }
        // status reads what was fetched last: it never fetches (docs/behaviour.md §4.9).
        let desired = await context.loadDesired(fetching: false)
        let now = context.clock.now()
        let input = PlannerInput(desired: desired, journal: journal, live: nil, now: now, poolName: context.poolName)
        let report = StatusReport(
            poolName: context.poolName,
            capacity: desired.pool?.capacity,
            journal: journal,
            lastPass: LastPass.read(in: context.stateDirectory),
            awsAccessLevel: context.local ? nil : context.state.recordedAWSAccessLevel,
            nextDue: DueWork.next(in: input),
            now: now,
            invalidFiles: StatusReport.InvalidFile.of(desired)
        )
        output.writeOutput(json ? report.json.serialized() + "\n" : report.table)
        return 0
    }
}
