public import Foundation

/// What a call to the outside world came to, as the executor reports it: the answer, or the typed
/// error. The executor never interprets it; ``ExecutionRules/resolve(_:outcome:journal:pool:now:)`` does.
public enum CallOutcome: Hashable, Sendable {
    /// GitHub's verdict on a requester; `cause` is the GitHub failure behind a `pending` verdict.
    case verification(VerificationOutcome, cause: GitHubError?)
    /// A provisioning or termination call was accepted.
    case accepted(CatalogReceipt)
    /// An operation's record (`DescribeRecord`).
    case record(CatalogRecord)
    /// An available product's outputs.
    case outputs([ProductOutput])
    /// One product as the catalog describes it by id; `nil`: the catalog says it does not exist.
    case described(LiveProduct?)
    /// The comment exists: posted, edited or found by its marker.
    case commented(CommentReference)
    /// sandboxd's own comments about a request, found on its pull request.
    case pullRequestComments([OwnComment])
    /// A catalog call failed.
    case catalogFailed(CatalogError)
    /// A GitHub call failed.
    case githubFailed(GitHubError)
}

extension CallOutcome {
    /// Whether the call got no answer that tells what happened (an outage, a timeout, throttling), or
    /// GitHub showed sandboxd's own setup to be wrong (credentials refused, a repository it cannot
    /// see): it is made again later, after a backoff, not within the same pass (docs/behaviour.md §4).
    public var isUnanswered: Bool {
        switch self {
        case .catalogFailed(let error): return error.isTransient
        case .githubFailed(let error): return [.unavailable, .misconfigured, .unauthorized].contains(error.kind)
        default: return false
        }
    }
}

/// The journal events a call's outcome comes to, and what the operator should hear of it.
public struct Resolution: Hashable, Sendable {
    /// Facts to append, in order.
    public var events: [JournalEvent]
    /// What went wrong, if anything.
    public var problem: PassProblem?
    /// Whether the catalog changed, so the next round must list it again.
    public var changedCatalog: Bool
    /// Products the call found that the listing missed: the rest of the pass plans with them as if
    /// listed (until the pool is listed again).
    public var seen: [LiveProduct]
    /// Something worth telling the operator that is neither a problem nor a decision.
    public var note: String?

    /// - Parameters:
    ///   - events: facts to append, in order.
    ///   - problem: what went wrong, if anything.
    ///   - changedCatalog: whether the next round must list the catalog again.
    ///   - seen: products found that the listing missed.
    ///   - note: a note for the operator.
    public init(
        _ events: [JournalEvent] = [],
        problem: PassProblem? = nil,
        changedCatalog: Bool = false,
        seen: [LiveProduct] = [],
        note: String? = nil
    ) {
        self.events = events
        self.problem = problem
        self.changedCatalog = changedCatalog
        self.seen = seen
        self.note = note
    }
}

/// The pure rules that turn a planned step into journal events: the event of a transition, the
/// intent recorded before a mutating call, and the facts its outcome comes to (docs/behaviour.md §3).
///
/// The executor carries a plan out with these and nothing else: it performs the call, hands the
/// outcome here, and records what comes back. Every retry time is asked of ``ProvisioningPolicy``.
public enum ExecutionRules {
    /// The one event of a transition (a step with no outside call), or `nil` for a call.
    public static func transition(of action: PlannedAction, journal: JournalState, now: Date) -> JournalEvent? {
        switch action.kind {
        case .observe(let spec, let isNew):
            return isNew ? .requestSeen(spec: spec, at: now) : .requestChanged(spec: spec, at: now)
        case .admit(let id):
            return .admitted(id: id)
        case .reject(let id, let reason):
            return .rejected(id: id, reason: reason)
        case .drop(let id):
            return .dropped(id: id)
        case .extendLease(let id, let leaseEnd):
            return .leaseExtended(id: id, leaseEnd: leaseEnd)
        case .failAttempt(let id, let reason):
            return attemptEnded(id, reason: reason, journal: journal, now: now)
        case .quarantine(let id, let reason):
            return .quarantined(id: id, reason: reason)
        case .adopt(let id, let product, let leaseStart, let leaseEnd):
            return .adopted(id: id, product: product, leaseStart: leaseStart, leaseEnd: leaseEnd)
        case .clearInvalid(let id):
            return .invalidCleared(id: id)
        case .retire(let id):
            return .retired(id: id, at: now)
        case .verify, .provision, .inspectRecord, .activate, .terminate, .describeProduct, .notify, .terminateOrphan,
            .readPullRequest:
            return nil
        }
    }

