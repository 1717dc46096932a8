public import Foundation
import SandboxHTTP
import SandboxLocking

/// A fake AWS Service Catalog on ``LoopbackHTTPServer`` that behaves like the real one where sandboxd cares, and
/// checks every request the way AWS would.
///
/// Behaviour:
/// - **Asynchronous records.** `ProvisionProduct` and `TerminateProvisionedProduct` answer at once with a record in
///   `CREATED`; every observing call (`DescribeRecord`, `SearchProvisionedProducts`, `DescribeProvisionedProduct`)
///   moves each open operation one step, and after ``Configuration/stepsToComplete`` steps it completes: the product
///   becomes `AVAILABLE` (or `ERROR` when ``failProvisioning(of:)`` asked for it) or disappears (or ends `TAINTED`).
///   With ``Configuration/completionTime`` it completes after that time instead, as in AWS.
/// - **Idempotent tokens.** The same `ProvisionToken` returns the same record; so does the same `TerminateToken`
///   while the product exists (afterwards: `ResourceNotFoundException`, as AWS does).
/// - **Duplicate names.** A second product with a live product's name is `DuplicateResourceException`.
/// - **Pagination.** Search and outputs return at most ``Configuration/searchPageSize`` /
///   ``Configuration/outputsPageSize`` items per page, with opaque page tokens.
/// - **Access levels.** Each access key is a ``Principal`` allowed some of `Account`, `Role` and `User`: a search at a
///   level it is not allowed is `AccessDeniedException`; `Role` and `User` searches show only the products launched
///   under the caller's role or by the caller itself; a product outside every level the caller has cannot be
///   described, terminated or read (`AccessDeniedException`), as with AWS's `servicecatalog:<level>Level` policies.
/// - **Search queries.** `Filters.SearchQuery` as AWS documents it (`field:value`, e.g. `status:AVAILABLE`, or a bare
///   term), every entry to match (see ``State/matches(_:query:)`` for the fake's reading of `tags`).
/// - **An eventually consistent index.** ``hideFromSearch(_:answers:)`` leaves live products out of search answers,
///   ``losePages(_:)`` skips a page of a listing; `DescribeProvisionedProduct` always tells the truth.
/// - **Faults on demand.** Throttling, 500s and responses cut off mid-body, by percentage from a seeded generator
///   (``Faults``), or scripted for the next call of an operation (``enqueue(_:for:)``). A 500 or a cut-off response
///   may come after the operation was carried out, as in real life. Standing faults hold every call of an
///   operation unanswered, or answer it with an endless body, until cleared (``injectFault(_:on:)``).
///
/// Checks, recorded in ``violations`` and answered with the error AWS would send:
/// - the SigV4 signature, recomputed from the request as received (``SigV4Verifier``) with the accepted credentials;
/// - the body against botocore's model of the operation's input (unknown members, required members, types,
///   lengths, enums and patterns);
/// - `POST /`, `Content-Type: application/x-amz-json-1.1` and a known `X-Amz-Target`.
public final class FakeServiceCatalogServer: Sendable {
    /// A product in the fake's catalog, which `ProvisionProduct` can launch.
    public struct CatalogProduct: Sendable, Hashable {
        /// A version of the product.
        public struct Artifact: Sendable, Hashable {
            /// `pa-…`.
            public var id: String
            /// Whether end users can launch it.
            public var active: Bool
            /// `DEFAULT` or `DEPRECATED`.
            public var guidance: String

            /// Creates an artifact.
            public init(id: String, active: Bool = true, guidance: String = "DEFAULT") {
                self.id = id
                self.active = active
                self.guidance = guidance
            }
        }

        /// `prod-…`.
        public var id: String
        /// The product's name.
        public var name: String
        /// Its versions.
        public var artifacts: [Artifact]
        /// The caller's launch paths (`lpv3-…`).
        public var launchPaths: [String]
        /// The outputs a provisioned product gets, in the template's order.
        public var outputKeys: [String]

        /// Creates a catalog product.
        public init(id: String, name: String, artifacts: [Artifact], launchPaths: [String], outputKeys: [String]) {
            self.id = id
            self.name = name
            self.artifacts = artifacts
            self.launchPaths = launchPaths
            self.outputKeys = outputKeys
        }

        /// `prod-sandbox000001` with artifact `pa-sandbox000001`, one launch path and four outputs in a
        /// non-alphabetical order.
        public static let sandbox = CatalogProduct(
            id: "prod-sandbox000001",
            name: "Data science sandbox",
            artifacts: [
                Artifact(id: "pa-sandbox000001"), Artifact(id: "pa-sandbox000000", guidance: "DEPRECATED"),
                Artifact(id: "pa-sandboxoff001", active: false),
            ],
            launchPaths: ["lpv3-sandbox00001"],
            outputKeys: ["BucketName", "QueueArn", "NotebookUrl", "Region"]
        )
    }

