public import Foundation

/// The operator's `pool.json` (docs/behaviour.md §2), validated.
public struct PoolConfiguration: Hashable, Sendable, Codable {
    /// How many sandboxes may occupy a slot at once (0 stops dispensing).
    public var capacity: Int
    /// The lease a request gets when it names none.
    public var lease: LeaseDuration
    /// The longest lease a request may ask for.
    public var maxLease: LeaseDuration
    /// How long before a lease ends the requester is warned.
    public var expiryWarning: LeaseDuration
    /// The Service Catalog product new sandboxes are provisioned from.
    public var product: ProductReference
    /// Provisioning parameters; values may use `{{requester}}` and `{{request}}`.
    public var parameters: [String: String]
    /// Prefix of every product name: `<namePrefix><request-id>`.
    public var namePrefix: String
    /// The outputs published in the ready comment; `nil` means every output.
    public var outputs: [String]?
    /// Who may get a sandbox.
    public var verification: VerificationPolicy

    /// Creates a pool configuration; every value but `capacity` and `product` has the contract's default.
    public init(
        capacity: Int,
        lease: LeaseDuration = LeaseDuration("7d")!,
        maxLease: LeaseDuration = LeaseDuration("14d")!,
        expiryWarning: LeaseDuration = LeaseDuration("24h")!,
        product: ProductReference,
        parameters: [String: String] = [:],
        namePrefix: String = "sandbox-",
        outputs: [String]? = nil,
        verification: VerificationPolicy = VerificationPolicy()
    ) {
        self.capacity = capacity
        self.lease = lease
        self.maxLease = maxLease
        self.expiryWarning = expiryWarning
        self.product = product
        self.parameters = parameters
        self.namePrefix = namePrefix
        self.outputs = outputs
        self.verification = verification
    }
}

/// Which Service Catalog product and version to provision.
public struct ProductReference: Hashable, Sendable, Codable {
    public var productId: String
    public var provisioningArtifactId: String
    public var pathId: String?

    public init(productId: String, provisioningArtifactId: String, pathId: String? = nil) {
        self.productId = productId
        self.provisioningArtifactId = provisioningArtifactId
        self.pathId = pathId
    }
}

/// The operator's rules for who may get a sandbox (docs/behaviour.md §5).
public struct VerificationPolicy: Hashable, Sendable, Codable {
    /// The youngest GitHub account accepted.
    public var minAccountAge: LeaseDuration
    /// When not empty, the requester must be an active member of one of these.
    public var allowedOrganizations: [String]
    /// Logins never served (compared case-insensitively).
    public var deniedUsers: [String]

    public init(
        minAccountAge: LeaseDuration = LeaseDuration("30d")!,
        allowedOrganizations: [String] = [],
        deniedUsers: [String] = []
    ) {
        self.minAccountAge = minAccountAge
        self.allowedOrganizations = allowedOrganizations
        self.deniedUsers = deniedUsers
    }

    /// Whether `login` is on the deny list.
    public func denies(_ login: String) -> Bool {
        deniedUsers.contains { $0.lowercased() == login.lowercased() }
    }
}

extension PoolConfiguration {
    /// The lease a request gets: its own `lease`, else the pool's, never more than `maxLease`
    /// (docs/behaviour.md §3.5). The planner starts leases with it; a forecast expects them with it.
    public func leaseLength(of spec: RequestSpec) -> TimeInterval {
        min(spec.lease ?? lease, maxLease).timeInterval
    }
}
