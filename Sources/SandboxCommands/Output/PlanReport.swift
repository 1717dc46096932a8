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
        if let brake { lines.append("safety brake: \(brake)") }
        for note in notes { lines.append("note: \(note)") }
        if let nextDue { lines.append("next due: \(nextDue.line(now: now))") }
        return lines.joined(separator: "\n") + "\n"
    }
}
