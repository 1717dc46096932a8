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
    /// Called after every step (journal append or port call) with its name: the crash-test seam.
    let checkpoint: @Sendable (String) throws -> Void
    var recordsSinceCompaction = 0
    /// Set by ``requestStop()``: the pass in progress ends after the action in flight.
    var stopRequested = false
    /// Told of every action just before it is carried out (`reconcile` prints them as they happen).
    var actionObserver: (@Sendable (PlannedAction) -> Void)?

    /// Records appended before the journal is compacted.
    let compactionThreshold: Int
    /// Planning rounds in one pass at most.
    public static let maximumRounds = 12

    public init(
        store: any JournalStore,
        state: JournalState,
        catalog: any CatalogPort,
        github: any GitHubPort,
        clock: any SandboxClock = SystemClock(),
        poolName: String = "default",
        logger: Logger = .silent,
        compactionThreshold: Int = 500,
        checkpoint: @escaping @Sendable (String) throws -> Void = { _ in }
    ) {
        self.compactionThreshold = compactionThreshold
        self.store = store
        self.state = state
        self.catalog = catalog
        self.github = github
        self.clock = clock
        self.poolName = poolName
        self.logger = logger
        self.checkpoint = checkpoint
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
        compactionThreshold: Int = 500,
        checkpoint: @escaping @Sendable (String) throws -> Void = { _ in }
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
            compactionThreshold: compactionThreshold,
            checkpoint: checkpoint
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
        try checkpoint("journal")
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
    /// - Parameters:
    ///   - desired: the desired state read for this pass.
    ///   - allowMassRelease: lets this pass past the safety brake.
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
        var productProblem: PassProblem?
        do {
            try await catalog.checkProduct(pool.product)
        } catch {
            let doing = "the pool's product cannot be provisioned"
            let problem =
                error.kind == .notFound || error.kind == .invalidRequest
                ? PassProblem(.productMissing, message: "\(doing): \(error)")
                : PassProblem.catalog(error, request: nil, doing: doing)
            productProblem = problem
            report.add(problem)
        }
        try checkpoint("catalog")
        var live: [LiveProduct]?
        var needsListing = true
        var allowance = allowMassRelease
        var inspected = false
        for round in 1...Self.maximumRounds where !stopRequested {
            if needsListing {
                do {
                    live = try await catalog.listProducts(pool: poolName)
                } catch {
                    live = nil
                    report.add(.catalog(error, request: nil, doing: "cannot list the pool's products"))
                }
                try checkpoint("catalog")
                needsListing = false
            }
            let input = PlannerInput(
                desired: desired,
                journal: state,
                live: live,
                now: clock.now(),
                poolName: poolName,
                allowMassRelease: allowance
            )
            let plan = Planner.plan(input)
            if round == 1 {
                report.notes = plan.notes
                report.brake = plan.brake
            }
            if plan.usedMassReleaseAllowance {
                report.usedMassReleaseAllowance = true
                allowance = false
            }
            let actions = plan.actions.filter { action in
                if action.isReadOnly { return !inspected }
                if case .provision = action.kind, productProblem != nil { return false }
                return true
            }
            inspected = true
            report.rounds = round
            guard !actions.isEmpty else { break }
            for action in actions {
                if stopRequested { break }
                actionObserver?(action)
                let resolution = try await execute(action, pool: pool, desired: desired, logger: log)
                report.executed.append(action)
                if let problem = resolution.problem { report.add(problem) }
                if resolution.changedCatalog { needsListing = true }
            }
        }
        try compactIfNeeded(desired: desired)
        return report
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
        try checkpoint("journal")
    }
}
