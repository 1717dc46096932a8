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
}
