public import Foundation

/// Read-only views of a record's phase, for `status`, the comments and the metrics: each is the fact
/// the current phase carries, or `nil` when the phase has none.
extension RequestRecord {
    /// The state `status` and the comments name.
    public var state: RequestState { phase.state }

    /// Why the request ended (or is ending).
    public var endReason: EndReason? {
        switch phase {
        case .terminating(let ending), .quarantined(let ending, _): return ending.endReason
        case .ended(let ended): return ended.reason
        default: return nil
        }
    }

    /// Why it was rejected, failed, lost or quarantined, or why it is still pending or queued.
    public var reason: String? {
        switch phase {
        case .pending(let pending): return pending.reason
        case .rejected(let reason), .quarantined(_, let reason): return reason
        case .queued(let queued): return queued.reason
        case .provisioning(let provisioning): return provisioning.failure?.reason
        case .terminating(let ending): return ending.failure?.reason
        case .failed(let failed): return failed.reason
        case .lost(let lost): return lost.reason
        case .active, .ended: return nil
        }
    }

    /// The product, once Service Catalog named it, while the request has it.
    public var productId: String? {
        switch phase {
        case .provisioning(let provisioning): return provisioning.productId
        case .active(let lease): return lease.productId
        case .terminating(let ending), .quarantined(let ending, _): return ending.productId
        default: return nil
        }
    }

    /// The product name used (`<namePrefix><id>` at the time it was provisioned).
    public var productName: String? {
        switch phase {
        case .queued(let queued): return queued.productName
        case .provisioning(let provisioning): return provisioning.productName
        case .active(let lease): return lease.productName
        case .terminating(let ending), .quarantined(let ending, _): return ending.productName
        case .ended(let ended): return ended.productName
        case .failed(let failed): return failed.productName
        case .lost(let lost): return lost.productName
        case .pending, .rejected: return nil
        }
    }

    /// The lease that runs or ran, if one did.
    public var lease: PastLease? {
        switch phase {
        case .active(let lease): return PastLease(lease)
        case .terminating(let ending), .quarantined(let ending, _): return ending.lease.map(PastLease.init)
        case .ended(let ended): return ended.lease
        case .lost(let lost): return lost.lease
        default: return nil
        }
    }

    /// When the lease started.
    public var leaseStart: Date? { lease?.start }
    /// When the lease ends (or ended).
    public var leaseEnd: Date? { lease?.end }
    /// Outputs read when the product became available.
    public var outputs: [ProductOutput] { lease?.outputs ?? [] }
    /// The lease end the last `expiring` comment warned about.
    public var warnedLeaseEnd: Date? {
        if case .active(let lease) = phase { return lease.warnedEnd }
        return nil
    }

    /// A pending verification is asked again no earlier than this.
    public var verifyRetryAt: Date? {
        switch phase {
        case .pending(let pending): return pending.retryAt
        case .queued(let queued): return queued.retryAt
        default: return nil
        }
    }

    /// The provisioning call of the current (or last) attempt, if there was one.
    public var call: ProvisioningCall? {
        switch phase {
        case .provisioning(let provisioning): return provisioning.call
        case .active(let lease): return lease.call
        case .terminating(let ending), .quarantined(let ending, _): return ending.call
        default: return nil
        }
    }

    /// The current (or last) provisioning attempt's number, if there was one.
    public var attempt: Int? {
        if case .queued(let queued) = phase { return queued.resumeAttempt }
        return call?.attempt
    }
}