    /// The intent recorded (durably) before a mutating call made at `now`, or `nil` when the call only reads.
    public static func intent(of action: PlannedAction, now: Date) -> JournalEvent? {
        switch action.kind {
        case .provision(let id, let attempt, let request):
            return .provisionStarted(id: id, attempt: attempt, request: request, at: now)
        case .terminate(let id, let purpose, let productId, let token):
            let owner = TerminationOwner.request(id, purpose: purpose)
            return .terminationStarted(productId: productId, owner: owner, token: token, at: now)
        case .terminateOrphan(let product, let token):
            let owner = TerminationOwner.orphan(name: product.name)
            return .terminationStarted(productId: product.id, owner: owner, token: token, at: now)
        case .notify(let id, let plan):
            return .notifyStarted(id: id, event: plan.event, occurrence: plan.occurrence)
        default:
            return nil
        }
    }

    /// The facts a call's outcome comes to.
    ///
    /// - Parameters:
    ///   - action: the call carried out.
    ///   - outcome: what the executor got back.
    ///   - journal: the journal as it is after the call's intent.
    ///   - pool: the pool the pass runs with (which outputs are published).
    ///   - now: the time of the outcome.
    public static func resolve(
        _ action: PlannedAction,
        outcome: CallOutcome,
        journal: JournalState,
        pool: PoolConfiguration,
        now: Date
    ) -> Resolution {
        switch action.kind {
        case .verify(let id, let request):
            return resolveVerification(id, login: request.spec.requester, outcome: outcome, now: now)
        case .provision(let id, _, let request):
            return resolveProvision(id, name: request.name, outcome: outcome, now: now)
        case .inspectRecord(let id, let recordId, let purpose):
            return resolveInspection(id, recordId: recordId, purpose: purpose, outcome: outcome, journal, now)
        case .activate(let id, let productId, let leaseStart, let leaseEnd):
            guard case .outputs(let outputs) = outcome else {
                return failure(outcome, id, doing: "cannot read the product's outputs")
            }
            let published = pool.outputs.map { keys in outputs.filter { keys.contains($0.key) } } ?? outputs
            return Resolution([
                .activated(id: id, productId: productId, outputs: published, leaseStart: leaseStart, leaseEnd: leaseEnd)
            ])
        case .terminate(let id, _, let productId, _):
            let doing = "terminating \(productId) failed"
            return resolveTermination(productId: productId, request: id, doing: doing, outcome: outcome, journal, now)
        case .describeProduct(let productId, let purpose):
            return resolveDescription(productId, purpose: purpose, outcome: outcome, journal, now)
        case .notify(let id, let plan):
            let pullRequest = plan.pullRequest ?? journal.requests[id]?.spec.pullRequest
            return resolveComment(id, plan: plan, pullRequest: pullRequest, outcome)
        case .terminateOrphan(let product, _):
            let doing = "cannot terminate the orphan \(product.name)"
            return resolveTermination(productId: product.id, request: nil, doing: doing, outcome: outcome, journal, now)
        case .readPullRequest(let id, let pullRequest):
            return resolvePullRequestRead(id, pullRequest: pullRequest, outcome: outcome, journal, now)
        case .observe, .admit, .reject, .drop, .extendLease, .failAttempt, .quarantine, .adopt, .clearInvalid,
            .retire:
            return Resolution(transition(of: action, journal: journal, now: now).map { [$0] } ?? [])
        }
    }

    /// What a reading of the pull request found (docs/behaviour.md §3.15). A pull request that does not
    /// exist holds nothing sandboxd told (its verification says the rest); any other failure leaves the
    /// request waiting for a reading that works: nothing is done on the journal's word alone. A pending
    /// request keeps the failure as the reason it is still pending.
    static func resolvePullRequestRead(
        _ id: RequestID,
        pullRequest: Int,
        outcome: CallOutcome,
        _ journal: JournalState,
        _ now: Date
    ) -> Resolution {
        switch outcome {
        case .pullRequestComments(let found):
            return Resolution([.pullRequestRead(id: id, found: found, at: now)])
        case .githubFailed(let error) where error.kind == .notFound:
            return Resolution([.pullRequestRead(id: id, found: [], at: now)])
        default:
            let doing = "cannot read what pull request #\(pullRequest) shows sandboxd told"
            var resolution = failure(outcome, id, doing: doing)
            if case .githubFailed(let error) = outcome, journal.requests[id]?.state == .pending {
                resolution.events = [
                    .verificationDeferred(id: id, reason: "\(doing): \(error)", retryAt: error.retryAt)
                ]
            }
            return resolution
        }
    }

