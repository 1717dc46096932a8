public import Foundation

/// Where a request is (docs/behaviour.md §3), with exactly the facts that phase has: a phase cannot
/// be without them, and no phase carries another's.
///
/// Indirect: each phase's facts are in a box of their own size, so a record is not as large as the largest
/// phase (an ending's lease and call, about 400 bytes) whatever its phase — most records are final, and small.
public indirect enum RequestPhase: Hashable, Sendable, Codable {
    /// Seen, waiting for its verification or for admission.
    case pending(Pending)
    /// Refused, with the reason told to the requester.
    case rejected(reason: String)
    /// In the queue for a slot.
    case queued(Queued)
    /// A provisioning attempt (or an adopted product) until its product is available.
    case provisioning(Provisioning)
    /// The lease runs.
    case active(Lease)
    /// Its product is being terminated.
    case terminating(Ending)
    /// Its product's termination ran out of retries: the slot stays taken until the product is gone.
    case quarantined(Ending, reason: String)
    /// Its product is gone (or it never had one).
    case ended(Ended)
    /// Every provisioning attempt failed and no product of it remains.
    case failed(Failed)
    /// Its product disappeared outside sandboxd.
    case lost(Lost)

    /// The state `status` and the comments name.
    public var state: RequestState {
        switch self {
        case .pending: return .pending
        case .rejected: return .rejected
        case .queued: return .queued
        case .provisioning: return .provisioning
        case .active: return .active
        case .terminating: return .terminating
        case .quarantined: return .quarantined
        case .ended: return .ended
        case .failed: return .failed
        case .lost: return .lost
        }
    }
}

/// A request waiting for its verification.
public struct Pending: Hashable, Sendable, Codable {
    /// Why the verifier could not tell yet.
    public var reason: String?
    /// The verifier is asked again no earlier than this.
    public var retryAt: Date?

    /// - Parameters: `reason` and `retryAt` of a deferred verification.
    public init(reason: String? = nil, retryAt: Date? = nil) {
        self.reason = reason
        self.retryAt = retryAt
    }
}

/// A request in the queue.
public struct Queued: Hashable, Sendable, Codable {
    /// Why it is back in the queue (a refused provisioning call), or why its re-check is deferred.
    public var reason: String?
    /// A deferred re-check of the allowed organizations is asked again no earlier than this.
    public var retryAt: Date?
    /// A refused attempt after the first: it is made again (not attempt 1 with its used token).
    public var resumeAttempt: Int?
    /// The product name the refused call asked for.
    public var productName: String?

    /// - Parameters: see the properties.
    public init(reason: String? = nil, retryAt: Date? = nil, resumeAttempt: Int? = nil, productName: String? = nil) {
        self.reason = reason
        self.retryAt = retryAt
        self.resumeAttempt = resumeAttempt
        self.productName = productName
    }
}

/// One provisioning call: repeating it after a crash is the same call.
public struct ProvisioningCall: Hashable, Sendable, Codable {
    /// 1, 2 or 3.
    public var attempt: Int
    /// The call made (or about to be made).
    public var request: ProvisionRequest
    /// Set once Service Catalog accepted the call.
    public var recordId: String?
    /// When the call was first made (`nil` in journals written before it was recorded).
    public var startedAt: Date?

    /// Attempt `attempt` with this exact call, not accepted yet.
    public init(attempt: Int, request: ProvisionRequest, recordId: String? = nil, startedAt: Date? = nil) {
        self.attempt = attempt
        self.request = request
        self.recordId = recordId
        self.startedAt = startedAt
    }
}

/// A failed provisioning attempt.
public struct AttemptFailure: Hashable, Sendable, Codable {
    /// Why it failed.
    public var reason: String
    /// The next attempt starts no earlier than this; `nil`: none follows.
    public var retryAt: Date?

    /// - Parameters: see the properties.
    public init(reason: String, retryAt: Date?) {
        self.reason = reason
        self.retryAt = retryAt
    }
}

/// A request being provisioned.
public struct Provisioning: Hashable, Sendable, Codable {
    /// The attempt's call; `nil` for an adopted product, which has no attempt of its own.
    public var call: ProvisioningCall?
    /// The product, once Service Catalog named it.
    public var productId: String?
    /// The product name used (`<namePrefix><id>` at the time it was provisioned).
    public var productName: String
    /// The attempt failed: its product (if any) is cleaned up, then the next attempt waits.
    public var failure: AttemptFailure?

