import Foundation

/// Everything the journal knows: the fold of its events. Pure and deterministic.
public struct JournalState: Hashable, Sendable, Codable {
    /// The journal's identity, made when it was created; part of every idempotency token.
    public var lineage: String
    /// Every request sandboxd has seen (and not forgotten by compaction), by id.
    public var requests: [RequestID: RequestRecord]
    /// Every termination in progress, a request's product or an orphan, by product id.
    public var terminations: [String: Termination]
    /// The next queue-order number.
    public var nextOrder: UInt64

    /// An empty journal of `lineage`.
    public init(lineage: String) {
        self.lineage = lineage
        self.requests = [:]
        self.terminations = [:]
        self.nextOrder = 1
    }

    /// The records in queue order (first seen first; ties by id).
    public var recordsInOrder: [RequestRecord] {
        requests.values.sorted { ($0.order, $0.id) < ($1.order, $1.id) }
    }

    /// The termination of request `id`'s product, if one is in progress.
    public func termination(ownedBy id: RequestID) -> Termination? {
        terminations.values.first { $0.owner.request == id }
    }

    /// Applies one event. Unknown request ids and product ids are ignored, so applying is total.
    public mutating func apply(_ event: JournalEvent) {
        switch event {
        case .requestSeen(let spec, let at):
            guard requests[spec.id] == nil else { return }
            requests[spec.id] = RequestRecord(spec: spec, firstSeen: at, order: nextOrder)
            nextOrder += 1
        case .terminationStarted, .terminationAccepted, .terminationFailed, .productGone:
            applyTermination(event)
        case .forgotten(let ids):
            for id in ids { requests[id] = nil }
        default:
            guard let id = event.requestID, var record = requests[id] else { return }
            record.apply(event)
            requests[id] = record
            if case .attemptEnded = event, let productId = record.productId {
                // The failed attempt's product must go before anything else happens to the request.
                terminations = terminations.filter { $0.value.owner.request != id }
                terminations[productId] = Termination(
                    productId: productId,
                    owner: .request(id, purpose: .failedAttempt)
                )
            }
        }
    }

    /// The events of one termination: the product's entry, and its request when it has one.
    private mutating func applyTermination(_ event: JournalEvent) {
        switch event {
        case .terminationStarted(let productId, let owner, _):
            if let id = owner.request {
                // A request has one product at a time: an older termination of it is superseded.
                terminations = terminations.filter { $0.key == productId || $0.value.owner.request != id }
            }
            var termination = terminations[productId] ?? Termination(productId: productId, owner: owner)
            termination.apply(event)
            terminations[productId] = termination
            if case .request(let id, let purpose) = owner { requests[id]?.terminationStarted(purpose) }
        case .productGone(let productId):
            guard let termination = terminations.removeValue(forKey: productId) else { return }
            if case .request(let id, let purpose) = termination.owner { requests[id]?.productGone(purpose) }
        default:
            guard let productId = event.productID else { return }
            terminations[productId]?.apply(event)
        }
    }
}

extension RequestRecord {
    /// Applies an event about this request.
    mutating func apply(_ event: JournalEvent) {
        applyRequestEvent(event)
        applyProvisioningEvent(event)
        applyNotificationEvent(event)
        if case .quarantined(_, let why) = event {
            state = .quarantined
            reason = why
        }
    }

    /// Files seen, verification, the queue.
    private mutating func applyRequestEvent(_ event: JournalEvent) {
        switch event {
        case .requestSeen:
            break
        case .requestChanged(let spec, _):
            fingerprint = spec.fingerprint
            if state == .pending || state == .rejected {
                self.spec = spec
                state = .pending
                verification = nil
                verifyRetryAt = nil
                reason = nil
            } else {
                // Past verification only a new lease counts; other edits change nothing (docs/behaviour.md §3).
                self.spec.lease = spec.lease
            }
        case .verificationDeferred(_, let why, let retryAt):
            reason = why
            verifyRetryAt = retryAt
        case .verified(_, let verification):
            self.verification = verification
            verifyRetryAt = nil
            reason = nil
        case .admitted:
            state = .queued
            reason = nil
        case .rejected(_, let why):
            state = .rejected
            reason = why
            rejections += 1
        case .dropped:
            state = .ended
            endReason = .released
        default:
            break
        }
    }