    /// Faults injected by chance, from a seeded generator so a run is repeatable.
    public struct Faults: Sendable, Hashable {
        /// Percent of requests answered with a throttling error.
        public var throttlingPercent: Int
        /// Percent of requests answered with a 5xx (half of them after carrying out the operation).
        public var serverErrorPercent: Int
        /// Percent of requests whose response is cut off mid-body (after carrying out the operation).
        public var dropPercent: Int
        /// The generator's seed.
        public var seed: UInt64

        /// Creates faults.
        public init(throttlingPercent: Int = 0, serverErrorPercent: Int = 0, dropPercent: Int = 0, seed: UInt64 = 1) {
            self.throttlingPercent = throttlingPercent
            self.serverErrorPercent = serverErrorPercent
            self.dropPercent = dropPercent
            self.seed = seed
        }

        /// No faults.
        public static let none = Faults()
    }

    /// A fault for the next call of one operation.
    public enum ScriptedFault: Sendable, Hashable {
        /// Answer `400 ThrottlingException: Rate exceeded`.
        case throttle
        /// Answer a 500 without carrying out the operation.
        case serverError
        /// Carry out the operation, then answer a 500.
        case serverErrorAfterApplying
        /// Carry out the operation, then cut the response off mid-body.
        case dropAfterApplying
        /// Answer exactly this (the operation is not carried out).
        case reply(status: Int, body: String)
        /// Wait this long, then go on normally (to make the client time out).
        case delay(Duration)
    }

    /// Who signs with an access key: an IAM user or a role session, and the access levels its policy allows.
    public struct Principal: Sendable, Hashable {
        /// The caller's ARN (`UserArn` of what it launches): a user, or an assumed-role session.
        public var userArn: String
        /// The role it belongs to (its own ARN for an IAM user).
        public var roleArn: String
        /// `Account`, `Role`, `User`: the levels its policy allows (`servicecatalog:<level>Level`).
        public var accessLevels: Set<String>

        /// Creates a principal.
        public init(userArn: String, roleArn: String, accessLevels: Set<String> = ["Account", "Role", "User"]) {
            self.userArn = userArn
            self.roleArn = roleArn
            self.accessLevels = accessLevels
        }

        /// Whoever launched the products ``FakeServiceCatalogServer/addExistingProduct(name:tags:status:launchedBy:)``
        /// adds without naming a launcher.
        public static let someoneElse = Principal(
            userArn: "arn:aws:sts::123456789012:assumed-role/PlatformAdmin/console",
            roleArn: "arn:aws:iam::123456789012:role/PlatformAdmin"
        )
    }

    /// How the fake behaves.
    public struct Configuration: Sendable {
        /// The region requests must be signed for.
        public var region: String
        /// The credentials it accepts.
        public var credentials: [SigV4Verifier.Credentials]
        /// The products it can provision.
        public var catalog: [CatalogProduct]
        /// At most this many products per `SearchProvisionedProducts` page.
        public var searchPageSize: Int
        /// At most this many outputs per `GetProvisionedProductOutputs` / `DescribeRecord` page.
        public var outputsPageSize: Int
        /// Observing calls before an operation completes (when ``completionTime`` is `nil`).
        public var stepsToComplete: Int
        /// When set, an operation completes this long after it started, by ``now``, however often a client
        /// looks, as in AWS (every call first brings the catalog up to date); ``stepsToComplete`` is then not
        /// used. Lets a benchmark see a client's poll cadence, which step-counted completion hides.
        public var completionTime: TimeInterval?
        /// Faults by chance.
        public var faults: Faults
        /// Whether the caller may search at the `Account` access level; when false, only `Role` and `User` are
        /// allowed, as with a role-level IAM policy (for access keys not in ``principals``).
        public var accountLevelAccess: Bool
        /// The principal of each access key; a key not listed is the role session `sandboxd/<key>` of the role
        /// `sandboxd`, allowed every level (or `Role` and `User` without ``accountLevelAccess``).
        public var principals: [String: Principal]
        /// The service's clock (for signature expiry and timestamps).
        public var now: @Sendable () -> Date

