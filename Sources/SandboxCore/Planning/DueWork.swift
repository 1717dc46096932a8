public import Foundation

/// The next moment the plan has work without anything else changing (docs/behaviour.md §4): the
/// daemon sleeps until then (or its interval, a change of the desired state, a signal).
public struct DueWork: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// What falls due.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// A lease ends: its product is terminated.
        case leaseEnd = "lease-end"
        /// An expiry warning is owed.
        case expiryWarning = "expiry-warning"
        /// A pending verification is asked again (GitHub could not tell, or the merge grace re-check).
        case verification
        /// A queued request's refused call or deferred re-check is tried again.
        case queueRetry = "queue-retry"
        /// The next provisioning attempt after a failed one.
        case provisioningRetry = "provisioning-retry"
        /// A failed termination is tried again.
        case terminationRetry = "termination-retry"
        /// A product or record in flight is looked at again (``ProvisioningPolicy/pollInterval(inFlightFor:)``).
        case poll
        /// A call that got no answer is made again (``CallRetries``).
        case callRetry = "call-retry"
    }

    /// When.
    public var at: Date
    /// What.
    public var kind: Kind
    /// The request it concerns, if one.
    public var request: RequestID?

    public init(at: Date, kind: Kind, request: RequestID? = nil) {
        self.at = at
        self.kind = kind
        self.request = request
    }

    /// Earlier first; at the same instant, in the order of ``Kind``.
    public static func < (lhs: DueWork, rhs: DueWork) -> Bool {
        if lhs.at != rhs.at { return lhs.at < rhs.at }
        let order = Kind.allCases
        return order.firstIndex(of: lhs.kind)! < order.firstIndex(of: rhs.kind)!
    }

    /// `lease-end of alice-sbx at 2026-12-01T10:00:00Z`.
    public var description: String {
        "\(kind.rawValue)\(request.map { " of \($0)" } ?? "") at \(NotificationDateFormat.rfc3339(at))"
    }

    /// The earliest work after `input.now` that the journal, the pool and the listing hold, or `nil`
    /// when nothing is due until something changes.
    ///
    /// Times at or before `now` are not counted: what could be done was planned in this pass; what
    /// waits for a product to settle is followed by the poll cadence instead, so a pass never finds its
    /// own due time already past and spins.
    public static func next(in input: PlannerInput) -> DueWork? {
        next(in: input, ordered: PlannedRecords(input.journal).ordered)
    }

    /// ``next(in:)`` with the journal's records already in queue order.
    static func next(in input: PlannerInput, ordered: [PlannedRecord]) -> DueWork? {
        guard let pool = input.desired.pool else { return nil }
        var finder = DueWorkFinder(now: input.now, fileExists: { input.desired.requests[$0] != nil })
        // A final request has nothing due (``DueWorkFinder/consider(_:pool:journal:)``).
        for planned in ordered where !planned.state.isFinal {
            finder.consider(planned.record, pool: pool, journal: input.journal)
        }
        for termination in input.journal.terminations.values where termination.owner.request == nil {
            finder.consider(termination, request: nil)
        }
        return finder.earliest
    }
}

/// Collects candidate due times, keeping the earliest after `now`.
struct DueWorkFinder {
    let now: Date
    /// Whether the request's file exists (a removed one's product is released as soon as it settles).
    let fileExists: (RequestID) -> Bool
    var earliest: DueWork?

    mutating func add(_ at: Date?, _ kind: DueWork.Kind, _ request: RequestID?) {
        guard let at, at > now else { return }
        let work = DueWork(at: at, kind: kind, request: request)
        if earliest.map({ work < $0 }) ?? true { earliest = work }
    }

    /// A poll of something in flight since `since` (`nil`: not known, polled at the slowest cadence).
    mutating func poll(since: Date?, _ request: RequestID?) {
        let elapsed = since.map { now.timeIntervalSince($0) } ?? .infinity
        add(now.addingTimeInterval(ProvisioningPolicy.pollInterval(inFlightFor: elapsed)), .poll, request)
    }

    mutating func consider(_ record: RequestRecord, pool: PoolConfiguration, journal: JournalState) {
        let id = record.id
        switch record.phase {
        case .pending(let pending):
            add(pending.retryAt, .verification, id)
        case .queued(let queued):
            add(queued.retryAt, .queueRetry, id)
        case .provisioning(let provisioning):
            if let termination = journal.termination(ownedBy: id) {
                consider(termination, request: id)
            } else if let failure = provisioning.failure {
                add(failure.retryAt, .provisioningRetry, id)
            } else if let call = provisioning.call, call.recordId == nil, provisioning.productId == nil {
                break  // a call with no answer yet: made again when its retry is due (``CallRetries``)
            } else {
                poll(since: provisioning.call?.startedAt, id)
            }
        case .active(let lease):
            if lease.end <= now || !fileExists(id) {
                poll(since: min(lease.end, now), id)  // to be released once its product settles
            } else {
                add(lease.end, .leaseEnd, id)
                if lease.warnedEnd != lease.end {
                    add(lease.end.addingTimeInterval(-pool.expiryWarning.timeInterval), .expiryWarning, id)
                }
            }
        case .terminating(let ending):
            if let termination = journal.terminations[ending.productId] { consider(termination, request: id) }
        case .quarantined, .rejected, .ended, .failed, .lost:
            break
        }
    }

    mutating func consider(_ termination: Termination, request: RequestID?) {
        if termination.token != nil {
            poll(since: termination.startedAt, request)
        } else if let retryAt = termination.retryAt, retryAt > now {
            add(retryAt, .terminationRetry, request)
        } else {
            poll(since: nil, request)  // waits for its product to settle
        }
    }
}
