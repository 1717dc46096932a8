import Foundation
public import SandboxCore
public import SandboxRuntime

/// A Service Catalog in memory, for tests: the one fake ``CatalogPort``.
///
/// It keeps Service Catalog's contract (docs/behaviour.md §3): the same token returns the same receipt,
/// a second product with a live product's name is refused as ``CatalogError/Kind/duplicate``, products
/// carry the tags they were provisioned with and are listed by their `sandboxd:pool` tag, every
/// operation has a record for `DescribeRecord`.
///
/// By default a product is `AVAILABLE` as soon as it is provisioned and gone as soon as it is
/// terminated. A test can queue, per product name, how the next provisionings end (``queue(_:forName:)``:
/// `AVAILABLE`, `ERROR`, `TAINTED`, or `UNDER_CHANGE` until ``finishProvisioning(named:as:)``) and how the
/// next terminations end (``queueTerminations(_:forName:)``), and put an interceptor in front of any
/// operation (``intercept(_:)``) to fail, throttle, hang or delay chosen calls.
public actor InMemoryCatalog: CatalogPort {
    /// The operations of ``CatalogPort``, to count calls by.
    public enum Operation: String, Hashable, Sendable, CaseIterable {
        case provision, terminate, describeRecord, listProducts, describeProduct, outputs, checkProduct
    }

    /// How a provisioning ends.
    public enum ProvisionOutcome: Hashable, Sendable {
        /// `AVAILABLE`; the record `SUCCEEDED`.
        case available
        /// `ERROR` with this status message; the record `FAILED` with it.
        case error(String)
        /// `TAINTED` with this status message; the record `FAILED` with it.
        case tainted(String)
        /// `UNDER_CHANGE`, the record `IN_PROGRESS`, until ``InMemoryCatalog/finishProvisioning(named:as:)``.
        case underChange
    }

    /// How a termination ends.
    public enum TerminationOutcome: Hashable, Sendable {
        /// The product is gone; the record `SUCCEEDED`.
        case gone
        /// The product stays, `TAINTED` with this status message; the record `FAILED` with it.
        case failed(String)
    }

    private let clock: any SandboxClock
    private let defaultOutputs: [ProductOutput]
    private var interceptors = Interceptors()
    private var products: [LiveProduct] = []
    private var productOutputs: [String: [ProductOutput]] = [:]
    private var records: [String: CatalogRecord] = [:]
    private var receiptsByToken: [String: CatalogReceipt] = [:]
    private var provisionOutcomes: [String: [ProvisionOutcome]] = [:]
    private var terminationOutcomes: [String: [TerminationOutcome]] = [:]
    private var callCounts: [Operation: Int] = [:]
    private var counter = 0

    /// Every ``provision(_:)`` call made, repeats and intercepted calls included, in order.
    public private(set) var provisionCalls: [ProvisionRequest] = []
    /// Every ``terminate(provisionedProductId:token:)`` call made, in order.
    public private(set) var terminateCalls: [TerminateCall] = []

    /// A catalog whose products get `outputs` and are stamped with `clock`'s time.
    ///
    /// - Parameters:
    ///   - clock: stamps new products and records.
    ///   - outputs: the outputs every product gets unless inserted with its own.
    ///   - products: products that exist from the start (made outside sandboxd, or before a test's story).
    public init(
        clock: any SandboxClock,
        outputs: [ProductOutput] = [ProductOutput(key: "BucketName", value: "bucket-1")],
        products: [LiveProduct] = []
    ) {
        self.clock = clock
        defaultOutputs = outputs
        self.products = products
        for product in products { productOutputs[product.id] = outputs }
    }

    // MARK: - For assertions and set-up

    /// The products that exist now, in the order they were made.
    public var liveProducts: [LiveProduct] { products }

    /// How many calls of `operation` were made (intercepted ones included).
    public func calls(_ operation: Operation) -> Int { callCounts[operation, default: 0] }

    /// The record `id`, if the catalog made it.
    public func record(id: String) -> CatalogRecord? { records[id] }

    /// Makes the next provisionings of a product named `name` (new tokens) end as `outcomes`, in order.
    public func queue(_ outcomes: [ProvisionOutcome], forName name: String) {
        provisionOutcomes[name, default: []].append(contentsOf: outcomes)
    }

    /// Makes the next terminations of the product named `name` end as `outcomes`, in order.
    public func queueTerminations(_ outcomes: [TerminationOutcome], forName name: String) {
        terminationOutcomes[name, default: []].append(contentsOf: outcomes)
    }

    /// Ends the provisioning of the `UNDER_CHANGE` product named `name` as `outcome`.
    public func finishProvisioning(named name: String, as outcome: ProvisionOutcome) {
        guard let index = products.firstIndex(where: { $0.name == name }) else { return }
        settle(index, as: outcome)
    }

    /// Adds a product made outside sandboxd (an orphan, a product to adopt).
    public func insert(_ product: LiveProduct, outputs: [ProductOutput]? = nil) {
        products.append(product)
        productOutputs[product.id] = outputs ?? defaultOutputs
    }

    /// Removes the product named `name` behind sandboxd's back, as someone deleting it in the console would.
    public func removeProduct(named name: String) {
        products.removeAll { $0.name == name }
    }

    /// Replaces every interceptor by `interceptors`.
    public func intercept(_ interceptors: Interceptors) {
        self.interceptors = interceptors
    }

    /// Changes some interceptors, e.g. `{ $0.listProducts = InMemoryCatalog.answering(calls: [1]) { _ in [] } }`.
    public func intercept(_ change: @Sendable (inout Interceptors) -> Void) {
        change(&interceptors)
    }

    // MARK: - CatalogPort

    /// Provisions a product (see the type's description), through the `provision` interceptor if any.
    public func provision(_ request: ProvisionRequest) async throws(CatalogError) -> CatalogReceipt {
        count(.provision)
        provisionCalls.append(request)
        guard let interceptor = interceptors.provision else { return try performProvision(request) }
        return try await interceptor(request) { request throws(CatalogError) in
            try await self.performProvision(request)
        }
    }

    /// Terminates a product, through the `terminate` interceptor if any.
    public func terminate(provisionedProductId: String, token: String) async throws(CatalogError) -> CatalogReceipt {
        count(.terminate)
        let call = TerminateCall(provisionedProductId: provisionedProductId, token: token)
        terminateCalls.append(call)
        guard let interceptor = interceptors.terminate else { return try performTerminate(call) }
        return try await interceptor(call) { call throws(CatalogError) in try await self.performTerminate(call) }
    }

    /// The record `id`, through the `describeRecord` interceptor if any.
    public func describeRecord(id: String) async throws(CatalogError) -> CatalogRecord {
        count(.describeRecord)
        guard let interceptor = interceptors.describeRecord else { return try performDescribeRecord(id) }
        return try await interceptor(id) { id throws(CatalogError) in try await self.performDescribeRecord(id) }
    }

    /// The products tagged with `pool`, through the `listProducts` interceptor if any.
    public func listProducts(pool: String) async throws(CatalogError) -> [LiveProduct] {
        count(.listProducts)
        guard let interceptor = interceptors.listProducts else { return performListProducts(pool) }
        return try await interceptor(pool) { pool throws(CatalogError) in await self.performListProducts(pool) }
    }

    /// The product `id` (`nil`: it does not exist), through the `describeProduct` interceptor if any.
    public func describeProduct(id: String) async throws(CatalogError) -> LiveProduct? {
        count(.describeProduct)
        guard let interceptor = interceptors.describeProduct else { return performDescribe(id) }
        return try await interceptor(id) { id throws(CatalogError) in await self.performDescribe(id) }
    }

    /// A product's outputs, through the `outputs` interceptor if any.
    public func outputs(provisionedProductId: String) async throws(CatalogError) -> [ProductOutput] {
        count(.outputs)
        guard let interceptor = interceptors.outputs else { return try performOutputs(provisionedProductId) }
        return try await interceptor(provisionedProductId) { id throws(CatalogError) in
            try await self.performOutputs(id)
        }
    }

    /// Succeeds, unless the `checkProduct` interceptor says otherwise.
    public func checkProduct(_ product: ProductReference) async throws(CatalogError) {
        count(.checkProduct)
        guard let interceptor = interceptors.checkProduct else { return }
        try await interceptor(product) { _ throws(CatalogError) in }
    }

    // MARK: - The catalog's own behaviour

    private func count(_ operation: Operation) {
        callCounts[operation, default: 0] += 1
    }

    private func nextNumber() -> Int {
        counter += 1
        return counter
    }

    private func performProvision(_ request: ProvisionRequest) throws(CatalogError) -> CatalogReceipt {
        if let known = receiptsByToken["provision:" + request.token] { return known }
        if products.contains(where: { $0.name == request.name }) {
            throw CatalogError(
                .duplicate,
                code: "DuplicateResourceException",
                message: "a provisioned product named \(request.name) already exists"
            )
        }
        let number = nextNumber()
        let product = LiveProduct(
            id: "pp-\(number)",
            name: request.name,
            status: .underChange,
            tags: request.tags,
            lastRecordId: "rec-\(number)",
            createdTime: clock.now()
        )
        products.append(product)
        productOutputs[product.id] = defaultOutputs
        records[product.lastRecordId!] = CatalogRecord(
            id: product.lastRecordId!,
            status: .inProgress,
            provisionedProductId: product.id
        )
        settle(products.count - 1, as: Self.next(&provisionOutcomes, request.name, .available))
        let receipt = CatalogReceipt(recordId: product.lastRecordId!, provisionedProductId: product.id)
        receiptsByToken["provision:" + request.token] = receipt
        return receipt
    }

    /// Applies a provisioning outcome to the product at `index` and its last record.
    private func settle(_ index: Int, as outcome: ProvisionOutcome) {
        let recordId = products[index].lastRecordId ?? ""
        switch outcome {
        case .available:
            products[index].status = .available
            records[recordId]?.status = .succeeded
        case .error(let message):
            fail(index, status: .error, message: message)
        case .tainted(let message):
            fail(index, status: .tainted, message: message)
        case .underChange:
            products[index].status = .underChange
            records[recordId]?.status = .inProgress
        }
    }

    /// Leaves the product at `index` in `status` with `message`, its last record failed with it.
    private func fail(_ index: Int, status: LiveProduct.Status, message: String) {
        let recordId = products[index].lastRecordId ?? ""
        products[index].status = status
        products[index].statusMessage = message
        records[recordId]?.status = .failed
        records[recordId]?.errors = [message]
    }

    /// The next queued outcome for `name`, taken off its queue; `fallback` when none is queued.
    private static func next<Outcome>(
        _ queue: inout [String: [Outcome]],
        _ name: String,
        _ fallback: Outcome
    ) -> Outcome {
        guard var outcomes = queue[name], !outcomes.isEmpty else { return fallback }
        let outcome = outcomes.removeFirst()
        queue[name] = outcomes
        return outcome
    }

    private func performTerminate(_ call: TerminateCall) throws(CatalogError) -> CatalogReceipt {
        if let known = receiptsByToken["terminate:" + call.token] { return known }
        guard let index = products.firstIndex(where: { $0.id == call.provisionedProductId }) else {
            throw CatalogError(
                .notFound,
                code: "ResourceNotFoundException",
                message: "provisioned product \(call.provisionedProductId) not found"
            )
        }
        if products[index].status == .underChange {
            throw CatalogError(
                .invalidRequest,
                code: "InvalidStateException",
                message: "provisioned product \(call.provisionedProductId) is under change"
            )
        }
        let recordId = "rec-\(nextNumber())"
        let name = products[index].name
        let outcome = Self.next(&terminationOutcomes, name, TerminationOutcome.gone)
        switch outcome {
        case .gone:
            records[recordId] = CatalogRecord(
                id: recordId,
                status: .succeeded,
                provisionedProductId: call.provisionedProductId
            )
            products.remove(at: index)
        case .failed(let message):
            records[recordId] = CatalogRecord(
                id: recordId,
                status: .failed,
                provisionedProductId: call.provisionedProductId,
                errors: [message]
            )
            products[index].status = .tainted
            products[index].statusMessage = message
            products[index].lastRecordId = recordId
        }
        let receipt = CatalogReceipt(recordId: recordId, provisionedProductId: call.provisionedProductId)
        receiptsByToken["terminate:" + call.token] = receipt
        return receipt
    }

    private func performDescribeRecord(_ id: String) throws(CatalogError) -> CatalogRecord {
        guard let record = records[id] else {
            throw CatalogError(.notFound, code: "ResourceNotFoundException", message: "record \(id) not found")
        }
        return record
    }

    private func performDescribe(_ id: String) -> LiveProduct? {
        products.first { $0.id == id }
    }

    private func performListProducts(_ pool: String) -> [LiveProduct] {
        products.filter { $0.tags[TagKey.pool] == pool }
    }

    private func performOutputs(_ provisionedProductId: String) throws(CatalogError) -> [ProductOutput] {
        guard products.contains(where: { $0.id == provisionedProductId }) else {
            throw CatalogError(
                .notFound,
                code: "ResourceNotFoundException",
                message: "provisioned product \(provisionedProductId) not found"
            )
        }
        return productOutputs[provisionedProductId] ?? defaultOutputs
    }
}