        /// Creates a configuration.
        public init(
            region: String = "us-east-1",
            credentials: [SigV4Verifier.Credentials],
            catalog: [CatalogProduct] = [.sandbox],
            searchPageSize: Int = 2,
            outputsPageSize: Int = 2,
            stepsToComplete: Int = 2,
            completionTime: TimeInterval? = nil,
            faults: Faults = .none,
            accountLevelAccess: Bool = true,
            principals: [String: Principal] = [:],
            now: @escaping @Sendable () -> Date = { Date() }
        ) {
            self.principals = principals
            self.region = region
            self.credentials = credentials
            self.catalog = catalog
            self.searchPageSize = searchPageSize
            self.outputsPageSize = outputsPageSize
            self.stepsToComplete = stepsToComplete
            self.completionTime = completionTime
            self.faults = faults
            self.accountLevelAccess = accountLevelAccess
            self.now = now
        }
    }

    /// A provisioned product as the fake holds it.
    public struct ProductSnapshot: Sendable, Hashable {
        /// `pp-…`.
        public var id: String
        /// Its name.
        public var name: String
        /// `AVAILABLE`, `UNDER_CHANGE`, `ERROR`, `TAINTED`.
        public var status: String
        /// Its tags.
        public var tags: [String: String]
        /// Who launched it (its `UserArn`).
        public var userArn: String
    }

    /// An operation in flight completing: a product becoming `AVAILABLE` (or `ERROR`) or, after a
    /// termination, gone (`TERMINATED`) or `TAINTED` — what a test times a client's reactions from.
    public struct StatusChange: Sendable, Hashable {
        /// `pp-…`.
        public var productId: String
        /// The product's name.
        public var name: String
        /// `AVAILABLE`, `ERROR`, `TAINTED`, or `TERMINATED` when the product no longer exists.
        public var status: String
        /// When, by ``Configuration/now``: during the observing call that completed the operation,
        /// so the caller learns of it in that call's answer at the earliest; with
        /// ``Configuration/completionTime``, the moment that time ran out (a call learns of it later).
        public var at: Date
    }

    let engine: Engine
    private let server: LoopbackHTTPServer

    /// Starts the fake on 127.0.0.1.
    ///
    /// - Parameter configuration: How it behaves.
    /// - Throws: ``LoopbackHTTPServer/StartError``.
    public init(_ configuration: Configuration) throws {
        let engine = Engine(configuration: configuration)
        self.engine = engine
        server = try LoopbackHTTPServer { request in await engine.reply(to: request) }
    }

    /// The endpoint URL, `http://127.0.0.1:PORT`.
    public var endpoint: URL { server.baseURL }

    /// Every request received, in order.
    public var requests: [RecordedRequest] { server.requests }

    deinit {
        engine.faults.stop()
    }

    /// Stops the server; requests a ``ServerFault/hang`` holds are dropped.
    public func stop() {
        engine.faults.stop()
        server.stop()
    }

    /// Applies `fault` to every call of `operation` from now on, until it is changed or cleared
    /// (``ServerFault/clear``). Scripted faults (``enqueue(_:for:)``) of the operation wait meanwhile.
    ///
    /// The fault comes after the fake's checks: a call with a bad signature or body is refused as before.
    /// A call answered with an endless body counts in ``calls`` and in ``injectedFaults`` (`endlessBody`);
    /// a held call counts when it is released and answered.
    /// - Parameters:
    ///   - fault: What to do with the calls.
    ///   - operation: The operation's name, as in `X-Amz-Target` after the dot: `"ProvisionProduct"`.
    public func injectFault(_ fault: ServerFault, on operation: String) {
        engine.faults.set(fault, on: operation)
    }

    /// How many calls a ``ServerFault/hang`` holds unanswered now (a call stays held after its client gave up).
    public var heldRequests: Int { engine.faults.heldCount }

    /// Replaces the chance faults (the generator restarts from the new seed).
    public func setFaults(_ faults: Faults) {
        engine.state.withLock {
            $0.faults = faults
            $0.random = SplitMix64(seed: faults.seed)
        }
    }

    /// Makes the next call of `operation` fail with `fault` (faults queue up per operation).
    public func enqueue(_ fault: ScriptedFault, for operation: String) {
        engine.state.withLock { $0.scripted[operation, default: []].append(fault) }
    }

    /// Makes provisioning of products named `name` end in `ERROR` with a failed record.
    public func failProvisioning(of name: String) {
        engine.state.withLock { _ = $0.failingProvisioning.insert(name) }
    }

    /// Makes termination of products named `name` fail (the product ends `TAINTED`).
    public func failTermination(of name: String, _ failing: Bool = true) {
        engine.state.withLock {
            if failing { $0.failingTermination.insert(name) } else { $0.failingTermination.remove(name) }
        }
    }

