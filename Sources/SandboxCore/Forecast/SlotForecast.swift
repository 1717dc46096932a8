public import Foundation

/// When a slot frees for the request behind `ahead`: a pure function of the pool, the queue and the
/// lease ends (docs/behaviour.md §6.9).
///
/// Each slot in use frees at its expected time: an active lease at its end; a provisioning request
/// after its lease, counted from now (its lease starts once its product is available); a product being
/// terminated now. A quarantined product frees its slot only when an operator cleans it up, which cannot
/// be known. While more slots are in use than `capacity` allows (it was lowered), the first ends free no
/// slot for the queue (docs/behaviour.md §3.9). Each request ahead takes the earliest slot and holds it
/// for its own lease; the request forecast gets the next. Sandboxes given back early cannot be known:
/// the estimate is when the slot comes at the latest, as the journal stands.
public enum SlotForecast {
    /// One slot and when it frees; `holder` is whose lease ends then (`nil`: free now).
    struct Opening: Comparable {
        var at: Date
        var holder: RequestID?

        static func < (lhs: Opening, rhs: Opening) -> Bool {
            (lhs.at, lhs.holder?.rawValue ?? "") < (rhs.at, rhs.holder?.rawValue ?? "")
        }
    }

    /// The slot the request after `ahead` (in queue order) gets; `nil` when one is free for it now.
    /// - Parameters:
    ///   - ahead: The requests before it in the queue, first first.
    ///   - journal: The requests holding slots, with their leases.
    ///   - pool: The capacity and the leases.
    ///   - now: The time of the forecast.
    public static func slot(
        after ahead: [RequestRecord],
        journal: JournalState,
        pool: PoolConfiguration,
        now: Date
    ) -> SlotEstimate? {
        var openings = openings(journal: journal, pool: pool, now: now)
        for record in ahead {
            guard !openings.isEmpty else { break }
            let taken = openings.removeFirst()
            let end = max(taken.at, now).addingTimeInterval(pool.leaseLength(of: record.spec))
            insert(Opening(at: end, holder: record.id), into: &openings)
        }
        guard let first = openings.first else { return .unknown(reason: noOpeningReason(journal: journal, pool: pool)) }
        guard let holder = first.holder, first.at > now else { return nil }
        return .expected(at: first.at, holder: holder)
    }

    /// The slots of the pool as they free, earliest first: free ones now, then the known ends of those
    /// in use beyond what a lowered capacity absorbs.
    static func openings(journal: JournalState, pool: PoolConfiguration, now: Date) -> [Opening] {
        let holders = journal.recordsInOrder.filter { $0.state.occupiesSlot }
        let ends = holders.compactMap { record in
            expectedEnd(of: record, pool: pool, now: now).map { Opening(at: $0, holder: record.id) }
        }.sorted()
        let free = pool.capacity - holders.count
        if free >= 0 {
            return Array(repeating: Opening(at: now, holder: nil), count: free) + ends
        }
        // Over capacity: the first `-free` ends only bring the use down to the capacity. A quarantined
        // product may never go, so the known ends are the ones counted for that.
        return Array(ends.dropFirst(-free))
    }

    /// When a slot in use frees, as far as can be known: `nil` for a quarantined product.
    static func expectedEnd(of record: RequestRecord, pool: PoolConfiguration, now: Date) -> Date? {
        switch record.phase {
        case .active(let lease): return max(lease.end, now)
        case .provisioning: return now.addingTimeInterval(pool.leaseLength(of: record.spec))
        case .terminating: return now
        default: return nil
        }
    }

    /// Why no slot can be expected.
    static func noOpeningReason(journal: JournalState, pool: PoolConfiguration) -> String {
        if pool.capacity == 0 {
            return "the pool's capacity is 0, so nothing is handed out until the operators raise it"
        }
        return "every slot is held by a product whose termination failed (quarantined) until the operators "
            + "clean it up, which cannot be foreseen"
    }

    /// Inserts `opening` in its sorted place.
    static func insert(_ opening: Opening, into openings: inout [Opening]) {
        let index = openings.firstIndex { opening < $0 } ?? openings.endIndex
        openings.insert(opening, at: index)
    }
}
