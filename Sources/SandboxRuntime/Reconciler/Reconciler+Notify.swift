import Foundation
import SandboxCore

extension Reconciler {
    /// Posts (or edits) a comment: intent, look for it if an earlier posting was not confirmed, post, outcome.
    func notify(_ id: RequestID, plan: NotificationPlan, pool: PoolConfiguration, desired: DesiredState)
        async throws -> ActionOutcome
    {
        guard let request = state.requests[id] else { return ActionOutcome() }
        let body = CommentComposer.body(for: request, plan: plan, pool: pool, poolName: poolName, desired: desired)
        let pullRequest = request.spec.pullRequest
        try record(.notifyStarted(id: id, event: plan.event, occurrence: plan.occurrence))
        do {
            if let comment = plan.edit {
                try await github.editComment(comment, body: body)
                try checkpoint("github")
                try record(.notified(id: id, event: plan.event, occurrence: plan.occurrence, comment: comment,
                                     position: plan.position))
                return ActionOutcome()
            }
            if plan.lookFirst {
                let marker = CommentComposer.marker(id, plan.event, plan.occurrence)
                if let found = try await github.findComment(pullRequest: pullRequest, marker: marker) {
                    try checkpoint("github")
                    if plan.event == .queued {
                        try await github.editComment(found, body: body)
                        try checkpoint("github")
                    }
                    try record(.notified(id: id, event: plan.event, occurrence: plan.occurrence, comment: found,
                                         position: plan.position))
                    return ActionOutcome()
                }
                try checkpoint("github")
            }
            let comment = try await github.postComment(pullRequest: pullRequest, body: body)
            try checkpoint("github")
            try record(.notified(id: id, event: plan.event, occurrence: plan.occurrence, comment: comment,
                                 position: plan.position))
        } catch let error as GitHubError {
            try checkpoint("github")
            if error.kind == .notFound {
                // The pull request is gone: there is nobody to tell; do not try forever.
                try record(.notified(id: id, event: plan.event, occurrence: plan.occurrence,
                                     comment: CommentReference(id: 0), position: plan.position))
                return ActionOutcome(problem: "\(id): pull request #\(pullRequest) not found; the \(plan.event.rawValue) comment was not posted")
            }
            return ActionOutcome(problem: "\(id): cannot post the \(plan.event.rawValue) comment: \(error)")
        }
        return ActionOutcome()
    }
}
