public import Foundation
public import SandboxCore
public import SandboxRuntime

/// The embedded Service Catalog simulator behind `--local`.
///
/// Products take ``provisionSeconds`` to become available and ``terminateSeconds`` to go, measured
/// against timestamps kept in its storage, so the simulation goes on across processes. Tokens are
/// honoured like Service Catalog's: the same token returns the same record.
///
/// To try the failure paths by hand, write `<state-dir>/local/faults.json`, mapping a product name
/// to `"fail-provision"` (ends `ERROR`), `"stuck"` (stays `UNDER_CHANGE`) or `"fail-terminate"`
/// (termination fails), e.g. `{"sandbox-alice": "fail-provision"}`; `"slow-provision"` makes the provisioning
/// call itself take ``slowCallSeconds`` to answer (to try a signal during a call, docs/behaviour.md §10.2).
public actor LocalCatalog: CatalogPort {
    let storage: any LocalCatalogStorage
    let clock: any SandboxClock
    let faults: @Sendable () -> [String: String]
    public let provisionSeconds: TimeInterval
    public let terminateSeconds: TimeInterval
    /// The file a `slow-provision` call keeps while it waits (`nil`: such a call answers at once).
    let slowCallFile: URL?

    /// How long a `slow-provision` call takes to answer, at most.
    public static let slowCallSeconds: TimeInterval = 30

    public init(
        storage: any LocalCatalogStorage,
        clock: any SandboxClock = SystemClock(),
        provisionSeconds: TimeInterval = 3,
        terminateSeconds: TimeInterval = 2,
        faults: @escaping @Sendable () -> [String: String] = { [:] },
        slowCallFile: URL? = nil
    ) {
        self.slowCallFile = slowCallFile
        self.storage = storage
        self.clock = clock
        self.provisionSeconds = provisionSeconds
        self.terminateSeconds = terminateSeconds
        self.faults = faults
    }

    /// A simulator kept in `<state-dir>/local/`, with its faults file.
    public static func inStateDirectory(
        _ stateDirectory: URL,
        readOnly: Bool,
        clock: any SandboxClock = SystemClock()
    )
        -> LocalCatalog
    {
        let storage = FileCatalogStorage(stateDirectory: stateDirectory, readOnly: readOnly)
        let faultsPath = storage.faultsFile.path
        return LocalCatalog(
            storage: storage,
            clock: clock,
            faults: {
                guard let data = FileManager.default.contents(atPath: faultsPath),
                    let faults = try? JSONDecoder().decode([String: String].self, from: data)
                else { return [:] }
                return faults
            },
            slowCallFile: storage.slowCallFile
        )
    }

    /// A `slow-provision` call's wait (docs/behaviour.md §10.2): it writes ``slowCallFile`` (holding the
    /// product's name) and answers once the file is deleted or ``slowCallSeconds`` passed, or when cancelled.
    func waitAsASlowCall(_ name: String) async {
        guard let file = slowCallFile else { return }
        try? FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        guard FileManager.default.createFile(atPath: file.path, contents: Data((name + "\n").utf8)) else { return }
        defer { try? FileManager.default.removeItem(at: file) }
        let end = clock.now().addingTimeInterval(Self.slowCallSeconds)
        while FileManager.default.fileExists(atPath: file.path), clock.now() < end {
            do {
                try await clock.sleep(until: min(end, clock.now().addingTimeInterval(0.05)))
            } catch {
                return
            }
        }
    }

    /// Loads the state, lets simulated time pass, runs `body`, and saves what changed.
    func update<T>(_ body: (inout SimulatorState) throws(CatalogError) -> T) throws(CatalogError) -> T {
        var state: SimulatorState
        do {
            state = try storage.load()
        } catch {
            throw CatalogError(.other, message: "\(error)")
        }
        let loaded = state
        advance(&state)
        let result = try body(&state)
        // Reads that found nothing due leave the file alone: no rewrite and fsync per listing.
        guard state != loaded else { return result }
        do {
            try storage.save(state)
        } catch {
            throw CatalogError(.other, message: "\(error)")
        }
        return result
    }

    /// Completes every operation whose time has come.
    func advance(_ state: inout SimulatorState) {
        let now = clock.now()
        let faults = faults()
        var kept: [SimulatorState.Product] = []
        for var product in state.products {
            guard let due = product.changeCompletesAt, due <= now else {
                kept.append(product)
                continue
            }
            let fault = faults[product.name]
            product.changeCompletesAt = nil
            if product.operation == "provision" {
                if fault == "fail-provision" {
                    product.status = "ERROR"
                    product.statusMessage = "simulated failure (faults.json)"
                    state.records[product.lastRecordId]?.status = "FAILED"
                    state.records[product.lastRecordId]?.errors = ["simulated provisioning failure"]
                } else {
                    product.status = "AVAILABLE"
                    state.records[product.lastRecordId]?.status = "SUCCEEDED"
                }
                product.operation = nil
                kept.append(product)
            } else {
                if fault == "fail-terminate" {
                    product.status = "TAINTED"
                    product.statusMessage = "simulated termination failure (faults.json)"
                    product.operation = nil
                    state.records[product.lastRecordId]?.status = "FAILED"
                    state.records[product.lastRecordId]?.errors = ["simulated termination failure"]
                    kept.append(product)
                } else {
                    state.records[product.lastRecordId]?.status = "SUCCEEDED"
                }
            }
        }
        state.products = kept
    }

    func nextID(_ prefix: String, _ state: inout SimulatorState) -> String {
        state.serial += 1
        let digits = String(state.serial)
        return prefix + String(repeating: "0", count: max(0, 13 - digits.count)) + digits
    }

    public func provision(_ request: ProvisionRequest) async throws(CatalogError) -> CatalogReceipt {
        if faults()[request.name] == "slow-provision" { await waitAsASlowCall(request.name) }
        let now = clock.now()
        let stuck = faults()[request.name] == "stuck"
        let provisionSeconds = provisionSeconds
        return try update { (state: inout SimulatorState) throws(CatalogError) -> CatalogReceipt in
            if let record = state.records.values.first(where: {
                $0.token == request.token && $0.type == "PROVISION_PRODUCT"
            }) {
                return CatalogReceipt(recordId: record.id, provisionedProductId: record.productId)
            }
            if state.products.contains(where: { $0.name == request.name }) {
                throw CatalogError(
                    .duplicate,
                    code: "DuplicateResourceException",
                    message: "a provisioned product named \(request.name) already exists"
                )
            }
            let productID = nextID("pp-", &state)
            let recordID = nextID("rec-", &state)
            let suffix = productID.suffix(6)
            state.products.append(
                SimulatorState.Product(
                    id: productID,
                    name: request.name,
                    tags: request.tags,
                    status: "UNDER_CHANGE",
                    statusMessage: nil,
                    createdAt: now,
                    changeCompletesAt: stuck ? nil : now.addingTimeInterval(provisionSeconds),
                    operation: "provision",
                    lastRecordId: recordID,
                    outputs: Self.simulatedOutputs(name: request.name, suffix: String(suffix))
                )
            )
            state.records[recordID] = SimulatorState.Record(
                id: recordID,
                type: "PROVISION_PRODUCT",
                productId: productID,
                token: request.token,
                status: "IN_PROGRESS",
                errors: []
            )
            return CatalogReceipt(recordId: recordID, provisionedProductId: productID)
        }
    }

    public func terminate(provisionedProductId: String, token: String) async throws(CatalogError) -> CatalogReceipt {
        let now = clock.now()
        let terminateSeconds = terminateSeconds
        return try update { (state: inout SimulatorState) throws(CatalogError) -> CatalogReceipt in
            if let record = state.records.values.first(where: {
                $0.token == token && $0.type == "TERMINATE_PROVISIONED_PRODUCT"
            }) {
                return CatalogReceipt(recordId: record.id, provisionedProductId: record.productId)
            }
            guard let index = state.products.firstIndex(where: { $0.id == provisionedProductId }) else {
                throw CatalogError(
                    .notFound,
                    code: "ResourceNotFoundException",
                    message: "provisioned product \(provisionedProductId) not found"
                )
            }
            if state.products[index].status == "UNDER_CHANGE" {
                throw CatalogError(
                    .invalidRequest,
                    code: "InvalidStateException",
                    message: "provisioned product \(provisionedProductId) is under change"
                )
            }
            let recordID = nextID("rec-", &state)
            state.products[index].status = "UNDER_CHANGE"
            state.products[index].operation = "terminate"
            state.products[index].changeCompletesAt = now.addingTimeInterval(terminateSeconds)
            state.products[index].lastRecordId = recordID
            state.records[recordID] = SimulatorState.Record(
                id: recordID,
                type: "TERMINATE_PROVISIONED_PRODUCT",
                productId: provisionedProductId,
                token: token,
                status: "IN_PROGRESS",
                errors: []
            )
            return CatalogReceipt(recordId: recordID, provisionedProductId: provisionedProductId)
        }
    }

    public func describeRecord(id: String) async throws(CatalogError) -> CatalogRecord {
        try update { (state: inout SimulatorState) throws(CatalogError) -> CatalogRecord in
            guard let record = state.records[id] else {
                throw CatalogError(.notFound, code: "ResourceNotFoundException", message: "record \(id) not found")
            }
            return CatalogRecord(
                id: record.id,
                status: CatalogRecord.Status(rawValue: record.status) ?? .inProgress,
                provisionedProductId: record.productId,
                errors: record.errors
            )
        }
    }

    public func listProducts(pool: String) async throws(CatalogError) -> [LiveProduct] {
        try update { (state: inout SimulatorState) throws(CatalogError) -> [LiveProduct] in
            state.products.filter { $0.tags[TagKey.pool] == pool }.map(Self.live)
        }
    }

    /// The product `id`, or `nil` once it is gone (deleted from `catalog.json`, or terminated).
    public func describeProduct(id: String) async throws(CatalogError) -> LiveProduct? {
        try update { (state: inout SimulatorState) throws(CatalogError) -> LiveProduct? in
            state.products.first { $0.id == id }.map(Self.live)
        }
    }

    static func live(_ product: SimulatorState.Product) -> LiveProduct {
        LiveProduct(
            id: product.id,
            name: product.name,
            status: LiveProduct.Status(rawValue: product.status) ?? .underChange,
            tags: product.tags,
            lastRecordId: product.lastRecordId,
            createdTime: product.createdAt,
            statusMessage: product.statusMessage
        )
    }

    /// Made-up outputs under the names of `catalog/metaflow-sandbox.yaml`'s outputs (docs/behaviour.md §10.1),
    /// so that the local demo's `ready` comment is the one a real sandbox gets.
    static func simulatedOutputs(name: String, suffix: String) -> [String: String] {
        let account = "arn:aws:iam::000000000000"
        let bucket = "\(name)-datastore-\(suffix)"
        return [
            "MetaflowDatastoreSysrootS3": "s3://\(bucket)/metaflow",
            "MetaflowDatatoolsS3Root": "s3://\(bucket)/data",
            "MetaflowBatchJobQueue": "arn:aws:batch:local-1:000000000000:job-queue/\(name)-queue",
            "MetaflowBatchContainerImage": "000000000000.dkr.ecr.local-1.amazonaws.com/sandboxd/metaflow-batch:3.12",
            "MetaflowEcsS3AccessIamRole": "\(account):role/sandboxd/\(name)-batch_job_role",
            "MetaflowEcsFargateExecutionRole": "\(account):role/sandboxd/\(name)-task_execution_role",
            "MetaflowServiceUrl": "http://internal-\(name)-metadata.elb.local-1.amazonaws.com/",
            "MetaflowSfnIamRole": "\(account):role/sandboxd/\(name)-step_functions_role",
            "MetaflowEventsSfnAccessIamRole": "\(account):role/sandboxd/\(name)-eventbridge_role",
            "MetaflowSfnDynamoDbTable": "\(name)-step_functions_table",
            "MetaflowSfnStateMachinePrefix": "\(name)_",
            "Region": "local-1",
            "NotebookUrl": "https://local-1.console.aws.amazon.com/sagemaker/home?region=local-1"
                + "#/notebook-instances/openNotebook/\(name)?view=lab",
            "AccessRoleArn": "\(account):role/sandboxd/\(name)-access_role",
        ]
    }

    public func outputs(provisionedProductId: String) async throws(CatalogError) -> [ProductOutput] {
        try update { (state: inout SimulatorState) throws(CatalogError) -> [ProductOutput] in
            guard let product = state.products.first(where: { $0.id == provisionedProductId }) else {
                throw CatalogError(
                    .notFound,
                    code: "ResourceNotFoundException",
                    message: "provisioned product \(provisionedProductId) not found"
                )
            }
            return product.outputs.sorted { $0.key < $1.key }.map { ProductOutput(key: $0.key, value: $0.value) }
        }
    }

    public func checkProduct(_ product: ProductReference) async throws(CatalogError) {}

    /// Every product the simulator holds, for tests and `status`.
    public func allProducts() throws(CatalogError) -> [SimulatorState.Product] {
        try update { (state: inout SimulatorState) throws(CatalogError) -> [SimulatorState.Product] in state.products }
    }
}
