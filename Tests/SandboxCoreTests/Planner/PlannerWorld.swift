import Foundation
import SandboxCore

/// A pass of sandboxd without its effects: plans rounds and "executes" them by recording the
/// journal events the executor (`Reconciler+Actions.swift`) would record, against an in-memory
/// catalog and GitHub.
struct PlannerWorld {
    var desired: DesiredState
    var journal: JournalState
    var catalog = FakeCatalog()
    var github = FakeGitHub()
    var now = t0
    var poolName = "default"
    /// `--allow-mass-release` for the next pass (used up by the pass that needs it).
    var allowMassRelease = false
    /// When set, listing the pool's products fails (`live` is `nil`).
    var listingFails = false
    /// Every event recorded so far, in order.
    private(set) var recorded: [JournalEvent] = []
    /// The last plan made.
    private(set) var lastPlan = Plan()

    init(
        pool: PoolConfiguration = makePool(),
        files: [RequestSpec] = [],
        journal histories: [[JournalEvent]] = [],
        live: [LiveProduct] = []
    ) {
        self.desired = makeDesired(pool: pool, files: files)
        self.journal = makeJournal(histories)
        for product in live { catalog.products[product.id] = product }
    }

    // MARK: Changing the world

    /// Lets time pass.
    mutating func advance(_ duration: String) { now = now.addingTimeInterval(seconds(duration)) }

    /// Writes (or rewrites) a valid request file.
    mutating func write(_ spec: RequestSpec) { desired.requests[spec.id] = .valid(spec) }

    /// Removes a request file.
    mutating func remove(_ id: String) { desired.requests[RequestID(id)!] = nil }

    /// Replaces `pool.json`.
    mutating func setPool(_ pool: PoolConfiguration) { desired.pool = pool }

    // MARK: Passes

    /// What the planner says now.
    func plan() -> Plan {
        Planner.plan(
            PlannerInput(
                desired: desired,
                journal: journal,
                live: listingFails ? nil : catalog.live,
                now: now,
                poolName: poolName,
                allowMassRelease: allowMassRelease
            )
        )
    }

    /// One pass: plans and executes up to `rounds` rounds, until a round changes nothing.
    ///
    /// - Returns: the actions carried out, as ``PlannedAction/summary``.
    @discardableResult
    mutating func simulate(rounds: Int = 12) -> [String] {
        var done: [String] = []
        for _ in 0..<rounds {
            let plan = plan()
            lastPlan = plan
            if plan.usedMassReleaseAllowance { allowMassRelease = false }
            let before = recorded.count
            for action in plan.actions { execute(action) }
            done += plan.actions.map(\.summary)
            if recorded.count == before { break }
        }
        return done
    }

    // MARK: Reading the result

    func record(_ id: String) -> RequestRecord? { journal.requests[RequestID(id)!] }

    func state(_ id: String) -> RequestState? { record(id)?.state }

    // MARK: The executor, in memory

    private mutating func append(_ event: JournalEvent) {
        recorded.append(event)
        journal.apply(event)
    }

    /// Carries `action` out as the executor does: the transition's event, or the call's intent, then
    /// the events the core's ``ExecutionRules`` make of what the in-memory catalog or GitHub answered.
    mutating func execute(_ action: PlannedAction) {
        if let event = ExecutionRules.transition(of: action, journal: journal, now: now) {
            append(event)
            return
        }
        if let intent = ExecutionRules.intent(of: action) { append(intent) }
        let resolution = ExecutionRules.resolve(
            action,
            outcome: answer(action),
            journal: journal,
            pool: desired.pool ?? makePool(),
            now: now
        )
        for event in resolution.events { append(event) }
    }

    /// What the in-memory catalog or GitHub answers to the call of `action`.
    private mutating func answer(_ action: PlannedAction) -> CallOutcome {
        func catalogAnswer(_ result: Result<CatalogReceipt, CatalogError>) -> CallOutcome {
            switch result {
            case .success(let receipt): return .accepted(receipt)
            case .failure(let error): return .catalogFailed(error)
            }
        }
        switch action.kind {
        case .verify(_, let request):
            return .verification(github.verdict(for: request.spec.requester), cause: nil)
        case .provision(_, _, let request):
            return catalogAnswer(catalog.provision(request, now: now))
        case .inspectRecord(_, let recordId, _):
            guard let record = catalog.records[recordId] else {
                return .catalogFailed(CatalogError(.notFound, message: "no record \(recordId)"))
            }
            return .record(record)
        case .activate:
            return .outputs(catalog.outputs)
        case .terminate(_, _, let productId, let token):
            return catalogAnswer(catalog.terminate(productId, token: token))
        case .terminateOrphan(let product, let token):
            return catalogAnswer(catalog.terminate(product.id, token: token))
        case .markLost:
            return .listing(catalog.live)
        case .notify(let id, let plan):
            return .commented(github.post(id, plan))
        case .observe, .admit, .reject, .drop, .extendLease, .failAttempt, .settle, .quarantine, .adopt,
            .settleOrphan:
            preconditionFailure("\(action.name) is a transition")
        }
    }
}

