import Foundation
import SandboxCore
import SandboxGitHub
import SandboxRuntime
import SandboxTesting
import Testing

/// The pending paths of docs/behaviour.md §5 through the reconciler: GitHub's lag after a merge, a rate limit,
/// and a membership sandboxd's token cannot see. None of them rejects, and no pass sleeps.
@Suite("verification that cannot decide yet stays pending")
struct VerificationFlowTests {
    @Test("an unmerged pull request is pending within 10 minutes of first sight, rejected after")
    func unmergedGraceThenRejected() async throws {
        let scene = try Scene()
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice", merged: false)
        let catalog = InMemoryCatalog(clock: scene.clock)
        let reconciler = scene.reconciler(catalog: catalog)
        let wanted = desired([spec("alice", pr: 100)])
        let id = RequestID("req-alice")!
        let firstSeen = scene.clock.now()

        _ = try await reconciler.pass(desired: wanted)
        var record = try #require(await reconciler.state.requests[id])
        #expect(record.state == .pending)
        let retryAt = try #require(record.verifyRetryAt)
        #expect(retryAt > firstSeen && retryAt <= firstSeen.addingTimeInterval(600))

        // Checked again with backoff, still pending, for up to 10 minutes.
        var checks = 0
        for _ in 1...19 {  // up to 9 min 30 s after first sight
            scene.clock.advance(by: 30)
            let before = scene.fake.requests.count
            _ = try await reconciler.pass(desired: wanted)
            if scene.fake.requests.count > before { checks += 1 }
            record = try #require(await reconciler.state.requests[id])
            #expect(record.state == .pending)
        }
        #expect(checks >= 5)
        #expect(scene.ownComments(on: 100).isEmpty)

        scene.clock.set(firstSeen.addingTimeInterval(601))
        _ = try await reconciler.pass(desired: wanted)
        record = try #require(await reconciler.state.requests[id])
        #expect(record.state == .rejected)
        #expect(record.reason?.contains("is not merged") == true)
        #expect(scene.ownComments(on: 100).count == 1)
        #expect(await catalog.provisionCalls.isEmpty)
    }

    @Test("a pull request that reads as merged within the grace is verified and provisioned")
    func mergedWithinGrace() async throws {
        let scene = try Scene()
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice", merged: false)
        let catalog = InMemoryCatalog(clock: scene.clock)
        let reconciler = scene.reconciler(catalog: catalog)
        let wanted = desired([spec("alice", pr: 100)])
        _ = try await reconciler.pass(desired: wanted)
        scene.clock.advance(by: 120)
        scene.fake.setMerged(100, true)
        _ = try await reconciler.pass(desired: wanted)
        let record = try #require(await reconciler.state.requests[RequestID("req-alice")!])
        #expect(record.state == .active)
        #expect(record.identity == "id:101")
        #expect(await catalog.provisionCalls.count == 1)
    }

    @Test("a used-up rate limit leaves the request pending until the reset, and no pass sleeps")
    func rateLimitDefersWithoutSleeping() async throws {
        let scene = try Scene()
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        let reset = scene.clock.now().addingTimeInterval(1_800)
        scene.fake.setRateLimit(remaining: 2, reset: reset)  // enough for the PR and its files, not the account
        let catalog = InMemoryCatalog(clock: scene.clock)
        let reconciler = scene.reconciler(catalog: catalog)
        let wanted = desired([spec("alice", pr: 100)])
        let id = RequestID("req-alice")!

        _ = try await reconciler.pass(desired: wanted)
        var record = try #require(await reconciler.state.requests[id])
        #expect(record.state == .pending)
        #expect(record.verifyRetryAt.map { abs($0.timeIntervalSince(reset)) < 1 } == true)
        #expect(scene.sleeps.recorded.isEmpty)

        // Before the reset nothing is asked at all; the request stays pending.
        let calls = scene.fake.requests.count
        for _ in 1...3 {
            scene.clock.advance(by: 300)
            _ = try await reconciler.pass(desired: wanted)
        }
        #expect(scene.fake.requests.count == calls)
        record = try #require(await reconciler.state.requests[id])
        #expect(record.state == .pending)

        scene.clock.set(reset.addingTimeInterval(1))
        _ = try await reconciler.pass(desired: wanted)
        record = try #require(await reconciler.state.requests[id])
        #expect(record.state == .active)
        #expect(scene.sleeps.recorded.allSatisfy { $0 <= .seconds(2) })
    }

