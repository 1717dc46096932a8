public import Foundation

/// One step of a plan: data, carried out by the executor (the only code that calls AWS or GitHub).
///
/// A step that concerns a request carries its id in its case, so no consumer has to guess it.
/// Steps are of two sorts (``isCall``): *transitions*, pure bookkeeping that becomes one journal
/// event with no outside call (``ExecutionRules/transition(of:now:)``), and *calls*, which ask the
/// catalog or GitHub and whose typed outcome the core turns into events
/// (``ExecutionRules/resolve(_:outcome:journal:pool:now:)``).
public struct PlannedAction: Hashable, Sendable {
    /// What to do.
    public enum Kind: Hashable, Sendable {
        /// Record a request file seen for the first time, or a new valid version of a known one.
        case observe(RequestSpec, isNew: Bool)
        /// Ask GitHub about the requester (docs/behaviour.md §5).
        case verify(RequestID, VerificationRequest)
        /// Put a verified request in the queue.
        case admit(RequestID)
        /// Refuse the request.
        case reject(RequestID, reason: String)
        /// Forget a queued or pending request whose file was removed.
        case drop(RequestID)
        /// Provisioning attempt `attempt`: exactly this call (the same token after a crash).
        case provision(RequestID, attempt: Int, request: ProvisionRequest)
        /// Ask Service Catalog how an operation is going.
        case inspectRecord(RequestID, recordId: String, purpose: RecordPurpose)
        /// The product is available: read its outputs and start the lease.
        case activate(RequestID, productId: String, leaseStart: Date, leaseEnd: Date)
        /// A raised `lease` extends the lease to `leaseEnd`.
        case extendLease(RequestID, leaseEnd: Date)
        /// The attempt failed (product in `ERROR`/`TAINTED`).
        case failAttempt(RequestID, reason: String)
        /// Terminate the request's product.
        case terminate(RequestID, purpose: TerminationPurpose, productId: String, token: String)
        /// Termination retries are exhausted.
        case quarantine(RequestID, reason: String)
        /// A product the journal knows is missing from the listing: ask the catalog for it by id before
        /// anything is concluded from its absence (docs/behaviour.md §3.8).
        case describeProduct(productId: String, purpose: DescribePurpose)
        /// Take over a live product that matches this request.
        case adopt(RequestID, product: LiveProduct, leaseStart: Date, leaseEnd: Date?)
        /// Post (or, for `queued`, edit) a comment.
        case notify(RequestID, NotificationPlan)
        /// Terminate a product of the pool that no request accounts for.
        case terminateOrphan(product: LiveProduct, token: String)
        /// The request file told invalid is valid again, or gone: its `invalid` comment is closed, and the
        /// next invalid version gets a new one (docs/behaviour.md §6.1).
        case clearInvalid(RequestID)
        /// Read sandboxd's own comments about the request on its pull request (docs/behaviour.md §3.15).
        case readPullRequest(RequestID, pullRequest: Int)
        /// The finished request's file is gone: a file of that name is not served again (§3.16).
        case retire(RequestID)
    }

    /// Whose product a ``Kind/describeProduct(productId:purpose:)`` looks for, which says what its
    /// absence comes to (``ExecutionRules``).
    public enum DescribePurpose: Hashable, Sendable {
        /// An active lease's product: gone, the request is `lost`.
        case lease(RequestID)
        /// A provisioning attempt's (or an adopted) product: gone, the attempt failed with nothing to clean up.
        case provisioning(RequestID)
        /// The product of a termination in progress, a request's or an orphan's: gone, it is settled.
        case termination(TerminationOwner)

        /// The request whose product it is (`nil` for an orphan).
        public var request: RequestID? {
            switch self {
            case .lease(let id), .provisioning(let id): return id
            case .termination(let owner): return owner.request
            }
        }
    }

    /// What a record inspection is about.
    public enum RecordPurpose: String, Hashable, Sendable {
        case provision
        case terminate
    }

    public var kind: Kind
    /// Why, in words for `plan` and the logs.
    public var reason: String

