import Foundation
import SandboxCore

/// Builds comment bodies from the journal's record of a request.
enum CommentComposer {
    static func marker(_ id: RequestID, _ event: NotificationEvent, _ occurrence: Int) -> String {
        occurrence < 2 ? "<!-- sandboxd:\(id):\(event.rawValue) -->" : "<!-- sandboxd:\(id):\(event.rawValue):\(occurrence) -->"
    }

    static func body(
        for request: RequestRecord,
        plan: NotificationPlan,
        pool: PoolConfiguration,
        poolName: String,
        template: String?
    ) -> String {
        var lines = ["sandboxd: \(plan.event.rawValue) for `\(request.id)`"]
        if let position = plan.position { lines.append("Position in the queue: \(position)") }
        if let reason = request.reason { lines.append("Reason: \(reason)") }
        if let end = request.leaseEnd { lines.append("Lease ends: \(end)") }
        for output in request.outputs { lines.append("- \(output.key): \(output.value)") }
        lines.append(marker(request.id, plan.event, plan.occurrence))
        return lines.joined(separator: "\n")
    }
}