    /// Accepts more credentials (for example, ones STS issued).
    public func accept(_ credentials: SigV4Verifier.Credentials) {
        engine.state.withLock { $0.credentials.append(credentials) }
    }

    /// Adds an available product that was not made through the API (another pool's, or an orphan), launched by
    /// the principal of the access key `launchedBy` (``Principal/someoneElse`` by default).
    @discardableResult
    public func addExistingProduct(
        name: String,
        tags: [String: String],
        status: String = "AVAILABLE",
        launchedBy accessKey: String? = nil
    ) -> String {
        let now = engine.configuration.now()
        return engine.state.withLock { state in
            let id = state.nextID("pp-")
            state.products.append(
                State.Product(
                    id: id,
                    name: name,
                    status: status,
                    statusMessage: nil,
                    createdTime: now,
                    tags: tags.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                    productId: CatalogProduct.sandbox.id,
                    artifactId: CatalogProduct.sandbox.artifacts[0].id,
                    token: nil,
                    lastRecordId: nil,
                    outputs: [("BucketName", "\(name)-bucket")],
                    owner: accessKey.map { state.principal(of: $0) } ?? .someoneElse
                )
            )
            return id
        }
    }

    /// Terminates the product `id` outside sandboxd, at once (someone in the console): it is gone for every call.
    public func removeProduct(id: String) {
        engine.state.withLock { $0.products.removeAll { $0.id == id } }
    }

    /// Makes the principal of access key `accessKey` be `principal` from now on.
    public func setPrincipal(_ principal: Principal, forAccessKey accessKey: String) {
        engine.state.withLock { $0.principals[accessKey] = principal }
    }

    /// Leaves the live products `ids` out of the next `answers` `SearchProvisionedProducts` answers, as an index
    /// that lags behind does (the products stay; `DescribeProvisionedProduct` still finds them).
    public func hideFromSearch(_ ids: Set<String>, answers: Int) {
        engine.state.withLock { state in
            for id in ids { state.hidden[id] = answers }
        }
    }

    /// Makes the next `count` search answers that have a next page point past it: that page is lost to the listing.
    public func losePages(_ count: Int = 1) {
        engine.state.withLock { $0.pagesToLose += count }
    }

    /// Makes every search with a `SearchQuery` fail with `InvalidParametersException` (or, `false`, accepts them).
    public func refuseSearchQueries(_ refusing: Bool = true) {
        engine.state.withLock { $0.refusesSearchQueries = refusing }
    }

    /// The products that exist now, in creation order.
    public var liveProducts: [ProductSnapshot] {
        engine.state.withLock { state in
            state.products.map { product in
                ProductSnapshot(
                    id: product.id,
                    name: product.name,
                    status: product.status,
                    tags: Dictionary(product.tags, uniquingKeysWith: { $1 }),
                    userArn: product.owner.userArn
                )
            }
        }
    }

    /// Every completed operation, in order (see ``StatusChange``).
    public var statusChanges: [StatusChange] { engine.state.withLock { $0.statusChanges } }

    /// A product `ProvisionProduct` created, as it was created: what a crash torture checks against the requests.
    public struct CreatedProduct: Sendable, Hashable {
        /// `pp-…`.
        public var id: String
        /// Its name.
        public var name: String
        /// Its tags.
        public var tags: [String: String]
        /// The `ProvisionToken` that created it.
        public var token: String
    }

    /// Every product `ProvisionProduct` created, terminated ones included, in creation order.
    public var createdProducts: [CreatedProduct] {
        engine.state.withLock { state in
            let tokens = Dictionary(state.provisionTokens.map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            return state.records.values.filter { $0.type == "PROVISION_PRODUCT" }
                .sorted { ($0.createdTime, $0.id) < ($1.createdTime, $1.id) }
                .map { record in
                    CreatedProduct(
                        id: record.productId,
                        name: record.productName,
                        tags: Dictionary(record.tags, uniquingKeysWith: { $1 }),
                        token: tokens[record.id] ?? ""
                    )
                }
        }
    }

    /// How many products `ProvisionProduct` created (a repeated token creates none).
    public var productsCreated: Int { engine.state.withLock { $0.productsCreated } }

    /// Every request the fake refused because it broke the protocol, the signature or the model.
    public var violations: [String] { engine.state.withLock { $0.violations } }

    /// Accepted calls per operation (faults included).
    public var calls: [String: Int] { engine.state.withLock { $0.calls } }

    /// Faults injected, by kind (`throttle`, `serverError`, `drop`, …).
    public var injectedFaults: [String: Int] { engine.state.withLock { $0.injected } }
}
