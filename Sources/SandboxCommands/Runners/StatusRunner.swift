import Foundation
import SandboxCore
import SandboxRuntime

/// `sandboxd status`: every request with its state; reads the journal only (no credentials needed).
struct StatusRunner {
    var context: CommandContext
    var json: Bool

    func run() async -> Int32 {
        let output = context.output
        // A state directory that does not exist is not an empty pool: say so (docs/behaviour.md §4.5).
        var isDirectory: ObjCBool = false
        let path = context.stateDirectory.path
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            output.writeError(
                "sandboxd: there is no state directory at \(path): nothing has run with it yet; "
                    + "run sandboxd reconcile or sandboxd run first, or point --state-dir (SANDBOXD_STATE_DIR) "
                    + "at the directory they use\n"
            )
            return ExitCode.failure
        }
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
