import Foundation
import SandboxCore
import SandboxCrypto
import SandboxGitHub
import SandboxHTTP
import SandboxRuntime
import SandboxTesting
import Testing

/// A fake GitHub playing a GitHub App installed on the repository, and sandboxd's adapter
/// authenticated as that App, on a manual clock shared by both.
struct AppAuthScene {
    static let appID: Int64 = 1_024_001
    let clock: ManualClock
    let fake: FakeGitHubServer
    let adapter: GitHubAdapter
    let directory: URL
    let keyFile: URL

    /// - Parameters:
    ///   - installationID: the installation sandboxd is told of; `nil`: it finds it from the repository.
    ///   - tokenLifetime: how long the fake's installation tokens live.
    init(installationID: Int64? = nil, tokenLifetime: TimeInterval = 3_600) throws {
        let clock = ManualClock()
        let keys = [try RSAPublicKey(pem: TestAppKeys.firstPublic), try RSAPublicKey(pem: TestAppKeys.secondPublic)]
        let app = FakeGitHubServer.App(
            id: Self.appID,
            tokenLifetime: tokenLifetime,
            verifySignature: { input, signature in
                keys.contains { $0.isValidSignatureSHA256(signature, for: input) }
            }
        )
        let fake = try FakeGitHubServer(app: app, now: { clock.now() })
        directory = temporaryDirectory()
        keyFile = directory.appendingPathComponent("app-key.pem")
        try Data(TestAppKeys.first.utf8).write(to: keyFile)
        var configuration = GitHubClient.Configuration(
            baseURL: fake.apiURL,
            credentials: .app(
                GitHubCredentials.App(
                    id: String(Self.appID),
                    privateKeyFile: keyFile.path,
                    privateKeySetting: "--github-app-private-key-file",
                    installationID: installationID
                )
            ),
            repository: try GitHubRepository("\(fake.owner)/\(fake.repository)")
        )
        configuration.timeout = .seconds(30)
        let client = GitHubClient(
            configuration: configuration,
            transport: URLSessionTransport(),
            etags: FileETagStore(stateDirectory: directory),
            now: { clock.now() },
            sleep: { _ in }
        )
        adapter = GitHubAdapter(repository: try GitHubRepository("\(fake.owner)/\(fake.repository)"), client: client)
        self.clock = clock
        self.fake = fake
    }

    /// The App's bot, as the fake knows it.
    var bot: FakeGitHubServer.Account { fake.app!.bot }

    func person(_ login: String, id: Int64) {
        fake.addAccount(.init(id: id, login: login, createdAt: Scene.created2015))
    }

    func pullRequest(_ number: Int, by author: Int64, adding request: String) {
        fake.addPullRequest(
            .init(number: number, authorID: author, files: [.init(Scene.path(request), status: "added")])
        )
    }

    /// alice (101) with pull request 100 adding req-alice, bob (102) with 101 adding req-bob.
    func addAliceAndBob() {
        person("alice", id: 101)
        person("bob", id: 102)
        pullRequest(100, by: 101, adding: "req-alice")
        pullRequest(101, by: 102, adding: "req-bob")
    }

    /// The JWTs the fake received, in order, each as its three parts.
    var receivedJWTs: [[Substring]] {
        fake.requests.compactMap { request in
            guard let bearer = request.headers["Authorization"]?.replacingOccurrences(of: "Bearer ", with: "") else {
                return nil
            }
            let parts = bearer.split(separator: ".")
            return parts.count == 3 ? parts : nil
        }
    }

    /// A verification request for `spec`, first seen now.
    func verification(_ spec: RequestSpec, policy: VerificationPolicy = VerificationPolicy()) -> VerificationRequest {
        VerificationRequest(
            spec: spec,
            repositoryPath: Scene.path(spec.id.rawValue),
            policy: policy,
            firstSeen: clock.now(),
            now: clock.now()
        )
    }

