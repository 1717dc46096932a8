import Foundation
import Glibc
import SandboxCore
import SandboxGitHub
import SandboxHTTP
import SandboxRuntime
import SandboxTesting
import SandboxLocking
import Testing

/// docs/behaviour.md §5.6 and §6.2: GitHub's answers read as GitHub means them. Each test fails when
/// the answer is read the old way (a 404 as "no such pull request", a redirect as a sent comment, a
/// public member as "cannot tell", a token read once).
@Suite("GitHub's answers read as GitHub means them")
struct AnswersTests {
    private let alice = RequestID("req-alice")!

    /// alice's request, verified and provisioning after one pass; the product is ready once `finish` is called.
    private func provisioningAlice(
        _ scene: Scene
    ) async throws -> (reconciler: Reconciler, wanted: DesiredState, finish: @Sendable () async -> Void) {
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        let catalog = InMemoryCatalog(clock: scene.clock)
        await catalog.queue([.underChange], forName: "sandbox-req-alice")
        let reconciler = scene.reconciler(catalog: catalog)
        let wanted = desired([spec("alice", pr: 100)])
        _ = try await reconciler.pass(desired: wanted)
        #expect(await reconciler.state.requests[alice]?.state == .provisioning)
        return (reconciler, wanted, { await catalog.finishProvisioning(named: "sandbox-req-alice", as: .available) })
    }

    @Test("a repository the credentials cannot see is a configuration problem: the request stays pending")
    func invisibleRepositoryKeepsPending() async throws {
        let scene = try Scene()
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        let reconciler = scene.reconciler(catalog: InMemoryCatalog(clock: scene.clock))
        let wanted = desired([spec("alice", pr: 100)])
        scene.fake.hideRepository()
        let report = try await reconciler.pass(desired: wanted)
        #expect(report.problems.map(\.kind).contains(.githubConfiguration), "\(report.errors)")
        #expect(report.errors.contains { $0.contains("cannot see the repository octo-org/sandboxes") })
        #expect(await reconciler.state.requests[alice]?.state == .pending)

        scene.fake.hideRepository(false)
        scene.clock.advance(by: VerificationPolicy.configurationRetry + 1)
        let fixed = try await reconciler.pass(desired: wanted)
        #expect(fixed.problems.isEmpty, "\(fixed.errors)")
        #expect(await reconciler.state.requests[alice]?.state != .pending)
        #expect(await reconciler.state.requests[alice]?.state != .rejected)
    }

    @Test("a pull request missing from a repository GitHub shows is still rejected")
    func missingPullRequestInVisibleRepository() async throws {
        let scene = try Scene()
        scene.person("alice", id: 101)
        let outcome = await scene.adapter.verify(scene.verification(spec("alice", pr: 404)))
        guard case .rejected = outcome else {
            Issue.record("expected rejected, got \(outcome)")
            return
        }
    }

    @Test("a comment whose post meets a 404 while the repository is invisible stays unsent, and goes out once fixed")
    func commentNotRecordedWithout201() async throws {
        let scene = try Scene()
        let (reconciler, wanted, finish) = try await provisioningAlice(scene)
        await finish()
        scene.fake.hideRepository()
        scene.clock.advance(by: 5)
        let hidden = try await reconciler.pass(desired: wanted)
        #expect(hidden.problems.map(\.kind).contains(.githubConfiguration), "\(hidden.errors)")
        #expect((await reconciler.state.requests[alice]?.notifications[.ready]?.posted ?? 0) == 0)

        scene.fake.hideRepository(false)
        scene.clock.advance(by: 180)
        _ = try await reconciler.pass(desired: wanted)
        let ready = await reconciler.state.requests[alice]?.notifications[.ready]
        #expect((ready?.comment?.id ?? 0) > 0)
        #expect(scene.ownComments(on: 100).count == 1)
    }