    /// The attempt of `id` ended: the next one waits out its backoff, or there is none.
    static func attemptEnded(_ id: RequestID, reason: String, journal: JournalState, now: Date) -> JournalEvent {
        let attempt = journal.requests[id]?.call?.attempt ?? 1
        return .attemptEnded(id: id, reason: reason, retryAt: ProvisioningPolicy.nextAttempt(after: attempt, now: now))
    }

    static func resolveVerification(_ id: RequestID, login: String, outcome: CallOutcome, now: Date) -> Resolution {
        guard case .verification(let verdict, let cause) = outcome else {
            return failure(outcome, id, doing: "cannot verify @\(login)")
        }
        let problem = cause.map { PassProblem.github($0, request: id, doing: "verifying @\(login)") }
        switch verdict {
        case .verified(let userId, let login):
            return Resolution([.verified(id: id, verification: .verified(userId: userId, login: login, at: now))])
        case .skipped:
            return Resolution([.verified(id: id, verification: .skipped(at: now))])
        case .rejected(let reason, _):
            return Resolution([.rejected(id: id, reason: reason)])
        case .pending(let reason, let retryAt):
            let next = ProvisioningPolicy.verificationRetryAt(now, suggested: retryAt)
            return Resolution([.verificationDeferred(id: id, reason: reason, retryAt: next)], problem: problem)
        }
    }

    static func resolveProvision(_ id: RequestID, name: String, outcome: CallOutcome, now: Date) -> Resolution {
        switch outcome {
        case .accepted(let receipt):
            return Resolution([.provisionAccepted(id: id, receipt: receipt)], changedCatalog: true)
        case .catalogFailed(let error) where error.isTransient:
            // The intent stays: the next pass repeats the same call with the same token.
            return Resolution(problem: .catalog(error, request: id, doing: "provisioning call failed, will repeat it"))
        case .catalogFailed(let error) where error.kind == .duplicate:
            // A product of that name exists: the next round finds and adopts or inspects it.
            let problem = PassProblem.catalog(error, request: id, doing: "a product named \(name) already exists")
            return Resolution(problem: problem, changedCatalog: true)
        case .catalogFailed(let error):
            return Resolution(
                [
                    .provisionRefused(
                        id: id,
                        error: error.description,
                        retryAt: ProvisioningPolicy.refusedProvisionRetryAt(now)
                    )
                ],
                problem: .catalog(error, request: id, doing: "Service Catalog refused to provision")
            )
        default:
            return failure(outcome, id, doing: "provisioning")
        }
    }

    static func resolveInspection(
        _ id: RequestID,
        recordId: String,
        purpose: PlannedAction.RecordPurpose,
        outcome: CallOutcome,
        _ journal: JournalState,
        _ now: Date
    ) -> Resolution {
        guard case .record(let record) = outcome else {
            return failure(outcome, id, doing: "cannot read record \(recordId)")
        }
        if record.status == .succeeded, purpose == .terminate,
            let termination = journal.termination(ownedBy: id), termination.recordId == recordId
        {
            // The termination's own record says it is done: the product is gone, whatever a listing shows.
            return Resolution([.productGone(productId: termination.productId)])
        }
        guard record.status == .failed else { return Resolution() }
        let reason = record.errors.isEmpty ? "record \(recordId) failed" : record.errors.joined(separator: "; ")
        switch purpose {
        case .provision:
            return Resolution([attemptEnded(id, reason: reason, journal: journal, now: now)])
        case .terminate:
            guard let termination = journal.termination(ownedBy: id) else { return Resolution() }
            let retryAt = ProvisioningPolicy.terminationRetryAt(now, failedBefore: termination.failures)
            return Resolution([.terminationFailed(productId: termination.productId, error: reason, retryAt: retryAt)])
        }
    }

