import Foundation
public import SandboxCore

/// Carries out plans: the only code that calls the catalog and GitHub.
///
/// Before every mutating call it appends the intent to the journal (durable), and after it the
/// outcome, so it is safe to kill at any instruction: the next pass finds the intent without an
/// outcome and finishes it by looking at the live state or repeating the call with the same token.
public actor Reconciler {
    /// The journal's current state (the fold of every record).
    public private(set) var state: JournalState
    let store: any JournalStore
    let catalog: any CatalogPort
    let github: any GitHubPort
    let clock: any SandboxClock
    let poolName: String
    var logger: Logger
    var recordsSinceCompaction = 0
    /// Set by ``requestStop()``: the pass in progress ends after the action in flight.
    var stopRequested = false
    /// Told of every action just before it is carried out (`reconcile` prints them as they happen).
    var actionObserver: (@Sendable (PlannedAction) -> Void)?

    /// Records appended before the journal is compacted.
    let compactionThreshold: Int
    /// Rounds of calls in one pass at most.
    public static let maximumRounds = 12
    /// Plans made to settle one round's transitions, at most (each records at least one event).
    static let maximumSettlingSteps = 32

    public init(
        store: any JournalStore,
        state: JournalState,
        catalog: any CatalogPort,
        github: any GitHubPort,
        clock: any SandboxClock = SystemClock(),
        poolName: String = "default",
        logger: Logger = .silent,
        compactionThreshold: Int = 500
    ) {
        self.compactionThreshold = compactionThreshold
        self.store = store
        self.state = state
        self.catalog = catalog
        self.github = github
        self.clock = clock
        self.poolName = poolName
        self.logger = logger
    }

    /// Opens a reconciler on a store, replaying what it holds.
    public static func replaying(
        store: any JournalStore,
        snapshot: [UInt8]?,
        records: [(seq: UInt64, payload: [UInt8])],
        catalog: any CatalogPort,
        github: any GitHubPort,
        clock: any SandboxClock = SystemClock(),
        poolName: String = "default",
        logger: Logger = .silent,
        compactionThreshold: Int = 500
    ) throws -> Reconciler {
        let state = try JournalCodec.replay(lineage: store.lineage, snapshot: snapshot, records: records)
        return Reconciler(
            store: store,
            state: state,
            catalog: catalog,
            github: github,
            clock: clock,
            poolName: poolName,
            logger: logger,
            compactionThreshold: compactionThreshold
        )
    }

    /// Calls `observer` with every action just before it is carried out.
    public func observeActions(_ observer: @escaping @Sendable (PlannedAction) -> Void) {
        actionObserver = observer
    }

    /// Asks the pass in progress to end after the action in flight (SIGTERM). Later passes do nothing.
    public func requestStop() {
        stopRequested = true
    }

    /// Appends an event durably and applies it.
    func record(_ event: JournalEvent, log: Logger) throws {
        do {
            _ = try store.append(JournalCodec.encode(event))
        } catch {
            throw FatalJournalError("cannot write the journal: \(error)")
        }
        state.apply(event)
        recordsSinceCompaction += 1
        switch event {
        case .quarantined(_, let reason):
            log.error("slot quarantined: the product must be cleaned up in AWS", ["reason": reason])
        case .verificationDeferred(_, let reason, _):
            log.notice("verification deferred", ["reason": reason])
        default:
            break
        }
    }

    /// One pass: plan and execute in rounds until nothing is left to do now.
    ///
    /// Each round first records the plan's transitions (pure bookkeeping: observe, admit, drop,
    /// settle, extend…) and plans again until none is left, then performs the calls of the settled
    /// plan. A new round is only needed when a call's outcome enables a further call, so a new request
    /// goes from file to provisioning in one pass.
    ///
    /// - Parameters:
    ///   - desired: the desired state read for this pass.
    ///   - allowMassRelease: lets this pass past the safety brake.
    ///   - reconcileID: the pass's id in the logs.
    /// - Throws: ``FatalJournalError`` when the journal cannot record; a crash-test sentinel.
    public func pass(
        desired: DesiredState,
        allowMassRelease: Bool = false,
        reconcileID: String = ""
    )
        async throws -> PassReport
    {
        var report = PassReport()
        let log = logger.with(["reconcile.id": reconcileID])
        guard let pool = desired.pool else {
            report.add(
                PassProblem(
                    .poolInvalid,
                    message: "pool.json is not valid: nothing changes until it is fixed (run sandboxd validate)"
                )
            )
            return report
        }
        let productProblem = try await checkProduct(pool.product, report: &report)
        var round = PassRound(allowance: allowMassRelease)
        while round.number < Self.maximumRounds, !stopRequested {
            round.number += 1
            if round.needsListing { round.live = try await listProducts(report: &report) }
            let plan = try settle(desired: desired, round: &round, report: &report, log: log, pool: pool)
            let calls = plan.actions.filter { action in
                if action.isReadOnly { return round.number == 1 }
                if case .provision = action.kind, productProblem != nil { return false }
                return true
            }
            report.rounds = round.number
            if round.usedAllowance { round.allowance = false }
            guard !calls.isEmpty else { break }
            for action in calls where !stopRequested {
                actionObserver?(action)
                let resolution = try await execute(action, pool: pool, desired: desired, logger: log)
                report.executed.append(action)
                if let problem = resolution.problem { report.add(problem) }
                if resolution.changedCatalog { round.needsListing = true }
            }
        }
        try compactIfNeeded(desired: desired)
        return report
    }

    /// Plans, records the plan's transitions, and plans again until the plan holds calls only.
    ///
    /// - Returns: the settled plan (its actions are calls).
    func settle(
        desired: DesiredState,
        round: inout PassRound,
        report: inout PassReport,
        log: Logger,
        pool: PoolConfiguration
    ) throws -> Plan {
        var plan = Plan()
        for step in 0..<Self.maximumSettlingSteps {
            let input = PlannerInput(
                desired: desired,
                journal: state,
                live: round.live,
                now: clock.now(),
                poolName: poolName,
                allowMassRelease: round.allowance
            )
            plan = Planner.plan(input)
            if round.number == 1 && step == 0 {
                report.notes = plan.notes
                report.brake = plan.brake
            }
            if plan.usedMassReleaseAllowance {
                report.usedMassReleaseAllowance = true
                round.usedAllowance = true
            }
            let transitions = plan.actions.filter { !$0.isCall }
            guard !transitions.isEmpty, !stopRequested else { break }
            for action in transitions {
                actionObserver?(action)
                guard let event = ExecutionRules.transition(of: action, journal: state, now: input.now) else {
                    continue
                }
                log.info(
                    "recording",
                    ["action": action.name, "request.id": action.request?.rawValue ?? "-", "reason": action.reason]
                )
                try record(event, log: log)
                report.executed.append(action)
            }
        }
        plan.actions.removeAll { !$0.isCall }
        return plan
    }

    /// Checks the pool's product; a problem holds back provisioning for this pass.
    func checkProduct(_ product: ProductReference, report: inout PassReport) async throws -> PassProblem? {
        var productProblem: PassProblem?
        do {
            try await catalog.checkProduct(product)
        } catch {
            let doing = "the pool's product cannot be provisioned"
            let problem =
                error.kind == .notFound || error.kind == .invalidRequest
                ? PassProblem(.productMissing, message: "\(doing): \(error)")
                : PassProblem.catalog(error, request: nil, doing: doing)
            productProblem = problem
            report.add(problem)
        }
        return productProblem
    }

    /// The pool's products, or `nil` (reported) when they cannot be listed.
    func listProducts(report: inout PassReport) async throws -> [LiveProduct]? {
        var live: [LiveProduct]?
        do {
            live = try await catalog.listProducts(pool: poolName)
        } catch {
            report.add(.catalog(error, request: nil, doing: "cannot list the pool's products"))
        }
        return live
    }

    /// Writes a snapshot when enough records have piled up, forgetting final requests whose files are gone.
    func compactIfNeeded(desired: DesiredState) throws {
        guard recordsSinceCompaction >= compactionThreshold else { return }
        let gone = state.requests.values.filter { $0.state.isFinal && desired.requests[$0.id] == nil }.map(\.id)
        var compacted = state
        for id in gone { compacted.requests[id] = nil }
        do {
            try store.compact(snapshot: JournalCodec.encodeSnapshot(compacted))
        } catch {
            throw FatalJournalError("cannot compact the journal: \(error)")
        }
        state = compacted
        recordsSinceCompaction = 0
    }
}

/// The working state of one pass's rounds.
struct PassRound {
    /// Rounds begun so far.
    var number = 0
    /// The pool's products as last listed (`nil`: they could not be listed).
    var live: [LiveProduct]?
    /// Whether a call changed the catalog since the last listing.
    var needsListing = true
    /// Whether `--allow-mass-release` still applies to this round's plans.
    var allowance: Bool
    /// Whether a plan of this round used the allowance (it ends with the round).
    var usedAllowance = false

    init(allowance: Bool) {
        self.allowance = allowance
    }
}