    public init(_ kind: Kind, reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// The request it concerns (`nil` for orphans).
    public var request: RequestID? {
        switch kind {
        case .observe(let spec, _): return spec.id
        case .verify(let id, _), .admit(let id), .reject(let id, _), .drop(let id), .provision(let id, _, _),
            .inspectRecord(let id, _, _), .activate(let id, _, _, _), .extendLease(let id, _),
            .failAttempt(let id, _), .terminate(let id, _, _, _), .quarantine(let id, _), .adopt(let id, _, _, _),
            .notify(let id, _), .clearInvalid(let id), .readPullRequest(let id, _), .retire(let id):
            return id
        case .describeProduct(_, let purpose):
            return purpose.request
        case .terminateOrphan:
            return nil
        }
    }

    /// The action's name in `plan` output and logs.
    public var name: String {
        switch kind {
        case .observe(_, let isNew): return isNew ? "observe" : "update"
        case .verify: return "verify"
        case .admit: return "queue"
        case .reject: return "reject"
        case .drop: return "drop"
        case .provision: return "provision"
        case .inspectRecord: return "inspect"
        case .activate: return "activate"
        case .extendLease: return "extend"
        case .failAttempt: return "fail-attempt"
        case .terminate: return "terminate"
        case .quarantine: return "quarantine"
        case .describeProduct: return "describe-product"
        case .adopt: return "adopt"
        case .notify(_, let plan): return "notify-\(plan.event.rawValue)"
        case .terminateOrphan: return "terminate-orphan"
        case .clearInvalid: return "clear-invalid"
        case .readPullRequest: return "read-pull-request"
        case .retire: return "retire"
        }
    }

    /// Whether it needs the outside world (a catalog or GitHub call); the others are transitions,
    /// recorded as one journal event each.
    public var isCall: Bool {
        switch kind {
        case .verify, .provision, .inspectRecord, .activate, .terminate, .describeProduct, .notify,
            .terminateOrphan, .readPullRequest:
            return true
        case .observe, .admit, .reject, .drop, .extendLease, .failAttempt, .quarantine, .adopt, .clearInvalid,
            .retire:
            return false
        }
    }

    /// Whether carrying it out only reads (counts as no pending change in `plan`).
    public var isReadOnly: Bool {
        switch kind {
        case .inspectRecord, .describeProduct, .readPullRequest: return true
        default: return false
        }
    }
}

/// A comment to post or edit.
public struct NotificationPlan: Hashable, Sendable {
    public var event: NotificationEvent
    /// 1 for the first comment of this event, 2 for the second…
    public var occurrence: Int
    /// The comment to edit in place (`queued`), or `nil` to post.
    public var edit: CommentReference?
    /// Queue position (for `queued`).
    public var position: Int?
    /// A posting was started but never confirmed: look for the marker before posting.
    public var lookFirst: Bool
    /// The pull request the comment goes on when it is not the record's (`invalid`: read from the file).
    public var pullRequest: Int?
    /// The fingerprint of the problems the comment shows (`invalid`, ``InvalidNotice/problemsFingerprint(_:)``).
    public var problems: String?

    public init(
        event: NotificationEvent,
        occurrence: Int,
        edit: CommentReference? = nil,
        position: Int? = nil,
        lookFirst: Bool = false,
        pullRequest: Int? = nil,
        problems: String? = nil
    ) {
        self.event = event
        self.occurrence = occurrence
        self.edit = edit
        self.position = position
        self.lookFirst = lookFirst
        self.pullRequest = pullRequest
        self.problems = problems
    }
}

/// What the planner decided for one round.
public struct Plan: Hashable, Sendable {
    public var actions: [PlannedAction]
    /// Set when the safety brake held releases back, with why.
    public var brake: String?
    /// Whether releases beyond the brake were allowed by `--allow-mass-release` (the allowance is used up).
    public var usedMassReleaseAllowance: Bool
    /// Things worth telling the operator that are not actions (a pool that cannot be read, a live request's bad edit).
    public var notes: [String]
    /// The next moment there is work if nothing else changes (``DueWork/next(in:)``).
    public var nextDue: DueWork?

    public init(
        actions: [PlannedAction] = [],
        brake: String? = nil,
        usedMassReleaseAllowance: Bool = false,
        notes: [String] = [],
        nextDue: DueWork? = nil
    ) {
        self.nextDue = nextDue
        self.actions = actions
        self.brake = brake
        self.usedMassReleaseAllowance = usedMassReleaseAllowance
        self.notes = notes
    }

    /// How many actions change something.
    public var changes: Int { actions.filter { !$0.isReadOnly }.count }
}

extension PlannedAction {
    /// Whether it writes a comment (the outbox's calls, docs/behaviour.md §6.8).
    public var isComment: Bool {
        if case .notify = kind { return true }
        return false
    }

    /// Whether it drops a queued or pending request (held back by the safety brake when `requests/` is empty).
    var isDrop: Bool {
        if case .drop = kind { return true }
        return false
    }
}