/// Service Catalog in memory: provisioning is idempotent by token, products settle at once.
struct FakeCatalog {
    /// Live products by id.
    var products: [String: LiveProduct] = [:]
    var records: [String: CatalogRecord] = [:]
    /// Every provisioning call that made a product.
    private(set) var provisionCalls: [ProvisionRequest] = []
    /// Per product name, the status each next provisioning ends in (default `AVAILABLE`).
    var outcomes: [String: [LiveProduct.Status]] = [:]
    /// Products whose termination always fails.
    var failingTerminations: Set<String> = []
    /// The outputs every product has.
    var outputs = [ProductOutput(key: "BucketName", value: "bucket-1")]
    private var receipts: [String: CatalogReceipt] = [:]
    private var counter = 0

    var live: [LiveProduct] { products.values.sorted { $0.id < $1.id } }

    mutating func provision(_ request: ProvisionRequest, now: Date) -> Result<CatalogReceipt, CatalogError> {
        if let receipt = receipts[request.token] { return .success(receipt) }
        if products.values.contains(where: { $0.name == request.name }) {
            return .failure(CatalogError(.duplicate, message: "\(request.name) exists"))
        }
        counter += 1
        let status = outcomes[request.name]?.isEmpty == false ? outcomes[request.name]!.removeFirst() : .available
        let product = LiveProduct(
            id: "pp-\(counter)",
            name: request.name,
            status: status,
            tags: request.tags,
            lastRecordId: "rec-\(counter)",
            createdTime: now,
            statusMessage: status == .available ? nil : "stack ROLLBACK_COMPLETE"
        )
        products[product.id] = product
        let failed = status == .error || status == .tainted
        records["rec-\(counter)"] = CatalogRecord(
            id: "rec-\(counter)",
            status: failed ? .failed : .succeeded,
            provisionedProductId: product.id,
            errors: failed ? ["stack ROLLBACK_COMPLETE"] : []
        )
        provisionCalls.append(request)
        let receipt = CatalogReceipt(recordId: "rec-\(counter)", provisionedProductId: product.id)
        receipts[request.token] = receipt
        return .success(receipt)
    }

    mutating func terminate(_ productId: String, token: String) -> Result<CatalogReceipt, CatalogError> {
        if let receipt = receipts[token] { return .success(receipt) }
        guard products[productId] != nil else {
            return .failure(CatalogError(.notFound, message: "\(productId) not found"))
        }
        if failingTerminations.contains(productId) {
            return .failure(CatalogError(.other, code: "DELETE_FAILED", message: "a resource would not delete"))
        }
        counter += 1
        products[productId] = nil
        records["rec-\(counter)"] = CatalogRecord(
            id: "rec-\(counter)",
            status: .succeeded,
            provisionedProductId: productId
        )
        let receipt = CatalogReceipt(recordId: "rec-\(counter)", provisionedProductId: productId)
        receipts[token] = receipt
        return .success(receipt)
    }
}

/// GitHub in memory: verifies everyone unless told otherwise, and keeps the comments.
struct FakeGitHub {
    /// One comment as posted or last edited.
    struct Comment: Hashable {
        var request: String
        var event: NotificationEvent
        var occurrence: Int
        var position: Int?
        var edits: Int
    }

    /// Verdicts by lower-cased login (default: verified with ``userId(of:)``).
    var verdicts: [String: VerificationOutcome] = [:]
    private(set) var comments: [Int64: Comment] = [:]

    func verdict(for login: String) -> VerificationOutcome {
        verdicts[login.lowercased()] ?? .verified(userId: userId(of: login), login: login)
    }

    mutating func post(_ id: RequestID, _ plan: NotificationPlan) -> CommentReference {
        if let edit = plan.edit, var existing = comments[edit.id] {
            existing.position = plan.position
            existing.edits += 1
            comments[edit.id] = existing
            return edit
        }
        let reference = CommentReference(id: Int64(comments.count + 1))
        comments[reference.id] = Comment(
            request: id.rawValue,
            event: plan.event,
            occurrence: plan.occurrence,
            position: plan.position,
            edits: 0
        )
        return reference
    }

    /// The comments on `request`'s pull request, oldest first, as `event[#n][ at position]`.
    func thread(_ request: String) -> [String] {
        comments.sorted { $0.key < $1.key }.map(\.value).filter { $0.request == request }.map { comment in
            var text = comment.event.rawValue
            if comment.occurrence > 1 { text += " #\(comment.occurrence)" }
            if let position = comment.position { text += " at \(position)" }
            return text
        }
    }
}
