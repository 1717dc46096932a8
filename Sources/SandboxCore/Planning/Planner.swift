import Foundation

/// The decisions of sandboxd, as a pure function (docs/behaviour.md §3).
///
/// ``plan(_:)`` looks at the desired state, the journal and the live products at one instant and
/// says what to do next. It is level-based: the same input gives the same plan, and a plan carried
/// out halfway is finished by the next one. A pass plans and executes in rounds until a round has
/// nothing left to do, so a new request can go from file to provisioning in one pass.
public enum Planner {
    /// Plans one round.
    public static func plan(_ input: PlannerInput) -> Plan {
        guard let pool = input.desired.pool else {
            return Plan(notes: ["pool.json is not valid: nothing is changed until it is fixed"])
        }
        // The records are boxed once per plan, and every step below reads them in place (``PlannedRecord``).
        let records = PlannedRecords(input.journal)
        var input = input
        input.desired = input.desired.refusingServedFiles(journal: input.journal, records: records)
        var planner = RoundPlanner(input: input, pool: pool, records: records)
        return planner.run()
    }
}

/// The working state of one round of planning.
struct RoundPlanner {
    let input: PlannerInput
    let pool: PoolConfiguration
    let liveByID: [String: LiveProduct]
    let liveByName: [String: LiveProduct]
    /// The journal's records, sorted once per plan (every step below walks them, by reference).
    let records: PlannedRecords
    /// The queued requests whose files exist, in queue order.
    let queued: [PlannedRecord]
    /// Slots the journal's requests occupy (``RequestState/occupiesSlot``).
    let occupiedSlots: Int
    /// Requests the safety brake measures (``RequestState/countsForBrake``), and those of them whose file is gone.
    let brakeCounts: (live: Int, released: Int)
    var actions: [PlannedAction] = []
    var notes: [String] = []
    /// Requests that already have an action this round (their notifications wait for the next round).
    var busy: Set<RequestID> = []

    init(input: PlannerInput, pool: PoolConfiguration, records: PlannedRecords) {
        self.input = input
        self.pool = pool
        let live = input.live ?? []
        liveByID = Dictionary(live.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        liveByName = Dictionary(live.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.records = records
        // What depends on the journal and the files alone is counted in one walk, not once per step.
        var queued: [PlannedRecord] = []
        var occupied = 0
        var brakeLive = 0
        var brakeReleased = 0
        let files = input.desired.requests
        for planned in records.ordered {
            let state = planned.state
            if state.isFinal { continue }
            if state.occupiesSlot { occupied += 1 }
            if state.countsForBrake {
                brakeLive += 1
                if files[planned.id] == nil { brakeReleased += 1 }
            }
            if state == .queued, files[planned.id] != nil { queued.append(planned) }
        }
        self.queued = queued
        occupiedSlots = occupied
        brakeCounts = (brakeLive, brakeReleased)
    }

    /// The journal's records in queue order.
    var ordered: [PlannedRecord] { records.ordered }

    var now: Date { input.now }
    var journal: JournalState { input.journal }
    var liveKnown: Bool { input.live != nil }

    mutating func add(_ kind: PlannedAction.Kind, _ reason: String) {
        let action = PlannedAction(kind, reason: reason)
        actions.append(action)
        if let id = action.request { busy.insert(id) }
    }

    mutating func run() -> Plan {
        observeFiles()
        retireRemovedFiles()
        clearInvalidNotices()
        // What the pull request shows was told comes before any step (docs/behaviour.md §3.15).
        planPullRequestReads()
        // Before progress: a product that matches a request is adopted before the request is verified,
        // admitted or provisioned again (after a lost journal it would otherwise be terminated or doubled).
        planOrphans()
        for planned in ordered where !planned.state.isFinal {
            planProgress(of: planned.record)
        }
        admitVerified()
        dispense()
        let brake = applySafetyBrake()
        planNotifications()
        readBeforeIrreversibleSteps()
        return Plan(
            actions: actions,
            brake: brake.reason,
            usedMassReleaseAllowance: brake.usedAllowance,
            notes: notes,
            nextDue: DueWork.next(in: input, ordered: ordered)
        )
    }

    /// The file of `id`, if it exists (valid or not).
    func fileExists(_ id: RequestID) -> Bool { input.desired.requests[id] != nil }

    /// The lease a request gets, capped by the pool's `maxLease`.
    func leaseLength(of spec: RequestSpec) -> TimeInterval {
        pool.leaseLength(of: spec)
    }

    func token(_ subject: String, _ step: String) -> String {
        IdempotencyToken.make(pool: input.poolName, lineage: journal.lineage, subject: subject, step: step)
    }

    /// The live product of a provisioning attempt: by id once Service Catalog named it, else by name.
    func product(of provisioning: Provisioning) -> LiveProduct? {
        if let id = provisioning.productId { return liveByID[id] }
        return liveByName[provisioning.call?.request.name ?? provisioning.productName]
    }
}
