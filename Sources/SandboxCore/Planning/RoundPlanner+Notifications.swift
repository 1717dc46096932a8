import Foundation

extension RoundPlanner {
    /// Comments owed by each request's current state that the journal does not confirm (level-based:
    /// a request that moved on before its comment went out is told only where it is now), in the
    /// outbox's order (``OutboxPriority``): what is urgent first, position refreshes last.
    mutating func planNotifications() {
        // Positions as they will be once this round's requests leaving the queue have left it.
        let leaving = Set(
            actions.compactMap { action -> RequestID? in
                switch action.kind {
                case .provision, .drop, .reject, .adopt: return action.request
                default: return nil
                }
            }
        )
        let positions = journal.queuePositions(among: queued.map(\.id).filter { !leaving.contains($0) })
        var owed: [(priority: OutboxPriority, order: UInt64, id: RequestID, plan: NotificationPlan)] = []
        for planned in ordered where !busy.contains(planned.id) {
            for plan in owedNotifications(planned, position: positions[planned.id]) {
                owed.append((OutboxPriority(plan), planned.record.order, planned.id, plan))
            }
        }
        for item in owedInvalidNotifications() {
            // An invalid file without a record comes after the records (docs/behaviour.md §6.8).
            let order = records.byID[item.id]?.record.order ?? UInt64.max
            owed.append((OutboxPriority(item.plan), order, item.id, item.plan))
        }
        owed.sort { ($0.priority, $0.order, $0.id) < ($1.priority, $1.order, $1.id) }
        for item in owed {
            let recovered = item.plan.event == .invalid ? input.desired.requests[item.id]?.recovered : nil
            let requester = recovered?.requester ?? records.byID[item.id]?.record.spec.requester ?? "?"
            add(.notify(item.id, item.plan), "tell @\(requester): \(item.plan.event.rawValue)")
        }
    }

    func owedNotifications(_ planned: PlannedRecord, position: Int?) -> [NotificationPlan] {
        // Its marker is looked for first when a crash may have come between posting and recording.
        func owe(_ event: NotificationEvent, occurrence: Int = 1) -> NotificationPlan? {
            let log = planned.record.notifications[event] ?? NotificationLog()
            guard log.posted < occurrence else { return nil }
            return NotificationPlan(event: event, occurrence: occurrence, lookFirst: log.unconfirmed == occurrence)
        }
        // Read in place: the record is not copied (``PlannedRecord``).
        switch planned.record.phase {
        case .queued:
            guard let position else { return [] }
            let log = planned.record.notifications[.queued] ?? NotificationLog()
            if log.posted == 0 {
                return [
                    NotificationPlan(
                        event: .queued,
                        occurrence: 1,
                        position: position,
                        lookFirst: log.unconfirmed != nil
                    )
                ]
            }
            if log.position != position, let comment = log.comment {
                return [NotificationPlan(event: .queued, occurrence: 1, edit: comment, position: position)]
            }
            return []
        case .active(let lease):
            if let ready = owe(.ready) { return [ready] }
            guard now < lease.end, now >= lease.end.addingTimeInterval(-pool.expiryWarning.timeInterval),
                lease.warnedEnd != lease.end
            else { return [] }
            return owe(.expiring, occurrence: planned.record.expiryWarnings + 1).map { [$0] } ?? []
        case .rejected:
            return owe(.rejected, occurrence: planned.record.rejections).map { [$0] } ?? []
        case .ended:
            guard planned.record.verification != nil else { return [] }  // never verified: the PR may not be theirs
            return owe(.ended).map { [$0] } ?? []
        case .failed:
            return owe(.failed).map { [$0] } ?? []
        case .lost:
            return owe(.lost).map { [$0] } ?? []
        case .quarantined:
            return owe(.quarantined).map { [$0] } ?? []
        case .pending, .provisioning, .terminating:
            return []
        }
    }
}

extension JournalState {
    /// 1-based queue positions of `ids` (already in queue order).
    public func queuePositions(among ids: [RequestID]) -> [RequestID: Int] {
        Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0 + 1) })
    }

    /// 1-based positions of every queued request, first seen first (docs/behaviour.md §3).
    public var queuePositions: [RequestID: Int] {
        queuePositions(among: recordsInOrder.filter { $0.state == .queued }.map(\.id))
    }
}
