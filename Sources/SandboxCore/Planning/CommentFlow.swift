/// The GitHub calls one comment takes, decided step by step (docs/behaviour.md §6).
///
/// A queued (or invalid) comment is edited in place; a deleted one is posted anew. A comment whose
/// posting the journal cannot confirm is looked for by its marker first, and a found `queued` or
/// `invalid` comment is brought up to date. The executor performs each ``Step`` and asks ``next(after:outcome:plan:)`` what follows.
public enum CommentFlow {
    /// One GitHub call for a comment.
    public enum Step: Hashable, Sendable {
        /// Replace the body of a comment posted before.
        case edit(CommentReference)
        /// Look for the comment by its marker among sandboxd's own comments.
        case find
        /// Replace the body of the comment just found (the `queued` comment, brought up to date).
        case editFound(CommentReference)
        /// Post a new comment.
        case post
    }

    /// What follows a step.
    public enum Next: Hashable, Sendable {
        /// Another call.
        case then(Step)
        /// Finished: hand this outcome to ``ExecutionRules/resolve(_:outcome:journal:pool:now:)``.
        case done(CallOutcome)
    }

    /// The first call for `plan`.
    public static func first(_ plan: NotificationPlan) -> Step {
        if let comment = plan.edit, comment.id != 0 { return .edit(comment) }
        return plan.lookFirst ? .find : .post
    }

    /// What follows `step`, given what it answered (`found` is the comment a `find` found, if any).
    ///
    /// - Parameters:
    ///   - step: the call just made.
    ///   - outcome: `.commented` on success (for `find`: the comment found), `.githubFailed` otherwise;
    ///     a `find` that found nothing answers `nil`.
    ///   - plan: the comment being written.
    public static func next(after step: Step, outcome: CallOutcome?, plan: NotificationPlan) -> Next {
        switch (step, outcome) {
        case (.edit, .githubFailed(let error)) where error.kind == .notFound:
            // The comment was deleted: post a new one (after looking, if a posting is unconfirmed).
            return .then(plan.lookFirst ? .find : .post)
        case (.find, nil):
            return .then(.post)
        case (.find, .commented(let found)) where plan.event == .queued || plan.event == .invalid:
            // Edited in place: the comment found may show an older position or older problems.
            return .then(.editFound(found))
        case (.editFound(let found), .commented):
            return .done(.commented(found))
        case (_, let outcome?):
            return .done(outcome)
        case (_, nil):
            return .then(.post)
        }
    }
}
