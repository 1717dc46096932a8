import Foundation
import SandboxCore

/// What `sandboxd plan` shows.
struct PlanReport {
    let actions: [PlannedAction]
    let brake: String?
    let notes: [String]

    var changes: Int { actions.filter { !$0.isReadOnly }.count }

    /// `plan --json` (SPEC §4): `{"changes": N, "actions": [{"action", "request", "reason"}]}`.
    var json: JSONOutput {
        .object([
            ("changes", .number(changes)),
            (
                "actions",
                .array(
                    actions.map { action in
                        .object([
                            ("action", .string(action.name)),
                            ("request", .optional(action.request?.rawValue)),
                            ("reason", .string(action.reason)),
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
        return lines.joined(separator: "\n") + "\n"
    }
}
