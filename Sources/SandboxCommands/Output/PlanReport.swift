import Foundation
import SandboxCore

/// What `sandboxd plan` shows.
struct PlanReport {
    let actions: [PlannedAction]
    let brake: String?
    let notes: [String]
    /// When the plan next has work if nothing changes, and the time it is measured from.
    var nextDue: DueWork? = nil
    var now = Date()
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

    /// `plan --json` (docs/behaviour.md §4): `{"changes": N, "actions": [{"action", "request", "reason"}]}`.
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
        if actions.isEmpty { lines.append("nothing to do") }
        for action in actions {
            lines.append(
                "\(action.name.padding(toLength: 16, withPad: " ", startingAt: 0)) "
                    + "\((action.request?.rawValue ?? "-").padding(toLength: 24, withPad: " ", startingAt: 0)) \(action.reason)"
            )
        }
        for file in invalid {
            let effect = file.lastValidInForce ? "its last valid version stays in force" : "not a request until fixed"
            lines.append("invalid file: \(file.id.rawValue): \(file.problem) (\(effect))")
        }
        if let brake { lines.append("safety brake: \(brake)") }
        for note in notes { lines.append("note: \(note)") }
        if let nextDue { lines.append("next due: \(nextDue.line(now: now))") }
        return lines.joined(separator: "\n") + "\n"
    }
}