    /// Provisioning attempts, the lease, adoption and loss.
    private mutating func applyProvisioningEvent(_ event: JournalEvent) {
        switch event {
        case .provisionStarted(_, let attempt, let request):
            state = .provisioning
            productName = request.name
            if provisioning?.attempt != attempt || provisioning?.request != request {
                provisioning = ProvisioningProgress(attempt: attempt, request: request)
            }
        case .provisionAccepted(_, let receipt):
            provisioning?.recordId = receipt.recordId
            if let productId = receipt.provisionedProductId { self.productId = productId }
        case .provisionRefused(_, let error):
            state = .queued
            reason = error
            if let attempt = provisioning?.attempt, attempt > 1 {
                provisioning?.recordId = nil
            } else {
                provisioning = nil
            }
        case .activated(_, let productId, let outputs, let leaseStart, let leaseEnd):
            state = .active
            self.productId = productId
            self.outputs = outputs
            self.leaseStart = leaseStart
            self.leaseEnd = leaseEnd
            provisioning?.failedReason = nil
            reason = nil
        case .leaseExtended(_, let leaseEnd):
            self.leaseEnd = leaseEnd
        case .attemptEnded(_, let why, let retryAt):
            provisioning?.failedReason = why
            provisioning?.retryAt = retryAt
            reason = why
            if productId != nil {
                // Its product is terminated first (``JournalState`` keeps that termination).
                if isLastAttemptOver { state = .terminating }
            } else {
                // Nothing was made: the attempt is over already.
                finishFailedAttempt()
            }
        case .lost:
            state = .lost
            reason = "the product disappeared outside sandboxd"
            productId = nil
        case .adopted(_, let product, let leaseStart, let leaseEnd):
            productId = product.id
            productName = product.name
            if let leaseEnd {
                state = .active
                self.leaseStart = leaseStart
                self.leaseEnd = leaseEnd
            } else {
                state = .provisioning
            }
            if verification == nil { verification = .skipped(at: leaseStart) }
        default:
            break
        }
    }

    /// The termination of the request's product started (or started again) for `purpose`.
    mutating func terminationStarted(_ purpose: TerminationPurpose) {
        if purpose != .failedAttempt || isLastAttemptOver {
            if state != .quarantined { state = .terminating }
        }
        if purpose == .expired { endReason = .expired }
        if purpose == .released { endReason = .released }
    }

    /// The request's product, terminated for `purpose`, is confirmed gone.
    mutating func productGone(_ purpose: TerminationPurpose) {
        productId = nil
        if purpose == .failedAttempt {
            finishFailedAttempt()
        } else {
            state = .ended
            if endReason == nil { endReason = .released }
        }
    }

    /// Comments posted.
    private mutating func applyNotificationEvent(_ event: JournalEvent) {
        switch event {
        case .notifyStarted(_, let event, let occurrence):
            notifications[event, default: NotificationLog()].unconfirmed = occurrence
        case .notified(_, let event, let occurrence, let comment, let position):
            var log = notifications[event, default: NotificationLog()]
            log.posted = max(log.posted, occurrence)
            log.comment = comment
            log.position = position
            log.unconfirmed = nil
            notifications[event] = log
            if event == .expiring {
                warnedLeaseEnd = leaseEnd
                expiryWarnings = max(expiryWarnings, occurrence)
            }
        default:
            break
        }
    }

    /// Whether the current attempt failed with no attempt to follow (its `attemptEnded` said so).
    var isLastAttemptOver: Bool {
        guard let provisioning else { return true }
        return provisioning.failedReason != nil && provisioning.retryAt == nil
    }

    /// A failed attempt with no product left: try again, or give up after the last attempt.
    private mutating func finishFailedAttempt() {
        state = isLastAttemptOver ? .failed : .provisioning
    }
}
