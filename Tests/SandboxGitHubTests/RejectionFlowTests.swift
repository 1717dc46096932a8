import Foundation
import SandboxCore
import SandboxGitHub
import SandboxRuntime
import SandboxTesting
import Testing

/// Issue 5, "Done when" 1: every rejection rule of docs/behaviour.md §5, driven through the whole reconciler
/// against the fake GitHub over HTTP, ends in a `rejected` comment with its reason and no
/// provisioning call.
@Suite("each rejection rule of docs/behaviour.md §5 ends in a rejected comment and provisions nothing")
struct RejectionFlowTests {
    /// One rejection rule: how to set the scene, and a fragment of the reason the comment must hold.
    struct Rule: Sendable, CustomTestStringConvertible {
        var name: String
        var requester: String = "alice"
        var pullRequest: Int = 100
        var policy = VerificationPolicy()
        var reason: String
        var scene: @Sendable (Scene) -> Void

        var testDescription: String { name }
    }

    static let rules: [Rule] = [
        Rule(
            name: "the pull request does not exist (the number is an issue)",
            reason: "does not exist in octo-org/sandboxes"
        ) {
            $0.person("alice", id: 101)
            $0.fake.addIssue(100)
        },
        Rule(name: "the pull request was opened by someone else", reason: "was opened by") {
            $0.person("alice", id: 101)
            $0.person("bob", id: 102)
            $0.pullRequest(100, by: 102, adding: "req-alice")
        },
        Rule(name: "the pull request is still not merged 10 minutes after the file was seen", reason: "is not merged") {
            $0.person("alice", id: 101)
            $0.pullRequest(100, by: 101, adding: "req-alice", merged: false)
        },
        Rule(
            name: "the pull request does not change the request file",
            reason: "does not add or modify desired-state/requests/req-alice.json"
        ) {
            $0.person("alice", id: 101)
            $0.fake.addPullRequest(.init(number: 100, authorID: 101, files: [.init("README.md", status: "modified")]))
        },
        Rule(name: "the pull request removes the request file", reason: "lists it as removed") {
            $0.person("alice", id: 101)
            $0.pullRequest(100, by: 101, adding: "req-alice", status: "removed")
        },
        Rule(name: "the account is a Bot", requester: "deploy-helper", reason: "is a bot account") {
            $0.person("deploy-helper", id: 103, type: "Bot")
            $0.pullRequest(100, by: 103, adding: "req-deploy-helper")
        },
        Rule(name: "the account is an Organization", requester: "acme", reason: "is an organization account") {
            $0.person("acme", id: 104, type: "Organization")
            $0.pullRequest(100, by: 104, adding: "req-acme")
        },
        Rule(
            name: "the requester is the ghost account",
            requester: "ghost",
            reason: "placeholder GitHub shows for deleted accounts"
        ) {
            $0.person("ghost", id: 10_137, created: Date(timeIntervalSince1970: 1_204_000_000))
            $0.pullRequest(100, by: 10_137, adding: "req-ghost")
        },
        Rule(name: "the pull request's author account was deleted", reason: "was deleted") {
            $0.person("alice", id: 101)
            $0.pullRequest(100, by: 55_555, adding: "req-alice")  // unknown id: GitHub shows ghost
        },
        Rule(name: "the account is younger than minAccountAge", reason: "less than 30d ago") {
            $0.person("alice", id: 101, created: $0.clock.now().addingTimeInterval(-5 * 86_400))
            $0.pullRequest(100, by: 101, adding: "req-alice")
        },
        Rule(
            name: "the login is in deniedUsers",
            policy: VerificationPolicy(deniedUsers: ["ALICE"]),
            reason: "may not request sandboxes from this pool"
        ) {
            $0.person("alice", id: 101)
            $0.pullRequest(100, by: 101, adding: "req-alice")
        },
        Rule(
            name: "the account is not a member of an allowed organization",
            policy: VerificationPolicy(allowedOrganizations: ["acme-corp"]),
            reason: "is not an active member of acme-corp"
        ) {
            $0.person("alice", id: 101)
            $0.pullRequest(100, by: 101, adding: "req-alice")
            $0.fake.setMembership(organization: "acme-corp", accountID: $0.fake.viewer.id, .active)
        },
        Rule(
            name: "the invitation to the allowed organization is still pending",
            policy: VerificationPolicy(allowedOrganizations: ["acme-corp"]),
            reason: "not accepted yet"
        ) {
            $0.person("alice", id: 101)
            $0.pullRequest(100, by: 101, adding: "req-alice")
            $0.fake.setMembership(organization: "acme-corp", accountID: $0.fake.viewer.id, .active)
            $0.fake.setMembership(organization: "acme-corp", accountID: 101, .pending)
        },
    ]

