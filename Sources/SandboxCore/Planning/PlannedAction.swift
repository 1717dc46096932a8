public import Foundation

/// One step of a plan: data, carried out by the executor (the only code that calls AWS or GitHub).
public struct PlannedAction: Hashable, Sendable {
    /// What to do.
    public enum Kind: Hashable, Sendable {
        /// Record a request file seen for the first time, or a new valid version of a known one.
        case observe(RequestSpec, isNew: Bool)
        /// Ask the verifier about the requester (SPEC §5).
        case verify(VerificationRequest)
        /// Put a verified request in the queue.
        case admit
        /// Refuse the request.
        case reject(reason: String)
        /// Forget a queued or pending request whose file was removed.
        case drop
        /// Provisioning attempt `attempt`: exactly this call (the same token after a crash).
        case provision(attempt: Int, request: ProvisionRequest)
        /// Ask Service Catalog how an operation is going.
        case inspectRecord(recordId: String, purpose: RecordPurpose)
        /// The product is available: read its outputs and start the lease.
        case activate(productId: String, leaseStart: Date, leaseEnd: Date)
        /// A raised `lease` extends the lease to `leaseEnd`.
        case extendLease(leaseEnd: Date)
        /// The attempt failed (product in `ERROR`/`TAINTED`).
        case failAttempt(reason: String)
        /// Terminate the request's product.
        case terminate(purpose: TerminationPurpose, productId: String, token: String)
        /// The product is confirmed gone.
        case settle
        /// Termination retries are exhausted.
        case quarantine(reason: String)
        /// The product vanished outside sandboxd.
        case markLost
        /// Take over a live product that matches this request.
        case adopt(product: LiveProduct, leaseStart: Date, leaseEnd: Date?)
        /// Post (or, for `queued`, edit) a comment.
        case notify(NotificationPlan)
        /// Terminate a product of the pool that no request accounts for.
        case terminateOrphan(product: LiveProduct, token: String)
        /// An orphan is gone.
        case settleOrphan(productId: String)
    }

    /// What a record inspection is about.
    public enum RecordPurpose: String, Hashable, Sendable {
        case provision
        case terminate
    }

    public var kind: Kind
    /// The request it concerns (`nil` for orphans).
    public var request: RequestID?
    /// Why, in words for `plan` and the logs.
    public var reason: String

    public init(_ kind: Kind, request: RequestID?, reason: String) {
        self.kind = kind
        self.request = request
        self.reason = reason
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
        case .settle: return "settle"
        case .quarantine: return "quarantine"
        case .markLost: return "mark-lost"
        case .adopt: return "adopt"
        case .notify(let plan): return "notify-\(plan.event.rawValue)"
        case .terminateOrphan: return "terminate-orphan"
        case .settleOrphan: return "settle-orphan"
        }
    }

    /// Whether carrying it out only reads (counts as no pending change in `plan`).
    public var isReadOnly: Bool {
        if case .inspectRecord = kind { return true }
        return false
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

    public init(
        event: NotificationEvent,
        occurrence: Int,
        edit: CommentReference? = nil,
        position: Int? = nil,
        lookFirst: Bool = false
    ) {
        self.event = event
        self.occurrence = occurrence
        self.edit = edit
        self.position = position
        self.lookFirst = lookFirst
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

    public init(
        actions: [PlannedAction] = [],
        brake: String? = nil,
        usedMassReleaseAllowance: Bool = false,
        notes: [String] = []
    ) {
        self.actions = actions
        self.brake = brake
        self.usedMassReleaseAllowance = usedMassReleaseAllowance
        self.notes = notes
    }

    /// How many actions change something.
    public var changes: Int { actions.filter { !$0.isReadOnly }.count }
}
