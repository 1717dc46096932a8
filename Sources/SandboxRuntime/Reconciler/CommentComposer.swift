import Foundation
import SandboxCore

/// Builds comment bodies from the journal's record of a request.
enum CommentComposer {
    static func marker(_ id: RequestID, _ event: NotificationEvent, _ occurrence: Int) -> String {
        NotificationMarker(request: id, event: event, occurrence: occurrence).text
    }

    static func body(
        for request: RequestRecord,
        plan: NotificationPlan,
        pool: PoolConfiguration,
        poolName: String,
        desired: DesiredState
    ) -> String {
        let context = NotificationContext(
            request: request.id,
            requester: request.spec.requester,
            event: plan.event,
            occurrence: plan.occurrence,
            pullRequest: request.spec.pullRequest,
            leaseEnd: request.leaseEnd,
            queuePosition: plan.position,
            reason: request.reason,
            endReason: request.endReason,
            outputs: request.outputs,
            productName: request.productName,
            purpose: request.spec.purpose,
            lease: request.spec.lease ?? pool.lease,
            maxLease: pool.maxLease,
            poolName: poolName,
            requestPath: desired.repositoryPath(for: request.id)
        )
        return NotificationRenderer.render(context, template: desired.templates[plan.event])
    }

    /// The `invalid` comment of `id`'s file (docs/behaviour.md §2.5, §6.1): its problems as `validate`
    /// gives them, to the requester read from the file; `nil` when the file is no longer invalid.
    static func invalidBody(
        _ id: RequestID,
        plan: NotificationPlan,
        record: RequestRecord?,
        poolName: String,
        desired: DesiredState
    ) -> String? {
        guard let entry = desired.requests[id], let problems = entry.problems, let recovered = entry.recovered else {
            return nil
        }
        let lines = problems.map(NotificationContext.problemLine)
        let context = NotificationContext(
            request: id,
            requester: recovered.requester,
            event: .invalid,
            occurrence: plan.occurrence,
            pullRequest: plan.pullRequest ?? recovered.pullRequest,
            reason: lines.first,
            poolName: poolName,
            requestPath: desired.repositoryPath(for: id),
            problems: lines,
            lastValidInForce: record.map { !$0.state.isFinal } ?? false
        )
        return NotificationRenderer.render(context, template: desired.templates[.invalid])
    }
}