    @Test(arguments: rules)
    func rejectedWithItsReasonAndNothingProvisioned(_ rule: Rule) async throws {
        let scene = try Scene()
        rule.scene(scene)
        let catalog = InMemoryCatalog(clock: scene.clock)
        let reconciler = scene.reconciler(catalog: catalog)
        let request = spec(rule.requester, pr: rule.pullRequest)
        let wanted = desired([request], policy: rule.policy)

        _ = try await reconciler.pass(desired: wanted)
        scene.clock.advance(by: 11 * 60)  // past the unmerged-PR grace; harmless for the other rules
        _ = try await reconciler.pass(desired: wanted)

        let record = try #require(await reconciler.state.requests[request.id])
        #expect(record.state == .rejected)
        #expect(record.reason?.contains(rule.reason) == true, "reason: \(record.reason ?? "nil")")

        let comments = scene.ownComments(on: rule.pullRequest)
        #expect(comments.count == 1)
        let body = try #require(comments.first?.body)
        #expect(body.contains("was rejected"))
        #expect(body.contains(rule.reason), "comment: \(body)")
        #expect(body.hasSuffix("<!-- sandboxd:\(request.id):rejected -->"))

        #expect(await catalog.provisionCalls.isEmpty)
        #expect(await catalog.liveProducts.isEmpty)
        #expect(scene.fake.refusedForHeaders == 0)
        if !rule.policy.deniedUsers.isEmpty {
            // The deny list is checked before any verification call: the requests are the reading of the pull
            // request (sandboxd's own account, then its comments: docs/behaviour.md §3.15) and the comment.
            #expect(scene.fake.requests.map(\.method) == ["GET", "GET", "POST"])
        }
    }

    @Test(
        "a pull request that does not exist at all is rejected; there is nowhere to comment, and nothing is provisioned"
    )
    func missingPullRequest() async throws {
        let scene = try Scene()
        scene.person("alice", id: 101)
        let catalog = InMemoryCatalog(clock: scene.clock)
        let reconciler = scene.reconciler(catalog: catalog)
        let request = spec("alice", pr: 404)
        let report = try await reconciler.pass(desired: desired([request]))
        #expect(await reconciler.state.requests[request.id]?.state == .rejected)
        #expect(report.errors.contains { $0.contains("cannot be posted on pull request #404") })
        #expect(scene.fake.allComments.isEmpty)
        #expect(await catalog.provisionCalls.isEmpty)
    }

    @Test("a renamed login is the same person: the second request is rejected, one sandbox only")
    func renamedLoginCannotTakeTwo() async throws {
        let scene = try Scene()
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        let catalog = InMemoryCatalog(clock: scene.clock)
        let reconciler = scene.reconciler(catalog: catalog)
        let first = spec("alice", pr: 100)
        _ = try await reconciler.pass(desired: desired([first]))
        #expect(await reconciler.state.requests[first.id]?.state == .active)

        // alice renames herself and asks again under her new login, from her new pull request.
        scene.fake.rename(accountID: 101, to: "alice-renamed")
        scene.pullRequest(101, by: 101, adding: "req-second")
        let second = spec("alice-renamed", pr: 101, id: "req-second")
        scene.clock.advance(by: 60)
        _ = try await reconciler.pass(desired: desired([first, second]))

        let record = try #require(await reconciler.state.requests[second.id])
        #expect(record.state == .rejected)
        #expect(record.reason?.contains("already has a live sandbox") == true)
        #expect(scene.ownComments(on: 101).count == 1)
        #expect(scene.ownComments(on: 101).first?.body.contains("was rejected") == true)
        #expect(await catalog.provisionCalls.count == 1)
        #expect(await catalog.liveProducts.count == 1)
    }
}
