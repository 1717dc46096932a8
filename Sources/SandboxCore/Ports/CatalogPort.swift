/// The port through which sandboxd changes the cloud: AWS Service Catalog, or the local simulator.
///
/// Every mutating call carries an idempotency token: the same call repeated after a crash is the
/// same call (docs/behaviour.md §3). Adapters map every failure to ``CatalogError``.
public protocol CatalogPort: Sendable {
    /// Starts provisioning a product. Repeating it with the same token returns the same record.
    func provision(_ request: ProvisionRequest) async throws(CatalogError) -> CatalogReceipt
    /// Starts terminating a provisioned product (never with `IgnoreErrors`).
    func terminate(provisionedProductId: String, token: String) async throws(CatalogError) -> CatalogReceipt
    /// The state of an operation started by ``provision(_:)`` or ``terminate(provisionedProductId:token:)``.
    func describeRecord(id: String) async throws(CatalogError) -> CatalogRecord
    /// Every provisioned product of this pool (tag `sandboxd:pool`), all pages. A listing may lag behind
    /// the catalog or miss products (docs/behaviour.md §3.8): absence from it proves nothing.
    func listProducts(pool: String) async throws(CatalogError) -> [LiveProduct]
    /// One product by id, as the catalog knows it now (strongly consistent, unlike the listing):
    /// `nil` exactly when the catalog says it does not exist (AWS `ResourceNotFoundException`); any
    /// other failure is thrown. The product's `tags` may be empty: the planner asks only its status.
    func describeProduct(id: String) async throws(CatalogError) -> LiveProduct?
    /// The outputs of an available product, in the order the product declares them.
    func outputs(provisionedProductId: String) async throws(CatalogError) -> [ProductOutput]
    /// Checks that the product and artifact exist and can be launched (start-up and `validate --online`).
    func checkProduct(_ product: ProductReference) async throws(CatalogError)
}

/// What ``CatalogPort/provision(_:)`` needs.
public struct ProvisionRequest: Hashable, Sendable, Codable {
    /// `<namePrefix><request-id>`.
    public var name: String
    /// The idempotency token (`ProvisionToken`).
    public var token: String
    public var product: ProductReference
    /// Parameters with `{{requester}}` and `{{request}}` already filled in.
    public var parameters: [String: String]
    public var tags: [String: String]

    public init(
        name: String,
        token: String,
        product: ProductReference,
        parameters: [String: String],
        tags: [String: String]
    ) {
        self.name = name
        self.token = token
        self.product = product
        self.parameters = parameters
        self.tags = tags
    }
}

/// The answer to a mutating call.
public struct CatalogReceipt: Hashable, Sendable, Codable {
    public var recordId: String
    public var provisionedProductId: String?

    public init(recordId: String, provisionedProductId: String?) {
        self.recordId = recordId
        self.provisionedProductId = provisionedProductId
    }
}

/// An operation's record (`DescribeRecord`).
public struct CatalogRecord: Hashable, Sendable, Codable {
    public enum Status: String, Sendable, Codable {
        case created = "CREATED"
        case inProgress = "IN_PROGRESS"
        case inProgressInError = "IN_PROGRESS_IN_ERROR"
        case succeeded = "SUCCEEDED"
        case failed = "FAILED"
    }

    public var id: String
    public var status: Status
    public var provisionedProductId: String?
    /// Service Catalog's error descriptions, when it failed.
    public var errors: [String]

    public init(id: String, status: Status, provisionedProductId: String?, errors: [String] = []) {
        self.id = id
        self.status = status
        self.provisionedProductId = provisionedProductId
        self.errors = errors
    }
}

/// One output of a provisioned product.
public struct ProductOutput: Hashable, Sendable, Codable {
    public var key: String
    public var value: String
    public var description: String?

    public init(key: String, value: String, description: String? = nil) {
        self.key = key
        self.value = value
        self.description = description
    }
}

/// Why a catalog call failed, and whether trying again later can help.
public struct CatalogError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The resource (product, artifact, provisioned product, record) does not exist.
        case notFound
        /// The request was refused as invalid; retrying the same call will not help.
        case invalidRequest
        /// A provisioned product with that name already exists.
        case duplicate
        /// Throttled, 5xx, timed out or unreachable: try again later.
        case unavailable
        /// The credentials are missing, expired or not allowed.
        case accessDenied
        /// The machine's clock is too far from AWS's.
        case clockSkew
        /// A quota (`LimitExceededException`) was reached.
        case limitExceeded
        /// Anything else.
        case other
    }

    public var kind: Kind
    /// The service's error code (`ResourceNotFoundException`), when there was one.
    public var code: String?
    /// What went wrong and what to do.
    public var message: String
    /// Whether an `unavailable` error is AWS throttling sandboxd (rather than an outage or a timeout).
    public var isThrottling: Bool

    public init(_ kind: Kind, code: String? = nil, message: String, isThrottling: Bool = false) {
        self.kind = kind
        self.code = code
        self.message = message
        self.isThrottling = isThrottling
    }

    /// Whether a later pass may succeed with the same call.
    public var isTransient: Bool { kind == .unavailable || kind == .clockSkew }

    public var description: String { code.map { "\($0): \(message)" } ?? message }
}
