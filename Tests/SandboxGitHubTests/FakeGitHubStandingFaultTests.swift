import Foundation
import SandboxCore
import SandboxGitHub
import SandboxHTTP
import SandboxTesting
import Testing

/// The fake GitHub's standing faults (`injectFault(_:on:)`), through real HTTP.
@Suite("the fake GitHub's standing faults")
struct FakeGitHubStandingFaultTests {
    /// Polls `condition` every 20 ms for up to 10 s; whether it came true.
    private static func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    /// Another adapter on the scene's fake, with its own client (and so its own outage gate), `timeout`
    /// and transport.
    private static func adapter(
        for scene: Scene,
        timeout: Duration,
        transport: URLSessionTransport = URLSessionTransport()
    ) throws -> GitHubAdapter {
        var configuration = GitHubClient.Configuration(
            baseURL: scene.fake.apiURL,
            token: try GitHubToken(scene.fake.token)
        )
        configuration.timeout = timeout
        let client = GitHubClient(configuration: configuration, transport: transport, sleep: { _ in })
        return GitHubAdapter(
            repository: try GitHubRepository("\(scene.fake.owner)/\(scene.fake.repository)"),
            client: client
        )
    }

    private static func userLookups(_ scene: Scene) -> Int {
        scene.fake.requests.filter { $0.method == "GET" && $0.path.hasPrefix("/users/") }.count
    }

    @Test("a hung route is recorded and never answered while other routes are; clearing it answers it")
    func hang() async throws {
        let scene = try Scene()
        defer { scene.fake.stop() }
        scene.person("alice", id: 101)
        scene.pullRequest(7, by: 101, adding: "req-alice")
        scene.fake.injectFault(.hang, on: .user)
        let impatient = try Self.adapter(for: scene, timeout: .seconds(1))

        async let held: GitHubError? = {
            do throws(GitHubError) {
                _ = try await impatient.answer(.account(login: "alice"))
                return nil
            } catch {
                return error
            }
        }()
        #expect(await Self.eventually { scene.fake.heldRequests == 1 }, "the user lookup never arrived")
        let pull = try await scene.adapter.answer(.pullRequest(number: 7))
        guard case .pullRequest(let facts?, _) = pull else {
            Issue.record("the pull request was not answered: \(pull)")
            return
        }
        #expect(facts.author?.login == "alice")

        let error = await held
        #expect(error?.kind == .unavailable)
        #expect(error?.message.contains("timed out") == true, "\(String(describing: error))")
        #expect(Self.userLookups(scene) == 1)
        #expect(
            scene.fake.heldRequests == 1,
            "the server answered (or dropped) the held request after the client gave up"
        )

        scene.fake.injectFault(.clear, on: .user)
        #expect(await Self.eventually { scene.fake.heldRequests == 0 })
        let account = try await scene.adapter.answer(.account(login: "alice"))
        guard case .account(let found?) = account else {
            Issue.record("the account was not answered: \(account)")
            return
        }
        #expect(found.id == 101)
        #expect(Self.userLookups(scene) == 2)
    }

    @Test("an endless body is cut off by the client's limit, on the faulted route only")
    func endlessBody() async throws {
        let scene = try Scene()
        defer { scene.fake.stop() }
        scene.person("alice", id: 101)
        scene.pullRequest(7, by: 101, adding: "req-alice")
        scene.fake.injectFault(.endlessBody, on: .pullRequest)
        let limited = try Self.adapter(
            for: scene,
            timeout: .seconds(30),
            transport: URLSessionTransport(maximumResponseBytes: 1 << 20)
        )

        for _ in 0..<2 {
            do {
                let answer = try await limited.answer(.pullRequest(number: 7))
                Issue.record("an endless body was read as \(answer)")
            } catch {
                #expect(error.kind == .unavailable)
                #expect(error.message.contains("larger than 1048576 bytes"), "\(error.message)")
            }
        }
        let account = try await limited.answer(.account(login: "alice"))
        guard case .account(let found?) = account else {
            Issue.record("the account was not answered: \(account)")
            return
        }
        #expect(found.id == 101)
        #expect(scene.fake.requests.filter { $0.path.hasSuffix("/pulls/7") }.count == 2)

        scene.fake.injectFault(.clear, on: .pullRequest)
        let pull = try await limited.answer(.pullRequest(number: 7))
        guard case .pullRequest(let facts?, _) = pull else {
            Issue.record("the pull request was not answered: \(pull)")
            return
        }
        #expect(facts.merged)
    }

    @Test("a request the fake would refuse for its token is refused, not faulted")
    func refusalsComeFirst() async throws {
        let scene = try Scene()
        defer { scene.fake.stop() }
        scene.fake.injectFault(.hang, on: .authenticatedUser)
        var configuration = GitHubClient.Configuration(
            baseURL: scene.fake.apiURL,
            token: try GitHubToken("wrong-token-0000")
        )
        configuration.timeout = .seconds(30)
        let client = GitHubClient(configuration: configuration, transport: URLSessionTransport(), sleep: { _ in })
        await #expect(throws: GitHubError.self) { _ = try await client.authenticatedAccount() }
        #expect(scene.fake.heldRequests == 0)
        #expect(scene.fake.refusedForHeaders == 1)
    }
}
