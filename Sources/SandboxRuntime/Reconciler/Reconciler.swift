import Foundation
public import SandboxCore

/// Carries out plans: the only code that calls the catalog and GitHub.
///
/// Before every mutating call it appends the intent to the journal (durable), and after it the
/// outcome, so it is safe to kill at any instruction: the next pass finds the intent without an
/// outcome and finishes it by looking at the live state or repeating the call with the same token.
/// Records are group-committed: everything recorded since the last call goes to the journal with one
/// flush just before the next call (docs/behaviour.md §3.13).
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
    /// Events recorded and applied but not yet in the store: one group commit's records. ``commit()`` empties
    /// it before every call that changes the world and before a pass or comment returns; a read waits for
    /// it only once the oldest record is ``commitWindow`` old (docs/behaviour.md §3.13).
    var uncommitted: [[UInt8]] = []
    /// When the oldest of ``uncommitted`` was recorded.
    var uncommittedSince: Date?
    /// How long a record may wait for the next group commit when only reads come (docs/behaviour.md §3.13).
    static let commitWindow: TimeInterval = 1
    /// Set by ``requestStop()``: the pass in progress ends after the action in flight.
    var stopRequested = false
    /// Told of every action just before it is carried out (`reconcile` prints them as they happen).
    var actionObserver: (@Sendable (PlannedAction) -> Void)?
    /// Told after every call (the daemon's watchdog is fed by this progress).
    var progressObserver: (@Sendable () -> Void)?
    /// Calls of the passes that got no answer, and when each may be made again.
    var retries = CallRetries()
    /// Comments wait until then: GitHub failed or asked to slow down (one pause for the whole lane,
    /// since GitHub's trouble is every comment's; a comment's retry never wakes a pass).
    var commentPause: (until: Date, failures: Int)?
    /// The last check of the pool's product (docs/behaviour.md §4: made again only when due).
    var productCheck: ProductCheck?
    /// GitHub's content-creation limits, as used by the comments written so far.
    var contentBudget = ContentBudget()

    /// Records appended before the journal is compacted.
    let compactionThreshold: Int
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

    /// Calls `observer` after every call of a pass or a comment.
    public func observeProgress(_ observer: @escaping @Sendable () -> Void) {
        progressObserver = observer
    }

    /// Asks the pass in progress to end after the action in flight (SIGTERM). Later passes do nothing.
    public func requestStop() {
        stopRequested = true
    }

    /// Applies an event and adds it to the records of the next group commit (``commit()``): it is durable
    /// before the next call to the outside, and at the latest when the pass or comment returns
    /// (docs/behaviour.md §3.13).
    func record(_ event: JournalEvent, log: Logger) throws {
        let payload: [UInt8]
        do {
            payload = try JournalCodec.encode(event)
        } catch {
            throw FatalJournalError("cannot write the journal: \(error)")
        }
        if uncommitted.isEmpty { uncommittedSince = clock.now() }
        uncommitted.append(payload)
        state.apply(event)
        recordsSinceCompaction += 1
        switch event {
        case .quarantined(_, let reason):
            log.error("slot quarantined: the product must be cleaned up in AWS", ["reason": reason])
        case .verificationDeferred(_, let reason, _):
            log.notice("verification deferred", ["reason": reason])
        case .provisionRefused, .attemptEnded:
            productCheck?.recheckRequested = true  // the failure may be about the product
        default:
            break
        }
    }

    /// Writes the events recorded since the last commit to the store with one flush (the group commit,
    /// docs/behaviour.md §3.13). Called before every call that changes the world — so a call's intent, and
    /// every record before it, is durable before the call is made — and before a pass or a comment returns.
    ///
    /// - Throws: ``FatalJournalError`` when the store cannot write them.
    func commit() async throws {
        guard !uncommitted.isEmpty else { return }
        let records = uncommitted
        uncommitted = []
        uncommittedSince = nil
        do {
            _ = try await store.append(contentsOf: records)
        } catch {
            throw FatalJournalError("cannot write the journal: \(error)")
        }
    }

    /// Commits before a read once the oldest uncommitted record is ``commitWindow`` old, so that a long
    /// run of reads (verifications) loses at most that much of their answers to a crash.
    func commitBeforeRead() async throws {
        guard let since = uncommittedSince, clock.now().timeIntervalSince(since) >= Self.commitWindow else { return }
        try await commit()
    }

    /// Runs `body`, then commits what it recorded; what was recorded before a failure (a cancelled call, a
    /// stop) is committed too, as far as the store still takes it.
    func committing<Result>(_ body: () async throws -> Result) async throws -> Result {
        let result: Result
        do {
            result = try await body()
        } catch {
            try? await commit()
            throw error
        }
        try await commit()
        return result
    }

    /// One pass with the default options: the comments owed go out after the catalog work, for at
    /// most ``PassOptions/defaultCommentBudget``.
    public func pass(
        desired: DesiredState,
        allowMassRelease: Bool = false,
        reconcileID: String = ""
    ) async throws -> PassReport {
        try await pass(
            desired: desired,
            options: PassOptions(allowMassRelease: allowMassRelease, reconcileID: reconcileID)
        )
    }

    /// One pass: list the pool once, then plan and make one call at a time until nothing is left to
    /// do now (docs/behaviour.md §4).
    ///
    /// Before each call the plan's transitions are recorded (observe, admit, settle…) and the plan is
    /// made again, so a request is provisioned as soon as it is verified and a slot is free. Calls go
    /// by ``CallOrder``: terminations first, then provisioning, then reads, then verifications in queue
    /// order. A call is made at most once per pass, and one that got no answer waits out a backoff
    /// (``CallRetries``). Calls that read the listing wait for the next pass once this pass changed the
    /// catalog, and the pool is listed again once no other call is left (at most ``maximumListings``
    /// times). Comments go out afterwards within the options' budget, or in the daemon's own lane.
    ///
    /// - Throws: ``FatalJournalError`` when the journal cannot record; `CancellationError` when the task
    ///   was cancelled (a call in flight then keeps its intent, finished by a later pass).
    public func pass(desired: DesiredState, options: PassOptions) async throws -> PassReport {
        try await committing { try await uncommittedPass(desired: desired, options: options) }
    }

    /// ``pass(desired:options:)`` but for the last commit.
    func uncommittedPass(desired: DesiredState, options: PassOptions) async throws -> PassReport {
        var report = PassReport()
        let failedBefore = PassProblem.failedRequests(in: state)
        let log = logger.with(["reconcile.id": options.reconcileID])
        if let problem = desired.sourceProblem { report.add(problem) }
        if let revision = desired.revision, revision != state.desiredRevision {
            // The commit is recorded before any decision made from it (docs/behaviour.md §4.9).
            try record(.desiredRevision(revision, at: clock.now()), log: log.with(["commit": revision.commit]))
        }
        guard let pool = desired.pool else {
            // A desired state never fetched is its fetch's problem, not pool.json's.
            guard desired.sourceProblem == nil else { return report }
            report.add(
                PassProblem(
                    .poolInvalid,
                    message: "pool.json is not valid: nothing changes until it is fixed (run sandboxd validate)"
                )
            )
            return report
        }
        let productProblem = try await checkProductIfDue(pool.product, report: &report)
        var round = PassRound(allowance: options.allowMassRelease)
        round.live = try await listProducts(report: &report)
        round.listings = 1
        var calls = 0
        // GitHub's calls answered locally (``batch(from:in:round:)``) do not count towards the guard.
        var offline = 0
        while !stopRequested, calls - offline < Self.maximumCallsPerPass {
            try Task.checkCancellation()
            let plan = try settle(desired: desired, round: &round, report: &report, log: log, pool: pool)
            if isPast(options.deadline) {
                report.add(PassProblem(.passDeadline, message: Self.deadlineMessage))
                break
            }
            guard let action = nextCall(in: plan, round: round, productProblem: productProblem) else {
                // What a call changed is looked at once more, so a pass goes as far as the catalog allows.
                guard round.listingStale, round.listings < Self.maximumListings else { break }
                round.live = try await listProducts(report: &report)
                round.listings += 1
                round.listingStale = false
                continue
            }
            let batch = batch(from: action, in: plan, round: round)
            if action.isAnsweredLocally, batch.count > 1 { offline += batch.count }
            for action in batch where !stopRequested && !isPast(options.deadline) {
                round.tried.insert(action.callKey)
                calls += 1
                let resolution = try await carryOut(action, pool: pool, desired: desired, log: log, report: &report)
                if resolution.changedCatalog { round.listingStale = true }
                round.see(resolution.seen)
                if let note = resolution.note { report.notes.append(note) }
            }
        }
        report.calls = calls
        if case .within(let budget) = options.comments, !stopRequested {
            let deadline = [options.deadline, clock.now().addingTimeInterval(budget)].compactMap { $0 }.min()
            try await sendComments(desired: desired, until: deadline, report: &report, log: log)
        }
        report.nextDue = nextDue(desired: desired, live: round.live)
        // Quarantined slots and failed requests are the operator's to look at (docs/behaviour.md §11.1).
        for problem in PassProblem.standing(in: state, failedBefore: failedBefore) { report.add(problem) }
        try await compactIfNeeded(desired: desired)
        return report
    }

    /// What the deadline problem says.
    static let deadlineMessage =
        "the pass reached its time limit (--timeout) with work left; it is done by the next pass"

    /// Listings of the pool in one pass at most: the first, and one after each batch of calls that
    /// changed the catalog.
    public static let maximumListings = 8

    /// Calls in one pass at most (a guard: each call is made once per pass, so this is never reached
    /// by a sane journal).
    public static let maximumCallsPerPass = 10_000

    /// Whether `deadline` has passed.
    func isPast(_ deadline: Date?) -> Bool {
        guard let deadline else { return false }
        return clock.now() >= deadline
    }

    /// The next call of `plan` for this pass, by ``CallOrder``, or `nil` when none is left.
    func nextCall(in plan: Plan, round: PassRound, productProblem: PassProblem?) -> PlannedAction? {
        let now = clock.now()
        let candidates = plan.actions.filter { action in
            if action.isComment { return false }
            if case .provision = action.kind, productProblem != nil { return false }
            if round.listingStale && CallOrder(action) == .readsListing { return false }
            return !round.tried.contains(action.callKey) && retries.allows(action.callKey, at: now)
        }
        return candidates.enumerated().min { ($0.element.order, $0.offset) < ($1.element.order, $1.offset) }?.element
    }

    /// The calls to make before planning again: `next` alone, or the run of calls like it that the plan holds
    /// and that no call before them can change, in queue order (docs/behaviour.md §3.13):
    /// - provisioning: the plan gave each its free slot, and one call's outcome changes no other's — planning
    ///   after each would plan the rest again, over every request;
    /// - activations (each available product's outputs read): one read's answer activates its own request only,
    ///   and none changes the catalog;
    /// - when GitHub is answered locally (`--local` without `github.json`: verifications skipped, pull
    ///   requests read from the outbox), every verification and pull request's reading: they take no time, so
    ///   "provisioned as soon as it is verified" still holds.
    /// So a first pass over N new requests plans a few times instead of N times.
    func batch(from next: PlannedAction, in plan: Plan, round: PassRound) -> [PlannedAction] {
        let alike: (PlannedAction) -> Bool
        if case .provision = next.kind {
            alike = { if case .provision = $0.kind { true } else { false } }
        } else if case .activate = next.kind {
            alike = { if case .activate = $0.kind { true } else { false } }
        } else if next.isAnsweredLocally, !github.checksRequesters {
            alike = \.isAnsweredLocally
        } else {
            return [next]
        }
        let now = clock.now()
        return plan.actions.filter { action in
            alike(action) && !round.tried.contains(action.callKey) && retries.allows(action.callKey, at: now)
        }
    }

    /// Carries out one call, keeping the pass's report and the retries of calls that got no answer.
    func carryOut(
        _ action: PlannedAction,
        pool: PoolConfiguration,
        desired: DesiredState,
        log: Logger,
        report: inout PassReport
    ) async throws -> Resolution {
        actionObserver?(action)
        if let lateness = lateness(of: action, pool: pool) { report.lateness.append(lateness) }
        let (resolution, unanswered, _) = try await execute(action, pool: pool, desired: desired, logger: log)
        report.executed.append(action)
        if let problem = resolution.problem { report.add(problem) }
        if unanswered { retries.failed(action.callKey, at: clock.now()) } else { retries.answered(action.callKey) }
        progressObserver?()
        return resolution
    }

    /// The next due work: the plan's, or a call's retry, whichever is first. Retries of calls no
    /// longer planned (their request moved on) are forgotten.
    func nextDue(desired: DesiredState, live: [LiveProduct]?) -> DueWork? {
        let input = PlannerInput(desired: desired, journal: state, live: live, now: clock.now(), poolName: poolName)
        let plan = Planner.plan(input)
        let planned = Set(plan.actions.map(\.callKey))
        retries.keepOnly(planned)
        return [plan.nextDue, retries.next(after: input.now)].compactMap { $0 }.min()
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
            let now = clock.now()
            // No input outlives the plan: it shares the state's storage, and recording into a shared state
            // copies every request, once per event (the first pass over many new requests spent its time so).
            plan = Planner.plan(
                PlannerInput(
                    desired: desired,
                    journal: state,
                    live: round.live,
                    now: now,
                    poolName: poolName,
                    allowMassRelease: round.allowance
                )
            )
            if !round.planned && step == 0 {
                round.planned = true
                report.notes = plan.notes
                report.brake = plan.brake
            }
            if plan.usedMassReleaseAllowance {
                report.usedMassReleaseAllowance = true
                round.allowance = false
            }
            let transitions = plan.actions.filter { !$0.isCall }
            guard !transitions.isEmpty, !stopRequested else { break }
            for action in transitions {
                actionObserver?(action)
                guard let event = ExecutionRules.transition(of: action, journal: state, now: now) else {
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

    /// Checks the pool's product when the check is due (``ProductCheck``); a problem holds back
    /// provisioning for this pass. Between checks the last check's problem stands.
    func checkProductIfDue(_ product: ProductReference, report: inout PassReport) async throws -> PassProblem? {
        let now = clock.now()
        if let last = productCheck, !last.isDue(for: product, now: now) { return nil }
        var productProblem: PassProblem?
        try await commitBeforeRead()
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
        productCheck = ProductCheck(product: product, at: now, failed: productProblem != nil)
        return productProblem
    }

    /// The pool's products, or `nil` (reported) when they cannot be listed.
    func listProducts(report: inout PassReport) async throws -> [LiveProduct]? {
        var live: [LiveProduct]?
        try await commitBeforeRead()
        do {
            live = try await catalog.listProducts(pool: poolName)
        } catch {
            report.add(.catalog(error, request: nil, doing: "cannot list the pool's products"))
        }
        return live
    }

    /// Writes a snapshot when enough records have piled up: final requests whose files are gone are kept
    /// as tombstones (``JournalState/compacted(fileExists:now:)``).
    ///
    /// The snapshot stands for every record up to the store's last: everything recorded is committed first (again
    /// if the comment lane recorded while a commit waited for a networked store), and from there to the
    /// store's call nothing suspends, so no record falls between the snapshot and the store's last.
    func compactIfNeeded(desired: DesiredState) async throws {
        guard recordsSinceCompaction >= compactionThreshold else { return }
        repeat { try await commit() } while !uncommitted.isEmpty
        let compacted = state.compacted(fileExists: { desired.requests[$0] != nil }, now: clock.now())
        state = compacted
        recordsSinceCompaction = 0
        do {
            try await store.compact(snapshot: JournalCodec.encodeSnapshot(compacted))
        } catch {
            throw FatalJournalError("cannot compact the journal: \(error)")
        }
    }
}

/// The working state of one pass.
struct PassRound {
    /// The pool's products as listed at the start of the pass (`nil`: they could not be listed).
    var live: [LiveProduct]?
    /// Whether a call changed the catalog since the listing (calls that read it wait for the next pass).
    var listingStale = false
    /// Whether `--allow-mass-release` still applies (it is used up by the first plan that needs it).
    var allowance: Bool
    /// Whether the pass planned once (its first plan's notes and brake are the pass's).
    var planned = false
    /// How many times the pool was listed in this pass.
    var listings = 0
    /// The calls made in this pass (``PlannedAction/callKey``): none is made twice.
    var tried: Set<String> = []

    init(allowance: Bool) {
        self.allowance = allowance
    }

    /// Takes products a call found by id as listed, until the pool is listed again (docs/behaviour.md §3.8).
    mutating func see(_ products: [LiveProduct]) {
        guard !products.isEmpty, var listed = live else { return }
        let ids = Set(products.map(\.id))
        listed.removeAll { ids.contains($0.id) }
        live = listed + products
    }
}

/// How a pass orders its calls (docs/behaviour.md §4): what frees or fills a slot first.
enum CallOrder: Int, Comparable {
    /// Terminations: a lease end is on time and a freed slot goes to the next in line.
    case terminates
    /// Provisioning, in queue order.
    case provisions
    /// Calls planned from the listing (activate, look a product up by id, inspect a record).
    case readsListing
    /// Verifications, in queue order.
    case verifies
    /// Comments (their own lane).
    case comments

    init(_ action: PlannedAction) {
        switch action.kind {
        case .terminate, .terminateOrphan: self = .terminates
        case .provision: self = .provisions
        case .activate, .describeProduct, .inspectRecord: self = .readsListing
        case .verify: self = .verifies
        default: self = .comments
        }
    }

    static func < (lhs: CallOrder, rhs: CallOrder) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension PlannedAction {
    /// Where it goes among a pass's calls.
    var order: CallOrder { CallOrder(self) }

    /// Whether it is a GitHub read that a local GitHub answers without a call (``Reconciler/batch(from:in:round:)``).
    var isAnsweredLocally: Bool {
        switch kind {
        case .verify, .readPullRequest: return true
        default: return false
        }
    }
}
