import Foundation
import SandboxCore

extension Reconciler {
    /// Posts (or edits) a comment: intent, look for it if an earlier posting was not confirmed, post, outcome.
    func notify(
        _ id: RequestID,
        plan: NotificationPlan,
        pool: PoolConfiguration,
        desired: DesiredState
    )
        async throws -> ActionOutcome
    {
        guard let request = state.requests[id] else { return ActionOutcome() }
        let body = CommentComposer.body(for: request, plan: plan, pool: pool, poolName: poolName, desired: desired)
        let pullRequest = request.spec.pullRequest
        try record(.notifyStarted(id: id, event: plan.event, occurrence: plan.occurrence))
        // The outcome: the comment exists (or, with id 0, cannot be posted at all).
        func confirm(_ comment: CommentReference) throws {
            try record(
                .notified(
                    id: id,
                    event: plan.event,
                    occurrence: plan.occurrence,
                    comment: comment,
                    position: plan.position
                )
            )
        }
        do {
            if let comment = plan.edit, comment.id != 0 {
                do {
                    try await github.editComment(comment, body: body)
                    try checkpoint("github")
                    try confirm(comment)
                    return ActionOutcome()
                } catch let error as GitHubError where error.kind == .notFound {
                    // The comment was deleted: post a new one.
                    try checkpoint("github")
                }
            }
            if plan.lookFirst {
                let marker = CommentComposer.marker(id, plan.event, plan.occurrence)
                if let found = try await github.findComment(pullRequest: pullRequest, marker: marker) {
                    try checkpoint("github")
                    if plan.event == .queued {
                        try await github.editComment(found, body: body)
                        try checkpoint("github")
                    }
                    try confirm(found)
                    return ActionOutcome()
                }
                try checkpoint("github")
            }
            let comment = try await github.postComment(pullRequest: pullRequest, body: body)
            try checkpoint("github")
            try confirm(comment)
        } catch let error as GitHubError {
            try checkpoint("github")
            if error.kind == .notFound || error.kind == .rejected {
                // The pull request is gone or refuses comments (locked): there is nobody to tell this
                // way, and trying every pass would not change that. Recorded as told, with no comment.
                try confirm(CommentReference(id: 0))
                return ActionOutcome(
                    problem: "\(id): the \(plan.event.rawValue) comment cannot be posted on pull "
                        + "request #\(pullRequest): \(error)"
                )
            }
            return ActionOutcome(problem: "\(id): cannot post the \(plan.event.rawValue) comment: \(error)")
        }
        return ActionOutcome()
    }
}