    /// - Parameters: see the properties.
    public init(call: ProvisioningCall?, productId: String? = nil, productName: String, failure: AttemptFailure? = nil)
    {
        self.call = call
        self.productId = productId
        self.productName = productName
        self.failure = failure
    }

    /// Whether the attempt failed with no attempt to follow (an adopted product's is its only one).
    public var isLastAttemptOver: Bool {
        guard let failure else { return false }
        return failure.retryAt == nil || call == nil
    }
}

/// A running lease.
public struct Lease: Hashable, Sendable, Codable {
    /// The product.
    public var productId: String
    /// Its name.
    public var productName: String
    /// The attempt that made it (`nil`: adopted).
    public var call: ProvisioningCall?
    /// Outputs read when the product became available.
    public var outputs: [ProductOutput]
    /// When the lease started.
    public var start: Date
    /// When it ends.
    public var end: Date
    /// The lease end the last `expiring` comment warned about.
    public var warnedEnd: Date?

    /// - Parameters: see the properties.
    public init(
        productId: String,
        productName: String,
        call: ProvisioningCall?,
        outputs: [ProductOutput],
        start: Date,
        end: Date,
        warnedEnd: Date? = nil
    ) {
        self.productId = productId
        self.productName = productName
        self.call = call
        self.outputs = outputs
        self.start = start
        self.end = end
        self.warnedEnd = warnedEnd
    }
}

/// A request whose product is being terminated (its ``Termination`` is in ``JournalState/terminations``).
public struct Ending: Hashable, Sendable, Codable {
    /// The product being terminated.
    public var productId: String
    /// Its name.
    public var productName: String?
    /// Why the request ends (`nil`: the last attempt failed).
    public var endReason: EndReason?
    /// The attempt that made the product (part of the termination's token).
    public var call: ProvisioningCall?
    /// The failed attempt whose product this is, if it is one.
    public var failure: AttemptFailure?
    /// The lease that ran, if one did.
    public var lease: Lease?

    /// - Parameters: see the properties.
    public init(
        productId: String,
        productName: String?,
        endReason: EndReason?,
        call: ProvisioningCall?,
        failure: AttemptFailure? = nil,
        lease: Lease? = nil
    ) {
        self.productId = productId
        self.productName = productName
        self.endReason = endReason
        self.call = call
        self.failure = failure
        self.lease = lease
    }
}

/// The lease a request had, once its product is no longer its own.
public struct PastLease: Hashable, Sendable, Codable {
    /// When the lease started.
    public var start: Date
    /// When it ended (or was to end).
    public var end: Date
    /// Outputs read when the product became available.
    public var outputs: [ProductOutput]

    /// The lease `lease` was.
    public init(_ lease: Lease) {
        self.start = lease.start
        self.end = lease.end
        self.outputs = lease.outputs
    }

    /// - Parameters: see the properties.
    public init(start: Date, end: Date, outputs: [ProductOutput]) {
        self.start = start
        self.end = end
        self.outputs = outputs
    }
}

/// A request that ended.
public struct Ended: Hashable, Sendable, Codable {
    /// Why.
    public var reason: EndReason
    /// The product it had, if any.
    public var productName: String?
    /// The lease that ran, if one did.
    public var lease: PastLease?

    /// - Parameters: see the properties.
    public init(reason: EndReason, productName: String? = nil, lease: PastLease? = nil) {
        self.reason = reason
        self.productName = productName
        self.lease = lease
    }
}

/// A request whose attempts all failed.
public struct Failed: Hashable, Sendable, Codable {
    /// The last attempt's failure.
    public var reason: String
    /// The product name its attempts used.
    public var productName: String?

    /// - Parameters: see the properties.
    public init(reason: String, productName: String?) {
        self.reason = reason
        self.productName = productName
    }
}

/// A request whose product disappeared outside sandboxd.
public struct Lost: Hashable, Sendable, Codable {
    /// What `status` says.
    public var reason: String
    /// The product's name.
    public var productName: String?
    /// The lease it had.
    public var lease: PastLease?

    /// - Parameters: see the properties.
    public init(reason: String, productName: String?, lease: PastLease?) {
        self.reason = reason
        self.productName = productName
        self.lease = lease
    }
}
