import Foundation
import SandboxCore
import SandboxGitHub
import SandboxHTTP
import SandboxRuntime
import SandboxTesting
import SandboxLocking

/// Records every pause the client asks for, and returns at once: no test waits.
final class SleepRecorder: Sendable {
    private let pauses = Locked<[Duration]>([])

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
        credentials: GitHubCredentials? = nil,
        report: @escaping @Sendable (String) -> Void = { _ in },
        configure: (inout GitHubClient.Configuration) -> Void = { _ in }
    ) throws {
        let clock = ManualClock()
        let fake = try FakeGitHubServer(pathPrefix: pathPrefix, now: { clock.now() })
        let sleeps = SleepRecorder()
        let transport = URLSessionTransport()
        var configuration = GitHubClient.Configuration(
            baseURL: URL(string: fake.apiURL.absoluteString + apiSuffix)!,
            credentials: try credentials ?? .token(.value(GitHubToken(fake.token), variable: "GITHUB_TOKEN"))
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
        adapter = GitHubAdapter(
            repository: try GitHubRepository("\(fake.owner)/\(fake.repository)"),
            client: client,
            report: report
        )
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

    /// A reconciler over a journal (in memory unless given), the catalog and this scene's adapter (unless
    /// another port is given, such as the adapter wrapped in a ``CrashingGitHub``).
    func reconciler(
        catalog: any CatalogPort,
        store: any JournalStore = InMemoryJournalStore(lineage: "lineage-gh"),
        github: (any GitHubPort)? = nil
    ) -> Reconciler {
        Reconciler(
            store: store,
            state: JournalState(lineage: store.lineage),
            catalog: catalog,
            github: github ?? adapter,
            clock: clock
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
