import Foundation
import SandboxCore
import SandboxGitHub
import SandboxHTTP
import SandboxRuntime
import SandboxTesting
import Synchronization

/// A Service Catalog in memory: products are available as soon as they are provisioned, with the
/// outputs given. It records every provisioning call, so a test can prove there was none.
actor MemoryCatalog: CatalogPort {
    let productOutputs: [ProductOutput]
    private(set) var provisionCalls: [ProvisionRequest] = []
    private var products: [LiveProduct] = []
    private var receipts: [String: CatalogReceipt] = [:]
    private var counter = 0
    let clock: ManualClock

    init(clock: ManualClock, outputs: [ProductOutput] = [ProductOutput(key: "BucketName", value: "bucket-1")]) {
        self.clock = clock
        productOutputs = outputs
    }

    var liveProducts: [LiveProduct] { products }

    func provision(_ request: ProvisionRequest) async throws(CatalogError) -> CatalogReceipt {
        provisionCalls.append(request)
        if let known = receipts[request.token] { return known }
        counter += 1
        let product = LiveProduct(
            id: "pp-\(counter)",
            name: request.name,
            status: .available,
            tags: request.tags,
            lastRecordId: "rec-\(counter)",
            createdTime: clock.now()
        )
        products.append(product)
        let receipt = CatalogReceipt(recordId: "rec-\(counter)", provisionedProductId: product.id)
        receipts[request.token] = receipt
        return receipt
    }

    func terminate(provisionedProductId: String, token: String) async throws(CatalogError) -> CatalogReceipt {
        guard products.contains(where: { $0.id == provisionedProductId }) else {
            throw CatalogError(.notFound, message: "no product \(provisionedProductId)")
        }
        products.removeAll { $0.id == provisionedProductId }
        counter += 1
        return CatalogReceipt(recordId: "rec-\(counter)", provisionedProductId: provisionedProductId)
    }

    func describeRecord(id: String) async throws(CatalogError) -> CatalogRecord {
        CatalogRecord(id: id, status: .succeeded, provisionedProductId: nil)
    }

    func listProducts(pool: String) async throws(CatalogError) -> [LiveProduct] {
        products.filter { $0.tags[TagKey.pool] == pool }
    }

    func outputs(provisionedProductId: String) async throws(CatalogError) -> [ProductOutput] {
        productOutputs
    }

    func checkProduct(_ product: ProductReference) async throws(CatalogError) {}
}

/// Records every pause the client asks for, and returns at once: no test waits.
final class SleepRecorder: Sendable {
    private let pauses = Mutex<[Duration]>([])

    var recorded: [Duration] { pauses.withLock { $0 } }

    func sleep(_ duration: Duration) async {
        pauses.withLock { $0.append(duration) }
    }
}

/// A fake GitHub, an adapter talking to it over HTTP, and a manual clock.
struct Scene {
    static let created2015 = Date(timeIntervalSince1970: 1_420_070_400)
    let clock: ManualClock
    let fake: FakeGitHubServer
    let adapter: GitHubAdapter
    let sleeps: SleepRecorder
    let transport: URLSessionTransport

    init(
        pathPrefix: String = "",
        apiSuffix: String = "",
        etags: any ETagStore = InMemoryETagStore(),
        configure: (inout GitHubClient.Configuration) -> Void = { _ in }
    ) throws {
        let clock = ManualClock()
        let fake = try FakeGitHubServer(pathPrefix: pathPrefix, now: { clock.now() })
        let sleeps = SleepRecorder()
        let transport = URLSessionTransport()
        var configuration = GitHubClient.Configuration(
            baseURL: URL(string: fake.apiURL.absoluteString + apiSuffix)!,
            token: try GitHubToken(fake.token)
        )
        configuration.timeout = .seconds(30)  // generous: the suite runs in parallel on 2 cores
        configure(&configuration)
        let client = GitHubClient(
            configuration: configuration,
            transport: transport,
            etags: etags,
            now: { clock.now() },
            sleep: { await sleeps.sleep($0) }
        )
        self.clock = clock
        self.fake = fake
        self.sleeps = sleeps
        self.transport = transport
        adapter = GitHubAdapter(repository: try GitHubRepository("\(fake.owner)/\(fake.repository)"), client: client)
    }

