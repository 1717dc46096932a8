public import Foundation

/// Calls that got no answer (a timeout, an outage, throttling), and when each may be made again
/// (docs/behaviour.md §4): a pass never repeats such a call, and later passes wait out a backoff.
///
/// Kept by the executor in memory only: the journal keeps the call's intent, so a restart simply
/// makes it again with the same token.
public struct CallRetries: Hashable, Sendable {
    struct Entry: Hashable, Sendable {
        var failures: Int
        var retryAt: Date
    }

    private var entries: [String: Entry] = [:]

    public init() {}

    /// Whether the call `key` may be made at `now`.
    public func allows(_ key: String, at now: Date) -> Bool {
        guard let entry = entries[key] else { return true }
        return now >= entry.retryAt
    }

    /// The call `key` got no answer at `now`: it waits ``ProvisioningPolicy/unansweredCallBackoff(afterFailures:)``.
    public mutating func failed(_ key: String, at now: Date) {
        let failures = (entries[key]?.failures ?? 0) + 1
        let wait = ProvisioningPolicy.unansweredCallBackoff(afterFailures: failures)
        entries[key] = Entry(failures: failures, retryAt: now.addingTimeInterval(wait))
    }

    /// The call `key` was answered: it is forgotten.
    public mutating func answered(_ key: String) {
        entries[key] = nil
    }

    /// Forgets calls that are no longer planned (their request moved on).
    public mutating func keepOnly(_ keys: Set<String>) {
        entries = entries.filter { keys.contains($0.key) }
    }

    /// The earliest retry after `now`.
    public func next(after now: Date) -> DueWork? {
        entries.values.map(\.retryAt).filter { $0 > now }.min().map { DueWork(at: $0, kind: .callRetry) }
    }

    /// How many calls wait.
    public var count: Int { entries.count }
}

extension PlannedAction {
    /// The identity of a call across plans: the same call planned again has the same key (its
    /// token, or its request and kind).
    public var callKey: String {
        let subject = request?.rawValue ?? "-"
        switch kind {
        case .provision(_, let attempt, let request): return "provision/\(subject)/\(attempt)/\(request.token)"
        case .terminate(_, _, let productId, let token): return "terminate/\(productId)/\(token)"
        case .terminateOrphan(let product, let token): return "terminate/\(product.id)/\(token)"
        case .inspectRecord(_, let recordId, _): return "inspect/\(recordId)"
        case .activate(_, let productId, _, _): return "activate/\(subject)/\(productId)"
        case .describeProduct(let productId, _): return "describe/\(productId)"
        case .notify(_, let plan): return "notify/\(subject)/\(plan.event.rawValue)/\(plan.occurrence)"
        default: return "\(name)/\(subject)"
        }
    }
}