    /// What looking a product up by id comes to (docs/behaviour.md §3.8): only the catalog saying it does
    /// not exist makes it gone; a product that exists is taken as listed for the rest of the pass (the
    /// listing lagged, or lost a page), and nothing changes. A failed look-up changes nothing either.
    static func resolveDescription(
        _ productId: String,
        purpose: PlannedAction.DescribePurpose,
        outcome: CallOutcome,
        _ journal: JournalState,
        _ now: Date
    ) -> Resolution {
        guard case .described(let described) = outcome else {
            return failure(outcome, purpose.request, doing: "cannot tell whether \(productId) still exists")
        }
        if let product = described {
            let whose = purpose.request.map { "\($0): the product" } ?? "the orphan"
            return Resolution(
                seen: [product],
                note: "\(whose) \(productId) is missing from the listing but exists (\(product.status.rawValue)): "
                    + "the listing lags behind, nothing changes"
            )
        }
        switch purpose {
        case .lease(let id):
            return Resolution([.lost(id: id)])
        case .provisioning(let id):
            // The attempt's product vanished: the attempt failed, and there is nothing left to clean up.
            let ended = attemptEnded(
                id,
                reason: "the product \(productId) no longer exists",
                journal: journal,
                now: now
            )
            return Resolution([ended, .productGone(productId: productId)])
        case .termination:
            return Resolution([.productGone(productId: productId)])
        }
    }

    /// A termination's outcome, for a request's product and an orphan alike (one termination model).
    static func resolveTermination(
        productId: String,
        request id: RequestID?,
        doing: String,
        outcome: CallOutcome,
        _ journal: JournalState,
        _ now: Date
    ) -> Resolution {
        switch outcome {
        case .accepted(let receipt):
            return Resolution(
                [.terminationAccepted(productId: productId, recordId: receipt.recordId)],
                changedCatalog: true
            )
        case .catalogFailed(let error):
            // Gone already: what the termination was for.
            if error.kind == .notFound { return Resolution([.productGone(productId: productId)], changedCatalog: true) }
            let problem = PassProblem.catalog(error, request: id, doing: doing)
            guard !error.isTransient else { return Resolution(problem: problem) }
            let failedBefore = journal.terminations[productId]?.failures ?? 0
            let retryAt = ProvisioningPolicy.terminationRetryAt(now, failedBefore: failedBefore)
            return Resolution(
                [.terminationFailed(productId: productId, error: error.description, retryAt: retryAt)],
                problem: problem
            )
        default:
            return failure(outcome, id, doing: doing)
        }
    }

    static func resolveComment(
        _ id: RequestID,
        plan: NotificationPlan,
        pullRequest: Int?,
        _ outcome: CallOutcome
    ) -> Resolution {
        func told(_ comment: CommentReference) -> JournalEvent {
            if plan.event == .invalid, let pullRequest {
                // What the comment shows is part of the fact: a change of the problems edits it (§6.1).
                return .invalidNotified(
                    id: id,
                    occurrence: plan.occurrence,
                    pullRequest: pullRequest,
                    problems: plan.problems ?? "",
                    comment: comment
                )
            }
            return .notified(
                id: id,
                event: plan.event,
                occurrence: plan.occurrence,
                comment: comment,
                position: plan.position
            )
        }
        switch outcome {
        case .commented(let comment):
            return Resolution([told(comment)])
        case .githubFailed(let error) where error.kind == .notFound || error.kind == .rejected:
            // The pull request is gone or refuses comments (locked): there is nobody to tell this way,
            // and trying every pass would not change that. Recorded as told, with no comment.
            let doing = "the \(plan.event.rawValue) comment cannot be posted on pull request #\(pullRequest ?? 0)"
            return Resolution([told(CommentReference(id: 0))], problem: .github(error, request: id, doing: doing))
        default:
            return failure(outcome, id, doing: "cannot post the \(plan.event.rawValue) comment")
        }
    }

    /// A call that failed, or answered something it cannot have (reported, nothing recorded).
    static func failure(_ outcome: CallOutcome, _ id: RequestID?, doing: String) -> Resolution {
        switch outcome {
        case .catalogFailed(let error): return Resolution(problem: .catalog(error, request: id, doing: doing))
        case .githubFailed(let error): return Resolution(problem: .github(error, request: id, doing: doing))
        default: return Resolution(problem: PassProblem(.journal, request: id, message: "\(doing): unexpected answer"))
        }
    }
}
