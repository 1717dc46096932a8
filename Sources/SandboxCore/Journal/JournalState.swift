public import Foundation

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
    /// What compaction keeps of a finished request whose file is gone (docs/behaviour.md §3.16): enough to
    /// refuse a file of that name for at least ``ProvisioningPolicy/tombstoneLifetime``.
    public var tombstones: [RequestID: Tombstone] = [:]

    /// An empty journal of `lineage`.
    public init(lineage: String) {
        self.lineage = lineage
        self.requests = [:]
        self.terminations = [:]
        self.nextOrder = 1
    }

    private enum CodingKeys: String, CodingKey {
        case lineage, requests, terminations, nextOrder, desiredRevision, invalidNotices, tombstones
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
        tombstones = try container.decodeIfPresent([RequestID: Tombstone].self, forKey: .tombstones) ?? [:]
    }

    /// The state compaction writes at `now`: the finished requests whose files are gone become tombstones,
    /// tombstones past ``ProvisioningPolicy/tombstoneLifetime`` whose files are gone are dropped, and the
    /// closed `invalid` comments of files that are gone are forgotten (docs/behaviour.md §3.16, §6.1).
    public func compacted(fileExists: (RequestID) -> Bool, now: Date) -> JournalState {
        var compacted = self
        for record in requests.values where record.state.isFinal && !fileExists(record.id) {
            compacted.requests[record.id] = nil
            compacted.tombstones[record.id] = Tombstone(
                fingerprint: record.fingerprint,
                state: record.state,
                retired: record.retired ?? now
            )
        }
        compacted.tombstones = compacted.tombstones.filter { id, tombstone in
            fileExists(id) || now.timeIntervalSince(tombstone.retired) < ProvisioningPolicy.tombstoneLifetime
        }
        compacted.invalidNotices = invalidNotices.filter { $0.value.open || fileExists($0.key) }
        return compacted
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
        case .attemptEnded:
            guard let id = event.requestID, var record = requests[id] else { return }
            let before = record
            record.apply(event)
            requests[id] = record
            if record != before, let productId = record.productId {
                // The failed attempt's product must go before anything else happens to the request.
                terminations = terminations.filter { $0.value.owner.request != id }
                terminations[productId] = Termination(
                    productId: productId,
                    owner: .request(id, purpose: .failedAttempt)
                )
            }
        default:
            // In place: the record's box, owned by the dictionary alone, is changed without a copy.
            guard let id = event.requestID else { return }
            requests[id]?.apply(event)
        }
    }

    /// The events of one termination: the product's entry, and its request when it has one.
    private mutating func applyTermination(_ event: JournalEvent) {
        switch event {
        case .terminationStarted(let productId, let owner, _, _):
            if let id = owner.request {
                // A request has one product at a time: an older termination of it is superseded.
                let older = terminations.keys.filter { $0 != productId && terminations[$0]?.owner.request == id }
                for key in older { terminations[key] = nil }
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

/// A finished request as compaction keeps it once its file is gone (docs/behaviour.md §3.16): a few bytes.
public struct Tombstone: Hashable, Sendable, Codable {
    /// ``RequestSpec/fingerprint`` of its file's last valid version.
    public var fingerprint: String
    /// How it finished: `ended`, `failed` or `lost`.
    public var state: RequestState
    /// When its file was seen removed.
    public var retired: Date

    public init(fingerprint: String, state: RequestState, retired: Date) {
        self.fingerprint = fingerprint
        self.state = state
        self.retired = retired
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
        case .pullRequestRead(_, let found, let at):
            applyPullRequestRecord(found, at: at)
        case .retired(_, let at):
            if state.isFinal { retired = at }
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

    /// What the pull request shows sandboxd told (docs/behaviour.md §3.15): each comment found counts as
    /// posted (the latest of an event is the one edited), and one telling the end (`ended`, `failed`,
    /// `lost`) makes the request final. Its product, if the journal knew one, is then an orphan.
    private mutating func applyPullRequestRecord(_ found: [OwnComment], at: Date) {
        pullRequestRead = at
        for own in found where own.event != .invalid {
            var log = notifications[own.event, default: NotificationLog()]
            if own.occurrence >= log.posted {
                log.posted = own.occurrence
                log.comment = own.comment
            }
            if let unconfirmed = log.unconfirmed, unconfirmed <= log.posted { log.unconfirmed = nil }
            notifications[own.event] = log
        }
        guard !state.isFinal, let told = found.last(where: { Self.finalEvents.contains($0.event) }) else { return }
        let name = productName
        let why = "its pull request already holds sandboxd's \(told.event.rawValue) comment"
        switch told.event {
        case .ended: phase = .ended(Ended(reason: .recovered, productName: name))
        case .failed: phase = .failed(Failed(reason: why, productName: name))
        default: phase = .lost(Lost(reason: why, productName: name, lease: nil))
        }
    }

    /// The comments that tell a request is over.
    static let finalEvents: Set<NotificationEvent> = [.ended, .failed, .lost]

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
