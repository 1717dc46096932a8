import Foundation
import SandboxCore

extension Reconciler {
    /// Carries out one step of a plan: a transition is recorded as its event; a call gets its intent
    /// recorded, is performed, and what it came to is recorded as the core's rules say
    /// (``ExecutionRules``). The executor decides nothing.
    ///
    /// - Returns: the resolution, and whether the call got no answer (it is then not repeated in this
    ///   pass and waits out a backoff, ``CallRetries``) with the time the service asked to wait until.
    /// - Throws: `CancellationError` when the task was cancelled during the call: nothing of its outcome
    ///   is recorded, its intent stays for a later pass.
    func execute(
        _ action: PlannedAction,
        pool: PoolConfiguration,
        desired: DesiredState,
        logger: Logger
    )
        async throws -> (Resolution, unanswered: Bool, retryAt: Date?)
    {
        var log = logger.with(["action": action.name])
        if let id = action.request { log = log.with(["request.id": id.rawValue]) }
        log.info("carrying out", ["reason": action.reason])
        if let event = ExecutionRules.transition(of: action, journal: state, now: clock.now()) {
            try record(event, log: log)
            return (Resolution([event]), false, nil)
        }
        // The comment's text is composed from the journal before its intent is recorded.
        let body = commentBody(for: action, pool: pool, desired: desired)
        // A call that changes the world has its intent, and every record before it, durable before it is
        // made; a read waits for no flush (docs/behaviour.md §3.13).
        if let intent = ExecutionRules.intent(of: action, now: clock.now()) {
            try record(intent, log: log)
            try await commit()
        } else {
            try await commitBeforeRead()
        }
        let outcome = try await perform(action, commentBody: body)
        try Task.checkCancellation()
        let resolution = ExecutionRules.resolve(action, outcome: outcome, journal: state, pool: pool, now: clock.now())
        for event in resolution.events { try record(event, log: log) }
        var retryAt: Date?
        if case .githubFailed(let error) = outcome { retryAt = error.retryAt }
        return (resolution, outcome.isUnanswered, retryAt)
    }

    /// How late `action` is, when it is a timed step: a lease's termination after its end, an expiry
    /// warning after its time.
    func lateness(of action: PlannedAction, pool: PoolConfiguration) -> Lateness? {
        switch action.kind {
        case .terminate(let id, .expired, _, _):
            guard let end = state.requests[id]?.leaseEnd else { return nil }
            return Lateness(kind: .termination, request: id, seconds: max(0, clock.now().timeIntervalSince(end)))
        case .notify(let id, let plan) where plan.event == .expiring:
            guard let end = state.requests[id]?.leaseEnd else { return nil }
            let due = end.addingTimeInterval(-pool.expiryWarning.timeInterval)
            return Lateness(kind: .warning, request: id, seconds: max(0, clock.now().timeIntervalSince(due)))
        default:
            return nil
        }
    }

    /// Performs the outside call of `action` and reports what it came to, untouched.
    func perform(_ action: PlannedAction, commentBody: String?) async throws -> CallOutcome {
        switch action.kind {
        case .verify(_, let request):
            let (verdict, cause) = await Verifier.verifyReportingCause(request, using: github)
            return .verification(verdict, cause: cause)
        case .provision(_, _, let request):
            return try await catalogCall { () async throws(CatalogError) in
                .accepted(try await catalog.provision(request))
            }
        case .inspectRecord(_, let recordId, _):
            return try await catalogCall { () async throws(CatalogError) in
                .record(try await catalog.describeRecord(id: recordId))
            }
        case .activate(_, let productId, _, _):
            return try await catalogCall { () async throws(CatalogError) in
                .outputs(try await catalog.outputs(provisionedProductId: productId))
            }
        case .terminate(_, _, let productId, let token):
            return try await catalogCall { () async throws(CatalogError) in
                .accepted(try await catalog.terminate(provisionedProductId: productId, token: token))
            }
        case .terminateOrphan(let product, let token):
            return try await catalogCall { () async throws(CatalogError) in
                .accepted(try await catalog.terminate(provisionedProductId: product.id, token: token))
            }
        case .describeProduct(let productId, _):
            return try await catalogCall { () async throws(CatalogError) in
                .described(try await catalog.describeProduct(id: productId))
            }
        case .notify(let id, let plan):
            guard let pullRequest = plan.pullRequest ?? state.requests[id]?.spec.pullRequest, let commentBody else {
                return .githubFailed(GitHubError(.notFound, message: "\(id) is not in the journal"))
            }
            return try await comment(
                plan,
                marker: CommentComposer.marker(id, plan.event, plan.occurrence),
                pullRequest: pullRequest,
                body: commentBody
            )
        case .readPullRequest(let id, let pullRequest):
            do {
                return .pullRequestComments(try await github.ownComments(pullRequest: pullRequest, request: id))
            } catch {
                return .githubFailed(error)
            }
        case .observe, .admit, .reject, .drop, .extendLease, .failAttempt, .quarantine, .adopt, .clearInvalid,
            .retire:
            preconditionFailure("\(action.name) is a transition, not a call")
        }
    }

    /// One catalog call, its typed failure kept as the outcome.
    func catalogCall(_ call: () async throws(CatalogError) -> CallOutcome) async throws -> CallOutcome {
        let outcome: CallOutcome
        do {
            outcome = try await call()
        } catch {
            outcome = .catalogFailed(error)
        }
        return outcome
    }

    /// Writes one comment through the GitHub calls ``CommentFlow`` asks for.
    func comment(_ plan: NotificationPlan, marker: String, pullRequest: Int, body: String) async throws -> CallOutcome {
        var step = CommentFlow.first(plan)
        while true {
            let answer: CallOutcome?
            do {
                switch step {
                case .edit(let comment), .editFound(let comment):
                    try await github.editComment(comment, body: body)
                    answer = .commented(comment)
                case .find:
                    answer = try await github.findComment(pullRequest: pullRequest, marker: marker).map {
                        .commented($0)
                    }
                case .post:
                    answer = .commented(try await github.postComment(pullRequest: pullRequest, body: body))
                }
            } catch {
                answer = .githubFailed(error)
            }
            switch CommentFlow.next(after: step, outcome: answer, plan: plan) {
            case .then(let following): step = following
            case .done(let outcome): return outcome
            }
        }
    }

    /// The text of the comment `action` writes, if it writes one.
    func commentBody(for action: PlannedAction, pool: PoolConfiguration, desired: DesiredState) -> String? {
        guard case .notify(let id, let plan) = action.kind else { return nil }
        if plan.event == .invalid {
            // The planner's view: a served file's name is refused as invalid (docs/behaviour.md §3.16).
            var desired = desired
            desired.refuseServedFile(id, journal: state)
            return CommentComposer.invalidBody(
                id,
                plan: plan,
                record: state.requests[id],
                poolName: poolName,
                desired: desired
            )
        }
        guard let request = state.requests[id] else { return nil }
        return CommentComposer.body(for: request, plan: plan, pool: pool, poolName: poolName, desired: desired)
    }
}
