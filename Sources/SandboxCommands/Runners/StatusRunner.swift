import Foundation
import SandboxCore
import SandboxHA
import SandboxRuntime

/// `sandboxd status`: every request with its state; reads the journal only (no credentials needed).
struct StatusRunner {
    var context: CommandContext
    var json: Bool
    /// `--ha-table`: the journal is the table's, and the leader is shown (docs/behaviour.md §12.6).
    var ha: CommandOptions.HAOptions?

    func run() async -> Int32 {
        if let ha { return await runHA(ha) }
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
        return await report(journal)
    }

    /// The leader's term as the table shows it, then the journal of the table.
    func runHA(_ ha: CommandOptions.HAOptions) async -> Int32 {
        let output = context.output
        let journal: JournalState
        let leader: LeaderTerm?
        let replicas: [ReplicaView]
        do {
            let table = try await RemotePorts.haTable(context: context, options: ha)
            leader = try await HALease(table: table, replica: "status", duration: 0).current()
            replicas = try await table.replicas(now: context.clock.now())
            journal =
                try await HAJournal.read(table: table).map { try JournalCodec.replay($0.contents) }
                ?? JournalState(lineage: "")
        } catch {
            output.printFailure(error)
            return 1
        }
        // On stderr beside --json, so stdout stays one JSON document.
        let now = context.clock.now()
        let lines =
            ([Self.leaderLine(leader, table: ha.table, now: now)] + Self.replicaLines(replicas))
            .joined(separator: "\n") + "\n"
        if json { output.writeError(lines) } else { output.writeOutput(lines) }
        return await report(journal)
    }

    /// `leader: ID, term N, lease until T` (`expired` when no replica renewed it), or that none ever led.
    static func leaderLine(_ leader: LeaderTerm?, table: String, now: Date) -> String {
        guard let leader else { return "leader: none yet (no replica has taken the lease in \(table))" }
        let until = NotificationDateFormat.rfc3339(leader.expires)
        let state = leader.expires > now ? "lease until \(until)" : "lease expired at \(until): a standby takes over"
        return "leader: \(leader.holder), term \(leader.fence), \(state)"
    }

    /// `replicas:` then one line per replica's view (docs/behaviour.md §12.6): its role, the leader and term it
    /// saw, when it saw the lease, when it may take over, and how far its journal cache goes.
    static func replicaLines(_ replicas: [ReplicaView]) -> [String] {
        guard !replicas.isEmpty else { return ["replicas: none has written its view (or every view expired)"] }
        return ["replicas:"]
            + replicas.map { view in
                var parts = ["  \(view.id): \(view.role.rawValue)"]
                if view.role == .standby {
                    parts.append(view.leader.map { "sees leader \($0), term \(view.term)" } ?? "sees no leader")
                } else {
                    parts.append("term \(view.term)")
                }
                parts.append("saw the lease at \(NotificationDateFormat.rfc3339(view.seenAt))")
                if view.role == .standby, let expires = view.leaseExpires {
                    parts.append("may take over at \(NotificationDateFormat.rfc3339(expires))")
                }
                parts.append("journal cache at seq \(view.cachedSeq)")
                return parts.joined(separator: ", ")
            }
    }

    /// The table (or JSON) of `journal` with the desired state as last fetched.
    func report(_ journal: JournalState) async -> Int32 {
        let output = context.output
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
