public import Foundation

/// The order comments leave the outbox in (docs/behaviour.md §6): what a requester is waiting for
/// first, position refreshes last. The outbox itself is the set of comments the journal owes
/// (``Planner`` plans them level-based from the journal, so it is as durable as the journal and a
/// queued comment's edits coalesce by construction: only the latest position is ever owed).
public enum OutboxPriority: Int, Comparable, Hashable, Sendable, CaseIterable {
    /// `ready` and `expiring`: the requester acts on them.
    case urgent
    /// Every other event: rejected, ended, failed, lost, quarantined, invalid.
    case event
    /// A request's first `queued` comment.
    case queuedPost
    /// An edit of a `queued` comment to its new position.
    case positionRefresh

    /// The priority of writing `plan`.
    public init(_ plan: NotificationPlan) {
        switch plan.event {
        case .ready, .expiring: self = .urgent
        case .queued: self = plan.edit == nil ? .queuedPost : .positionRefresh
        case .ended, .rejected, .failed, .lost, .quarantined, .invalid: self = .event
        }
    }

    public static func < (lhs: OutboxPriority, rhs: OutboxPriority) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// GitHub's content-creation limits for the comments sandboxd writes, as a pure budget
/// (docs/behaviour.md §6): at most 80 writes in any minute and 500 in any hour, of which position
/// refreshes may use 400, so new events always find room. (Pacing writes ≥ 1 s apart is the
/// GitHub client's job.)
public struct ContentBudget: Hashable, Sendable {
    /// Writes allowed in any 60 s.
    public static let perMinute = 80
    /// Writes allowed in any hour.
    public static let perHour = 500
    /// Of those, what position refreshes may use.
    public static let refreshesPerHour = 400

    /// When the writes of the last hour were made, oldest first.
    private var writes: [Date] = []

    public init() {}

    /// A write was made at `at`.
    public mutating func record(_ at: Date) {
        writes.append(at)
        writes.removeAll { at.timeIntervalSince($0) >= 3600 }
    }

    /// The earliest time a write of `priority` may be made, `now` or later.
    public func nextAllowed(_ priority: OutboxPriority, now: Date) -> Date {
        let hour = writes.filter { now.timeIntervalSince($0) < 3600 }
        let minute = hour.filter { now.timeIntervalSince($0) < 60 }
        let hourLimit = priority == .positionRefresh ? Self.refreshesPerHour : Self.perHour
        var earliest = now
        if minute.count >= Self.perMinute {
            earliest = max(earliest, minute[minute.count - Self.perMinute].addingTimeInterval(60))
        }
        if hour.count >= hourLimit {
            earliest = max(earliest, hour[hour.count - hourLimit].addingTimeInterval(3600))
        }
        return earliest
    }
}
