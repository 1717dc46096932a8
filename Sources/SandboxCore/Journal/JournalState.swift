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
    /// The commit of the desired state the latest decisions were made from (docs/behaviour.md §4.9).
    public var desiredRevision: DesiredStateRevision?
    /// The `invalid` comments, by request id: kept apart from ``requests`` because a file invalid from
    /// the start has no record (docs/behaviour.md §2.5).
    public var invalidNotices: [RequestID: InvalidNotice] = [:]

    /// An empty journal of `lineage`.
    public init(lineage: String) {
        self.lineage = lineage
        self.requests = [:]
        self.terminations = [:]
        self.nextOrder = 1
    }

    private enum CodingKeys: String, CodingKey {
        case lineage, requests, terminations, nextOrder, desiredRevision, invalidNotices
    }

    /// Reads a snapshot; one written before `invalid` comments existed has no `invalidNotices`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        lineage = try container.decode(String.self, forKey: .lineage)
        requests = try container.decode([RequestID: RequestRecord].self, forKey: .requests)
        terminations = try container.decode([String: Termination].self, forKey: .terminations)
        nextOrder = try container.decode(UInt64.self, forKey: .nextOrder)
        desiredRevision = try container.decodeIfPresent(DesiredStateRevision.self, forKey: .desiredRevision)
        invalidNotices =
            try container.decodeIfPresent([RequestID: InvalidNotice].self, forKey: .invalidNotices) ?? [:]
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
        case .notifyStarted(let id, .invalid, let occurrence):
            invalidNotices[id, default: InvalidNotice()].unconfirmed = occurrence
        case .invalidNotified(let id, let occurrence, let pullRequest, let problems, let comment):
            var notice = invalidNotices[id, default: InvalidNotice()]
            notice.posted = max(notice.posted, occurrence)
            notice.open = true
            notice.pullRequest = pullRequest
            notice.problems = problems
            notice.comment = comment
            notice.unconfirmed = nil
            invalidNotices[id] = notice
        case .invalidCleared(let id):
            invalidNotices[id]?.open = false
        case .forgotten(let ids):
            for id in ids { requests[id] = nil }
        case .desiredRevision(let revision, _):
            desiredRevision = revision
        default:
            guard let id = event.requestID, var record = requests[id] else { return }
            let before = record
            record.apply(event)
            requests[id] = record
            if case .attemptEnded = event, record != before, let productId = record.productId {
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
        case .terminationStarted(let productId, let owner, _, _):
            if let id = owner.request {
                // A request has one product at a time: an older termination of it is superseded.
                terminations = terminations.filter { $0.key == productId || $0.value.owner.request != id }
            }
            var termination = terminations[productId] ?? Termination(productId: productId, owner: owner)
            termination.apply(event)
            terminations[productId] = termination
            if case .request(let id, let purpose) = owner {
                requests[id]?.terminationStarted(purpose, productId: productId)
            }
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
    /// Applies an event about this request: the phase's own facts move, an event that makes no sense
    /// in the phase changes nothing.
    mutating func apply(_ event: JournalEvent) {
        switch event {
        case .requestChanged(let spec, _):
            fingerprint = spec.fingerprint
            switch phase {
            case .pending, .rejected:
                self.spec = spec
                phase = .pending(Pending())
                verification = nil
            default:
                // Past verification only a new lease counts; other edits change nothing (docs/behaviour.md §3).
                self.spec.lease = spec.lease
            }
        case .verificationDeferred, .verified, .admitted, .rejected, .dropped:
            applyVerificationEvent(event)
        case .notifyStarted, .notified:
            applyNotificationEvent(event)
        default:
            phase = phase.applying(event, verification: &verification)
        }
    }

    /// Verification, admission, refusal and a removed file before a sandbox.
    private mutating func applyVerificationEvent(_ event: JournalEvent) {
        switch (event, phase) {
        case (.verificationDeferred(_, let why, let retryAt), .pending):
            phase = .pending(Pending(reason: why, retryAt: retryAt))
        case (.verificationDeferred(_, let why, let retryAt), .queued(var queued)):
            queued.reason = why
            queued.retryAt = retryAt
            phase = .queued(queued)
        case (.verified(_, let verification), .pending):
            self.verification = verification
            phase = .pending(Pending())
        case (.verified(_, let verification), .queued(var queued)):
            self.verification = verification
            queued.reason = nil
            queued.retryAt = nil
            phase = .queued(queued)
        case (.admitted, .pending):
            phase = .queued(Queued())
        case (.rejected(_, let why), .pending), (.rejected(_, let why), .queued):
            phase = .rejected(reason: why)
            rejections += 1
        case (.dropped, .pending), (.dropped, .queued):
            phase = .ended(Ended(reason: .released, productName: productName))
        case (.dropped, .provisioning(let provisioning)) where provisioning.productId == nil:
            phase = .ended(Ended(reason: .released, productName: provisioning.productName))
        default:
            break
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
                if case .active(var lease) = phase {
                    lease.warnedEnd = lease.end
                    phase = .active(lease)
                }
                expiryWarnings = max(expiryWarnings, occurrence)
            }
        default:
            break
        }
    }

    /// The termination of the request's product `productId` started (or started again) for `purpose`.
    mutating func terminationStarted(_ purpose: TerminationPurpose, productId: String) {
        let endReason: EndReason? = purpose == .expired ? .expired : purpose == .released ? .released : nil
        switch phase {
        case .active(let lease):
            guard purpose != .failedAttempt else { return }
            let ending = Ending(
                productId: productId,
                productName: lease.productName,
                endReason: endReason,
                call: lease.call,
                lease: lease
            )
            phase = .terminating(ending)
        case .provisioning(let provisioning):
            guard purpose != .failedAttempt || provisioning.isLastAttemptOver else { return }
            let ending = Ending(
                productId: productId,
                productName: provisioning.productName,
                endReason: endReason,
                call: provisioning.call,
                failure: provisioning.failure
            )
            phase = .terminating(ending)
        case .terminating(var ending):
            ending.endReason = endReason ?? ending.endReason
            phase = .terminating(ending)
        case .quarantined(var ending, let reason):
            ending.endReason = endReason ?? ending.endReason
            phase = .quarantined(ending, reason: reason)
        default:
            break
        }
    }

    /// The request's product, terminated for `purpose`, is confirmed gone.
    mutating func productGone(_ purpose: TerminationPurpose) {
        switch phase {
        case .provisioning(var provisioning):
            provisioning.productId = nil
            phase =
                provisioning.isLastAttemptOver
                ? .failed(Failed(reason: provisioning.failure?.reason ?? "", productName: provisioning.productName))
                : .provisioning(provisioning)
        case .terminating(let ending), .quarantined(let ending, _):
            if purpose == .failedAttempt, let failure = ending.failure {
                if failure.retryAt == nil || ending.call == nil {
                    phase = .failed(Failed(reason: failure.reason, productName: ending.productName))
                } else {
                    phase = .provisioning(
                        Provisioning(call: ending.call, productName: ending.productName ?? "", failure: failure)
                    )
                }
            } else {
                let ended = Ended(
                    reason: ending.endReason ?? .released,
                    productName: ending.productName,
                    lease: ending.lease.map(PastLease.init)
                )
                phase = .ended(ended)
            }
        default:
            break
        }
    }
}
