public import Foundation

/// Everything one request file's forecast is made from: the forecast reads nothing else (no I/O, no clock).
public struct ForecastInput: Sendable {
    /// The request the file names (its file name).
    public var id: RequestID
    /// The pull request's version of the file, read as `validate` reads it.
    public var entry: RequestEntry
    /// What the verification policy decides for it, as if the pull request were merged; `nil` for an
    /// invalid file (nothing is asked then).
    public var verification: VerificationOutcome?
    /// The desired state as merged so far (the branch sandboxd serves), with its pool.
    public var desired: DesiredState
    /// The journal: the queue, the slots and the lease ends.
    public var journal: JournalState
    public var now: Date

    /// - Parameters: see the properties.
    public init(
        id: RequestID,
        entry: RequestEntry,
        verification: VerificationOutcome?,
        desired: DesiredState,
        journal: JournalState,
        now: Date
    ) {
        self.id = id
        self.entry = entry
        self.verification = verification
        self.desired = desired
        self.journal = journal
        self.now = now
    }
}

/// What merging a request file would do (docs/behaviour.md §6.9), decided as the planner would decide
/// once the file is merged: the same validation, the same verification outcome, the one-live-sandbox
/// rule (§3.3) and the queue order (§3.4) — a new file is first seen after every request the journal
/// knows, so it queues behind them all. Pure: the same input gives the same outcome.
public enum Forecast {
    /// The outcome for one request file; `nil` when the pool is not valid (nothing can be forecast).
    public static func decide(_ input: ForecastInput) -> ForecastOutcome? {
        guard let pool = input.desired.pool else { return nil }
        // Merged, the file is refused as the planner refuses it when its id was served (docs/behaviour.md §3.16).
        var merged = input.desired
        merged.requests[input.id] = input.entry
        merged.refuseServedFile(input.id, journal: input.journal)
        let entry = merged.requests[input.id] ?? input.entry
        guard let spec = entry.spec else { return .invalid(entry.problems ?? []) }
        let record = input.journal.requests[input.id]
        if let record, record.state != .pending, record.state != .rejected {
            return .existing(state: record.state)
        }
        let userId: Int64?
        switch input.verification {
        case .verified(let id, _)?: userId = id
        case .skipped?, nil: userId = nil
        case .rejected(let reason, _)?: return .rejected(reason: reason)
        case .pending(let reason, _)?: return .undecided(reason: reason)
        }
        if let other = liveRequest(of: RequestRecord.identity(userId: userId, login: spec.requester), input) {
            return .rejected(
                reason: "@\(spec.requester) already has a live sandbox request (`\(other)`); only one per person "
                    + "at a time. Wait until it ends, or remove its request file first."
            )
        }
        return queuePlace(of: input.id, order: record?.order, input, pool: pool)
    }

    /// A live request (queued, provisioning, active) of the same person, other than `input.id`.
    static func liveRequest(of identity: String, _ input: ForecastInput) -> RequestID? {
        input.journal.recordsInOrder.first {
            $0.id != input.id && $0.state.isLiveForRequester && $0.identity == identity
        }?.id
    }

    /// Where the request would stand: a free slot, or a place in the queue behind the requests seen
    /// before it (queued, or pending and possibly admitted first), with the slot it can expect.
    static func queuePlace(
        of id: RequestID,
        order: UInt64?,
        _ input: ForecastInput,
        pool: PoolConfiguration
    ) -> ForecastOutcome {
        let ahead = input.journal.recordsInOrder.filter { record in
            record.id != id && (record.state == .queued || record.state == .pending)
                && input.desired.requests[record.id] != nil && order.map { record.order < $0 } ?? true
        }
        let positions = input.journal.queuePositions(among: ahead.map(\.id) + [id])
        let position = positions[id] ?? ahead.count + 1
        guard let slot = SlotForecast.slot(after: ahead, journal: input.journal, pool: pool, now: input.now) else {
            return .slotNow
        }
        return .queued(position: position, slot: slot)
    }
}
