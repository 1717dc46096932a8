public import SandboxCore

/// Wraps a ``CatalogPort`` for crash tests: every call is a step of a ``CrashPoint``.
///
/// At the crash step the wrapped call has been made (its effect happened) and its answer is lost: the
/// caller gets ``CatalogError/Kind/unavailable``. After the crash no call reaches the wrapped catalog.
public struct CrashingCatalog: CatalogPort {
    private let wrapped: any CatalogPort
    private let crash: CrashPoint

    /// Wraps `wrapped`, counting steps on `crash`.
    public init(_ wrapped: any CatalogPort, crash: CrashPoint) {
        self.wrapped = wrapped
        self.crash = crash
    }

    /// Provisions through the wrapped catalog: one step.
    public func provision(_ request: ProvisionRequest) async throws(CatalogError) -> CatalogReceipt {
        try await step("provision") { () async throws(CatalogError) in try await wrapped.provision(request) }
    }

    /// Terminates through the wrapped catalog: one step.
    public func terminate(provisionedProductId: String, token: String) async throws(CatalogError) -> CatalogReceipt {
        try await step("terminate") { () async throws(CatalogError) in
            try await wrapped.terminate(provisionedProductId: provisionedProductId, token: token)
        }
    }

    /// Reads a record through the wrapped catalog: one step.
    public func describeRecord(id: String) async throws(CatalogError) -> CatalogRecord {
        try await step("describeRecord") { () async throws(CatalogError) in try await wrapped.describeRecord(id: id) }
    }

    /// Lists through the wrapped catalog: one step.
    public func listProducts(pool: String) async throws(CatalogError) -> [LiveProduct] {
        try await step("listProducts") { () async throws(CatalogError) in try await wrapped.listProducts(pool: pool) }
    }

    /// Describes a product through the wrapped catalog: one step.
    public func describeProduct(id: String) async throws(CatalogError) -> LiveProduct? {
        try await step("describeProduct") { () async throws(CatalogError) in try await wrapped.describeProduct(id: id) }
    }

    /// Reads outputs through the wrapped catalog: one step.
    public func outputs(provisionedProductId: String) async throws(CatalogError) -> [ProductOutput] {
        try await step("outputs") { () async throws(CatalogError) in
            try await wrapped.outputs(provisionedProductId: provisionedProductId)
        }
    }

    /// Checks the product through the wrapped catalog: one step.
    public func checkProduct(_ product: ProductReference) async throws(CatalogError) {
        try await step("checkProduct") { () async throws(CatalogError) in try await wrapped.checkProduct(product) }
    }

    /// Makes `call` unless the process was killed, counts the step, and loses the answer at the crash.
    private func step<Answer>(
        _ name: String,
        _ call: () async throws(CatalogError) -> Answer
    ) async throws(CatalogError) -> Answer {
        do { try crash.checkAlive() } catch { throw Self.killed(error) }
        let result: Result<Answer, CatalogError>
        do { result = .success(try await call()) } catch { result = .failure(error) }
        do { try crash.step("catalog.\(name)") } catch { throw Self.killed(error) }
        return try result.get()
    }

    /// What a caller of a killed process gets: no answer.
    private static func killed(_ crash: SimulatedCrash) -> CatalogError {
        CatalogError(.unavailable, message: "\(crash): the answer is lost")
    }
}