    func stop() {
        fake.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

@Suite("GitHub App: the whole flow authenticated as an App")
struct AppFlowTests {
    @Test(
        "verify, queue, ready, expiring and ended as an App, across installation-token expiries: each comment once, the bot's"
    )
    func wholeFlow() async throws {
        let scene = try AppAuthScene()
        defer { scene.stop() }
        scene.addAliceAndBob()
        // Someone else writes sandboxd's marker first: it is not sandboxd's comment.
        _ = scene.fake.addComment(pullRequest: 100, authorID: 101, body: "<!-- sandboxd:req-alice:ready -->")

        let logs = MemoryLogSink()
        let (journal, _) = try FileJournal.openForWriting(stateDirectory: scene.directory)
        defer { journal.close() }
        let reconciler = Reconciler(
            store: journal,
            state: JournalState(lineage: journal.lineage),
            catalog: InMemoryCatalog(clock: scene.clock),
            github: scene.adapter,
            clock: scene.clock,
            logger: Logger(sink: logs, minimumLevel: .debug)
        )
        var pool = desired([spec("alice", pr: 100), spec("bob", pr: 101)], capacity: 1)
        pool.pool?.lease = LeaseDuration("2h")!
        pool.pool?.expiryWarning = LeaseDuration("30m")!
        var reports: [String] = []
        func pass(advancing seconds: TimeInterval) async throws {
            scene.clock.advance(by: seconds)
            let report = try await reconciler.pass(desired: pool)
            reports.append(String(describing: report))
            #expect(report.errors.isEmpty, "\(report.errors)")
        }

        try await pass(advancing: 0)
        try await pass(advancing: 30)
        try await pass(advancing: 30)
        #expect(await reconciler.state.requests[RequestID("req-alice")!]?.state == .active)
        #expect(await reconciler.state.requests[RequestID("req-bob")!]?.state == .queued)
        let mintedAtStart = scene.fake.mintedTokens

        // 65 minutes on, the first installation token has expired; then the warning, then the end.
        try await pass(advancing: 65 * 60)
        try await pass(advancing: 25 * 60)  // 1 h 31 min: within the warning
        try await pass(advancing: 30 * 60)  // 2 h 1 min: the lease has ended
        for _ in 0..<4 { try await pass(advancing: 30) }
        #expect(await reconciler.state.requests[RequestID("req-alice")!]?.state == .ended)
        #expect(await reconciler.state.requests[RequestID("req-bob")!]?.state == .active)
        #expect(scene.fake.mintedTokens > mintedAtStart, "a new installation token after the first expired")
        #expect(scene.fake.jwtRefusals == 0)
        // Renewed before it expired: GitHub never had to refuse a token.
        #expect(scene.fake.refusedForHeaders == 0)

        let botID = scene.bot.id
        let alice = scene.fake.comments(on: 100).filter { $0.authorID == botID }.map(\.body)
        let bob = scene.fake.comments(on: 101).filter { $0.authorID == botID }.map(\.body)
        for (marker, bodies) in [
            ("<!-- sandboxd:req-alice:ready -->", alice), ("<!-- sandboxd:req-alice:expiring -->", alice),
            ("<!-- sandboxd:req-alice:ended -->", alice), ("<!-- sandboxd:req-bob:queued -->", bob),
            ("<!-- sandboxd:req-bob:ready -->", bob),
        ] {
            #expect(bodies.filter { $0.contains(marker) }.count == 1, "\(marker) in \(bodies)")
        }
        #expect(alice.count == 3 && bob.count == 2, "\(alice) \(bob)")
        // Every comment of sandboxd's is the bot's; the person's forged marker is never taken for one.
        let found = try await scene.adapter.findComment(pullRequest: 100, marker: "<!-- sandboxd:req-alice:ready -->")
        #expect(found.map { id in scene.fake.comments(on: 100).first { $0.id == id.id }?.authorID } == botID)

        // No token, JWT or key appears in a log line, a report or a file of the state directory.
        let secrets = AppFlowTests.secrets(of: scene)
        #expect(secrets.count > 3)
        let haystacks =
            logs.entries.map(\.formatted) + reports
            + (try AppFlowTests.files(in: scene.directory, except: scene.keyFile))
        for secret in secrets {
            #expect(!haystacks.contains { $0.contains(secret) }, "a secret leaked")
        }
    }

    /// Every installation token and JWT the fake saw, and the key's base64 lines.
    static func secrets(of scene: AppAuthScene) -> [String] {
        let tokens = scene.fake.installationTokens.map(\.token)
        let bearers = scene.fake.requests.compactMap { $0.headers["Authorization"] }
            .map { $0.replacingOccurrences(of: "Bearer ", with: "") }
        let keyLines = TestAppKeys.first.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("-----") }
        return Array(Set(tokens + bearers + keyLines))
    }

    /// The text of every file under `directory` but `except`.
    static func files(in directory: URL, except: URL) throws -> [String] {
        let paths = FileManager.default.enumerator(atPath: directory.path)?.compactMap { $0 as? String } ?? []
        return paths.compactMap { relative in
            let url = directory.appendingPathComponent(relative)
            guard url.standardizedFileURL != except.standardizedFileURL,
                let data = FileManager.default.contents(atPath: url.path)
            else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
    }
}