    /// Adds a person (or bot, or organization) account.
    @discardableResult
    func person(
        _ login: String,
        id: Int64,
        type: String = "User",
        created: Date = Scene.created2015
    )
        -> FakeGitHubServer.Account
    {
        let account = FakeGitHubServer.Account(id: id, login: login, type: type, createdAt: created)
        fake.addAccount(account)
        return account
    }

    /// Adds a pull request by `authorID` that adds `request`'s file.
    func pullRequest(
        _ number: Int,
        by authorID: Int64,
        adding request: String,
        merged: Bool = true,
        status: String = "added",
        extraFiles: [String] = []
    ) {
        let files =
            extraFiles.map { FakeGitHubServer.ChangedFile($0, status: "modified") }
            + [FakeGitHubServer.ChangedFile(Scene.path(request), status: status)]
        fake.addPullRequest(
            FakeGitHubServer.PullRequest(number: number, authorID: authorID, merged: merged, files: files)
        )
    }

    /// The request file's path in the repository.
    static func path(_ request: String) -> String { "desired-state/requests/\(request).json" }

    /// A verification request for `spec`, first seen now.
    func verification(
        _ spec: RequestSpec,
        policy: VerificationPolicy = VerificationPolicy(),
        firstSeen: Date? = nil
    )
        -> VerificationRequest
    {
        VerificationRequest(
            spec: spec,
            repositoryPath: Scene.path(spec.id.rawValue),
            policy: policy,
            firstSeen: firstSeen ?? clock.now(),
            now: clock.now()
        )
    }

    /// A reconciler over an in-memory journal, the catalog and this scene's adapter.
    func reconciler(
        catalog: MemoryCatalog,
        store: InMemoryJournalStore = InMemoryJournalStore(lineage: "lineage-gh"),
        checkpoint: @escaping @Sendable (String) throws -> Void = { _ in }
    ) -> Reconciler {
        Reconciler(
            store: store,
            state: JournalState(lineage: store.lineage),
            catalog: catalog,
            github: adapter,
            clock: clock,
            checkpoint: checkpoint
        )
    }

    /// sandboxd's comments on a pull request, as the fake received them.
    func ownComments(on pullRequest: Int) -> [FakeGitHubServer.Comment] {
        fake.comments(on: pullRequest).filter { $0.authorID == fake.viewer.id }
    }
}

/// A spec for `requester` on pull request `pullRequest`, id `req-<requester>` unless given.
func spec(_ requester: String, pr pullRequest: Int, id: String? = nil, purpose: String? = nil) -> RequestSpec {
    RequestSpec(
        id: RequestID(id ?? "req-\(requester.lowercased())")!,
        requester: requester,
        pullRequest: pullRequest,
        purpose: purpose
    )
}

/// A desired state with these requests.
func desired(
    _ specs: [RequestSpec],
    capacity: Int = 3,
    policy: VerificationPolicy = VerificationPolicy(),
    outputs: [String]? = nil
) -> DesiredState {
    let pool = PoolConfiguration(
        capacity: capacity,
        product: ProductReference(productId: "prod-abcdefghijklm", provisioningArtifactId: "pa-abcdefghijklm"),
        parameters: ["SandboxOwner": "{{requester}}"],
        outputs: outputs,
        verification: policy
    )
    return DesiredState(pool: pool, requests: Dictionary(uniqueKeysWithValues: specs.map { ($0.id, .valid($0)) }))
}

/// A temporary directory.
func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sandboxd-gh-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The records of an in-memory journal, numbered for `Reconciler.replaying`.
func numbered(_ records: [[UInt8]]) -> [(seq: UInt64, payload: [UInt8])] {
    records.enumerated().map { (seq: UInt64($0.offset + 1), payload: $0.element) }
}

extension GitHubAdapter {
    /// Verifies `request` against this adapter as the reconciler does (the policy asks, the adapter answers).
    func verify(_ request: VerificationRequest) async -> VerificationOutcome {
        await Verifier.verify(request, using: self)
    }
}
