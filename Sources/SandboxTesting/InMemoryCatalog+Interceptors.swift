public import SandboxCore

/// Interceptors in the style of controller-runtime's `interceptor.Funcs`: an optional closure per
/// operation that gets the call and `next` (the catalog's own behaviour), and may call it, change its
/// answer, fail, wait, or do anything else a test needs.
extension InMemoryCatalog {
    /// What ``InMemoryCatalog/terminate(provisionedProductId:token:)`` was asked.
    public struct TerminateCall: Hashable, Sendable {
        /// The product to terminate.
        public var provisionedProductId: String
        /// The idempotency token.
        public var token: String

        /// Creates the call.
        public init(provisionedProductId: String, token: String) {
            self.provisionedProductId = provisionedProductId
            self.token = token
        }
    }

    /// The catalog's own handling of a call, handed to an interceptor.
    public typealias Next<Call, Answer> = @Sendable (Call) async throws(CatalogError) -> Answer

    /// Stands in front of one operation: gets the call and `next`, returns the answer or throws.
    public typealias Interceptor<Call, Answer> =
        @Sendable (_ call: Call, _ next: Next<Call, Answer>) async throws(CatalogError) -> Answer

    /// One optional interceptor per operation; `nil` lets the catalog answer.
    public struct Interceptors: Sendable {
        /// In front of ``InMemoryCatalog/provision(_:)``.
        public var provision: Interceptor<ProvisionRequest, CatalogReceipt>?
        /// In front of ``InMemoryCatalog/terminate(provisionedProductId:token:)``.
        public var terminate: Interceptor<TerminateCall, CatalogReceipt>?
        /// In front of ``InMemoryCatalog/describeRecord(id:)``; the call is the record id.
        public var describeRecord: Interceptor<String, CatalogRecord>?
        /// In front of ``InMemoryCatalog/listProducts(pool:)``; the call is the pool.
        public var listProducts: Interceptor<String, [LiveProduct]>?
        /// In front of ``InMemoryCatalog/describeProduct(id:)``; the call is the product id.
        public var describeProduct: Interceptor<String, LiveProduct?>?
        /// In front of ``InMemoryCatalog/outputs(provisionedProductId:)``; the call is the product id.
        public var outputs: Interceptor<String, [ProductOutput]>?
        /// In front of ``InMemoryCatalog/checkProduct(_:)``.
        public var checkProduct: Interceptor<ProductReference, Void>?

        /// Interceptors for the operations given; the others are answered by the catalog.
        public init(
            provision: Interceptor<ProvisionRequest, CatalogReceipt>? = nil,
            terminate: Interceptor<TerminateCall, CatalogReceipt>? = nil,
            describeRecord: Interceptor<String, CatalogRecord>? = nil,
            listProducts: Interceptor<String, [LiveProduct]>? = nil,
            describeProduct: Interceptor<String, LiveProduct?>? = nil,
            outputs: Interceptor<String, [ProductOutput]>? = nil,
            checkProduct: Interceptor<ProductReference, Void>? = nil
        ) {
            self.provision = provision
            self.terminate = terminate
            self.describeRecord = describeRecord
            self.listProducts = listProducts
            self.describeProduct = describeProduct
            self.outputs = outputs
            self.checkProduct = checkProduct
        }
    }

    /// Answers the calls numbered `calls` (from 1, counted from when the interceptor was made) with
    /// `answer`; passes the others on.
    public static func answering<Call, Answer>(
        calls: Set<Int>,
        with answer: @escaping @Sendable (Call) async throws(CatalogError) -> Answer
    ) -> Interceptor<Call, Answer> {
        let counter = CallCounter()
        return { call, next throws(CatalogError) in
            calls.contains(counter.next()) ? try await answer(call) : try await next(call)
        }
    }

    /// Leaves the products named `names` out of the listings numbered `calls` (from 1), as an eventually
    /// consistent index that lags behind does; the products themselves stay.
    public static func omitting(
        _ names: Set<String>,
        fromListings calls: Set<Int>
    ) -> Interceptor<String, [LiveProduct]> {
        let counter = CallCounter()
        return { pool, next throws(CatalogError) in
            let listed = try await next(pool)
            return calls.contains(counter.next()) ? listed.filter { !names.contains($0.name) } : listed
        }
    }

    /// Fails the calls numbered `calls` (from 1) with `error`; passes the others on.
    public static func failing<Call, Answer>(calls: Set<Int>, with error: CatalogError) -> Interceptor<Call, Answer> {
        answering(calls: calls) { _ throws(CatalogError) in throw error }
    }

    /// Fails the first `count` calls as throttled (`ThrottlingException`, transient); passes the others on.
    public static func throttling<Call, Answer>(first count: Int) -> Interceptor<Call, Answer> {
        failing(
            calls: Set((0..<max(count, 0)).map { $0 + 1 }),
            with: CatalogError(.unavailable, code: "ThrottlingException", message: "Rate exceeded")
        )
    }

    /// Holds every call at `gate` until the test opens it, then passes it on.
    public static func hanging<Call, Answer>(at gate: CallGate) -> Interceptor<Call, Answer> {
        { call, next throws(CatalogError) in
            await gate.pass()
            return try await next(call)
        }
    }

    /// Waits `duration` before passing every call on (cancellation cuts the wait short).
    public static func delaying<Call, Answer>(by duration: Duration) -> Interceptor<Call, Answer> {
        { call, next throws(CatalogError) in
            try? await Task.sleep(for: duration)
            return try await next(call)
        }
    }
}
