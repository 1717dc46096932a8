import Foundation
import SandboxCore
import SandboxRuntime

/// What `sandboxd plan` shows.
struct PlanReport {
    let actions: [PlannedAction]
    let brake: String?
    let notes: [String]
    /// When the plan next has work if nothing changes, and the time it is measured from.
    var nextDue: DueWork? = nil
    var now = Date()
    /// Work under way that no action of this plan starts: requests provisioning or terminating
    /// (docs/behaviour.md §4.1: `plan` never says "nothing to do" over work in flight).
    var inFlight = InFlight()

    /// Requests whose product is changing, by state.
    struct InFlight: Equatable {
        var provisioning = 0
        var terminating = 0

        init(provisioning: Int = 0, terminating: Int = 0) {
            self.provisioning = provisioning
            self.terminating = terminating
        }

        init(_ journal: JournalState) {
            for record in journal.requests.values {
                if record.state == .provisioning { provisioning += 1 }
                if record.state == .terminating { terminating += 1 }
            }
        }

        var isEmpty: Bool { provisioning == 0 && terminating == 0 }

        /// `2 provisioning, 1 terminating`.
        var summary: String {
            [(provisioning, "provisioning"), (terminating, "terminating")].filter { $0.0 > 0 }
                .map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        }
    }

    /// The request files that do not validate (docs/behaviour.md §2.5): id, first problem, and whether a last
    /// valid version stays in force. Listed, not counted as changes: nothing is done with such a file.
    var invalid: [(id: RequestID, problem: String, lastValidInForce: Bool)] = []

    /// The invalid request files of `desired`, by id; a file with a record that is not over keeps its last valid version.
    static func invalidFiles(
        _ desired: DesiredState,
        journal: JournalState
    ) -> [(id: RequestID, problem: String, lastValidInForce: Bool)] {
        desired.requests.sorted { $0.key < $1.key }.compactMap { id, entry in
            guard let problems = entry.problems else { return nil }
            let problem = problems.first.map(NotificationContext.problemLine) ?? "the file is not valid"
            return (id, problem, journal.requests[id].map { !$0.state.isFinal } ?? false)
        }
    }

    var changes: Int { actions.filter { !$0.isReadOnly }.count }

    /// `plan`'s exit code (docs/behaviour.md §11.3): 2 when changes are pending or the safety brake holds
    /// releases back (a change is waiting, only not allowed), else 0.
    var exitCode: Int32 { changes > 0 || brake != nil ? ExitCode.changesPending : ExitCode.success }

    /// When the work in flight is looked at next: the plan's poll, if that is its next due work.
    var nextCheck: DueWork? {
        guard !inFlight.isEmpty, let nextDue, nextDue.kind == .poll else { return nil }
        return nextDue
    }

    /// `plan --json` (docs/behaviour.md §4.2): `{"changes": N, "actions": [{"action", "request", "reason"}],
    /// "inFlight": {"provisioning": N, "terminating": N, "nextCheck": TIME|null}, "brake": TEXT|null}`.
    var json: JSONValue {
        JSONValue(members: [
            ("changes", JSONValue(.integer(Int64(changes)))),
            (
                "actions",
                JSONValue(
                    elements: actions.map { action in
                        JSONValue(members: [
                            ("action", JSONValue(.string(action.name))),
                            ("request", JSONValue(optional: action.request?.rawValue)),
                            ("reason", JSONValue(.string(action.reason))),
                        ])
                    }
                )
            ),
            (
                "inFlight",
                JSONValue(members: [
                    ("provisioning", JSONValue(.integer(Int64(inFlight.provisioning)))),
                    ("terminating", JSONValue(.integer(Int64(inFlight.terminating)))),
                    ("nextCheck", JSONValue(optional: nextCheck.map { NotificationDateFormat.rfc3339($0.at) })),
                ])
            ),
            ("brake", JSONValue(optional: brake)),
            (
                "invalid",
                JSONValue(
                    elements: invalid.map { file in
                        JSONValue(members: [
                            ("request", JSONValue(.string(file.id.rawValue))),
                            ("problem", JSONValue(.string(file.problem))),
                            ("lastValidInForce", JSONValue(.bool(file.lastValidInForce))),
                        ])
                    }
                )
            ),
        ])
    }

    var text: String {
        var lines: [String] = []
        if actions.isEmpty { lines.append(idleLine) }
        for action in actions {
            lines.append(
                "\(action.name.padding(toLength: 16, withPad: " ", startingAt: 0)) "
                    + "\((action.request?.rawValue ?? "-").padding(toLength: 24, withPad: " ", startingAt: 0)) \(action.reason)"
            )
        }
        if !actions.isEmpty, !inFlight.isEmpty { lines.append("in flight: \(inFlightText)") }
        for file in invalid {
            let effect = file.lastValidInForce ? "its last valid version stays in force" : "not a request until fixed"
            lines.append("invalid file: \(file.id.rawValue): \(file.problem) (\(effect))")
        }
        if let brake { lines.append("safety brake: \(brake)") }
        for note in notes { lines.append("note: \(note)") }
        if let nextDue { lines.append("next due: \(nextDue.line(now: now))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The first line of a plan with no action: "nothing to do" only when nothing is under way or held.
    private var idleLine: String {
        var waiting: [String] = []
        if !inFlight.isEmpty { waiting.append(inFlightText) }
        if brake != nil { waiting.append("the safety brake is holding releases back") }
        guard !waiting.isEmpty else { return "nothing to do" }
        return "nothing to start now: " + waiting.joined(separator: "; ")
    }

    /// `2 provisioning, next check in 3s`.
    private var inFlightText: String {
        guard let nextCheck else { return inFlight.summary }
        let span = DaemonStatusLine.span(nextCheck.at.timeIntervalSince(now))
        return inFlight.summary + ", next check " + (span == "now" ? "now" : "in \(span)")
    }
}