    @Test("a repository renamed and transferred is followed by id (301 and 307), and reported once with its new name")
    func movedRepositoryIsFollowed() async throws {
        let notices = Locked<[String]>([])
        let scene = try Scene(report: { notice in notices.withLock { $0.append(notice) } })
        let (reconciler, wanted, finish) = try await provisioningAlice(scene)
        await finish()
        scene.fake.moveRepository(toOwner: "new-org", name: "sandboxes-2")
        scene.clock.advance(by: 5)
        let report = try await reconciler.pass(desired: wanted)
        #expect(report.problems.isEmpty, "\(report.errors)")
        #expect(scene.ownComments(on: 100).count == 1)
        #expect((await reconciler.state.requests[alice]?.notifications[.ready]?.comment?.id ?? 0) > 0)
        #expect(notices.withLock { $0 }.count == 1)
        #expect(notices.withLock { $0 }.first?.contains("new-org/sandboxes-2") == true, "\(notices.withLock { $0 })")

        // A new request after the move is verified through /repositories/{id}, with no redirect.
        scene.person("bob", id: 102)
        scene.pullRequest(101, by: 102, adding: "req-bob")
        let before = scene.fake.requests.count
        let bob = await scene.adapter.verify(scene.verification(spec("bob", pr: 101)))
        #expect(bob == .verified(userId: 102, login: "bob"))
        let paths = scene.fake.requests.dropFirst(before).map(\.path)
        #expect(paths.contains { $0.hasPrefix("/repositories/\(scene.fake.repositoryID)/pulls/101") }, "\(paths)")
        #expect(!paths.contains { $0.hasPrefix("/repos/octo-org/") }, "\(paths)")
        #expect(notices.withLock { $0 }.count == 1)
    }

    @Test("a redirect to another host is a configuration problem: the token is never sent there, nothing is recorded")
    func redirectToAnotherHostIsRefused() async throws {
        let elsewhere = try FakeGitHubServer()
        defer { elsewhere.stop() }
        let scene = try Scene()
        let (reconciler, wanted, finish) = try await provisioningAlice(scene)
        await finish()
        scene.fake.moveRepositoryToAnotherHost(elsewhere.apiURL)
        scene.clock.advance(by: 5)
        let report = try await reconciler.pass(desired: wanted)
        #expect(report.problems.map(\.kind).contains(.githubConfiguration), "\(report.errors)")
        #expect(report.errors.contains { $0.contains("another host") }, "\(report.errors)")
        #expect(elsewhere.requests.isEmpty)
        #expect((await reconciler.state.requests[alice]?.notifications[.ready]?.posted ?? 0) == 0)
    }

    @Test("a public member is a member, even when sandboxd's account cannot see the organization's private members")
    func publicMemberIsVerified() async throws {
        let scene = try Scene()
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        scene.fake.setMembership(organization: "acme-corp", accountID: 101, .active, isPublic: true)
        let policy = VerificationPolicy(allowedOrganizations: ["acme-corp"])
        let outcome = await scene.adapter.verify(scene.verification(spec("alice", pr: 100), policy: policy))
        #expect(outcome == .verified(userId: 101, login: "alice"))
        #expect(scene.fake.requests.contains { $0.path == "/orgs/acme-corp/public_members/alice" })
    }

    @Test("a token file replaced while sandboxd runs is used from the next call, without a restart")
    func rotatedTokenFileIsReadAgain() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("token")
        try Data("test-token-s3cr3t\n".utf8).write(to: file)
        let scene = try Scene(credentials: .token(.file(path: file.path, setting: "--github-token-file")))
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        #expect(
            await scene.adapter.verify(scene.verification(spec("alice", pr: 100)))
                == .verified(userId: 101, login: "alice")
        )

        // The operator rotates the token: GitHub takes only the new one, and the file is replaced by rename.
        scene.fake.rotateToken(to: "rotated-token-2")
        let replacement = directory.appendingPathComponent("token.new")
        try Data("rotated-token-2\n".utf8).write(to: replacement)
        #expect(rename(replacement.path, file.path) == 0)
        scene.person("bob", id: 102)
        scene.pullRequest(101, by: 102, adding: "req-bob")
        let before = scene.fake.requests.count
        #expect(
            await scene.adapter.verify(scene.verification(spec("bob", pr: 101))) == .verified(userId: 102, login: "bob")
        )
        let sent = scene.fake.requests.dropFirst(before).map { $0.headers["Authorization"] }
        #expect(!sent.isEmpty && sent.allSatisfy { $0 == "Bearer rotated-token-2" })
    }
}