    @Test("a secondary rate limit defers by Retry-After")
    func secondaryLimitDefersByRetryAfter() async throws {
        let scene = try Scene()
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        scene.fake.limitSecondary(retryAfter: 120)
        let outcome = await scene.adapter.verify(scene.verification(spec("alice", pr: 100)))
        guard case .pending(let reason, let retryAt) = outcome else {
            Issue.record("expected pending, got \(outcome)")
            return
        }
        #expect(reason.contains("rate-limited"))
        #expect(retryAt == scene.clock.now().addingTimeInterval(120))
        #expect(scene.sleeps.recorded.isEmpty)
    }

    @Test("a membership the token cannot see (302) stays pending with a reason, never rejected")
    func unseeableMembershipStaysPending() async throws {
        let scene = try Scene()
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        // A private membership; sandboxd's own account is not in acme-corp.
        scene.fake.setMembership(organization: "acme-corp", accountID: 101, .active)
        let catalog = InMemoryCatalog(clock: scene.clock)
        let reconciler = scene.reconciler(catalog: catalog)
        let wanted = desired([spec("alice", pr: 100)], policy: VerificationPolicy(allowedOrganizations: ["acme-corp"]))
        let id = RequestID("req-alice")!

        for _ in 1...3 {
            _ = try await reconciler.pass(desired: wanted)
            scene.clock.advance(by: 16 * 60)
        }
        let record = try #require(await reconciler.state.requests[id])
        #expect(record.state == .pending)
        #expect(record.reason?.contains("cannot tell whether @alice is a member") == true, "\(record.reason ?? "nil")")
        #expect(record.reason?.contains("302") == true)
        #expect(scene.fake.requests.contains { $0.path.hasSuffix("/orgs/acme-corp/members/alice") })
        #expect(scene.ownComments(on: 100).isEmpty)
        #expect(await catalog.provisionCalls.isEmpty)

        // Once the operator lets the token see (its account joins the organization), alice is verified.
        scene.fake.setMembership(organization: "acme-corp", accountID: scene.fake.viewer.id, .active)
        _ = try await reconciler.pass(desired: wanted)
        #expect(await reconciler.state.requests[id]?.state == .active)
    }

    @Test("GitHub Enterprise Server's 404 for an unseeable membership is also pending")
    func unseeable404IsPending() async throws {
        let scene = try Scene(pathPrefix: "/api/v3")
        scene.fake.membersAnswer404WhenHidden = true
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        let policy = VerificationPolicy(allowedOrganizations: ["acme-corp"])
        let outcome = await scene.adapter.verify(scene.verification(spec("alice", pr: 100), policy: policy))
        guard case .pending(let reason, _) = outcome else {
            Issue.record("expected pending, got \(outcome)")
            return
        }
        #expect(reason.contains("is a private member of acme-corp (HTTP 404), and @alice is not a public member"))
    }

    @Test("an active member of one allowed organization is verified; a public member without a seeing token too")
    func activeMembership() async throws {
        let scene = try Scene()
        scene.person("alice", id: 101)
        scene.person("bob", id: 102)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        scene.pullRequest(101, by: 102, adding: "req-bob")
        scene.fake.setMembership(organization: "other", accountID: scene.fake.viewer.id, .active)
        scene.fake.setMembership(organization: "acme-corp", accountID: scene.fake.viewer.id, .active)
        scene.fake.setMembership(organization: "acme-corp", accountID: 101, .active)
        scene.fake.setMembership(organization: "public-org", accountID: 102, .active, isPublic: true)
        let policy = VerificationPolicy(allowedOrganizations: ["other", "acme-corp", "public-org"])
        #expect(
            await scene.adapter.verify(scene.verification(spec("alice", pr: 100), policy: policy))
                == .verified(userId: 101, login: "alice")
        )
        #expect(
            await scene.adapter.verify(scene.verification(spec("bob", pr: 101), policy: policy))
                == .verified(userId: 102, login: "bob")
        )
    }

    @Test("the requester's login is compared ignoring case, and the request file may be renamed into place")
    func caseAndRename() async throws {
        let scene = try Scene()
        scene.person("Alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice", status: "renamed")
        #expect(
            await scene.adapter.verify(scene.verification(spec("aLiCe", pr: 100, id: "req-alice")))
                == .verified(userId: 101, login: "Alice")
        )
    }

    @Test("GitHub unreachable: pending, not rejected")
    func unreachableIsPending() async throws {
        // A loopback port nobody listens on (not a stopped fake's port, which another test's server may
        // have been given since): the connection is refused.
        let scene = try Scene(configure: { $0.baseURL = URL(string: "http://127.0.0.1:9")! })
        defer { scene.fake.stop() }
        let outcome = await scene.adapter.verify(scene.verification(spec("alice", pr: 100)))
        guard case .pending(let reason, let retryAt) = outcome else {
            Issue.record("expected pending, got \(outcome)")
            return
        }
        #expect(reason.contains("unavailable"))
        #expect(retryAt != nil)
    }
}
