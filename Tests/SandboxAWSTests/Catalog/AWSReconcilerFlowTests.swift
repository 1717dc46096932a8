import Foundation
import SandboxAWS
import SandboxCore
import SandboxRuntime
import SandboxTesting
import SandboxLocking
import Testing

/// GitHub as `--local` sees it: verification skipped, comments kept in memory.
final class OfflineGitHub: GitHubPort {
    private let comments = Locked<[Int64: String]>([:])

    /// Every comment as last written, oldest first.
    var bodies: [String] { comments.withLock { $0.sorted { $0.key < $1.key }.map(\.value) } }

    var checksRequesters: Bool { false }
    func answer(_ question: VerificationQuestion) async throws(GitHubError) -> VerificationFact {
        throw GitHubError(.rejected, message: "offline")
    }

    func ownComments(pullRequest: Int, request: RequestID) async throws(GitHubError) -> [OwnComment] {
        let bodies = comments.withLock { $0.sorted { $0.key < $1.key } }.map {
            (CommentReference(id: $0.key), $0.value)
        }
        return OwnComment.found(for: request, in: bodies)
    }

    func postComment(pullRequest: Int, body: String) async throws(GitHubError) -> CommentReference {
        comments.withLock { comments in
            let id = Int64(comments.count + 1)
            comments[id] = body
            return CommentReference(id: id)
        }
    }

    func editComment(_ comment: CommentReference, body: String) async throws(GitHubError) {
        comments.withLock { $0[comment.id] = body }
    }
}

@Suite("the whole Reconciler over AWSCatalog and the fake Service Catalog, under faults")
struct AWSReconcilerFlowTests {
    func desired(requesters: [String]) -> DesiredState {
        let pool = PoolConfiguration(
            capacity: 3,
            lease: LeaseDuration("3d")!,
            product: sandboxProduct,
            parameters: ["SandboxOwner": "{{requester}}", "Request": "{{request}}"]
        )
        var requests: [RequestID: RequestEntry] = [:]
        for (index, requester) in requesters.enumerated() {
            let id = RequestID("req-\(requester)")!
            requests[id] = .valid(RequestSpec(id: id, requester: requester, pullRequest: 10 + index))
        }
        return DesiredState(pool: pool, requests: requests)
    }

    @Test(
        "30% throttling and 10% server errors: three requests converge, no duplicate, no leak",
        arguments: [UInt64(1), 7, 2024]
    )
    func convergesUnderFaults(seed: UInt64) async throws {
        let fake = try makeFakeCatalog(
            stepsToComplete: 2,
            faults: .init(throttlingPercent: 30, serverErrorPercent: 10, seed: seed)
        )
        defer { fake.stop() }
        let catalog = AWSCatalog(client: makeClient(for: fake, retryPolicy: testRetryPolicy(seed: seed)))
        let clock = ManualClock()
        let reconciler = Reconciler(
            store: InMemoryJournalStore(lineage: "lineage-\(seed)"),
            state: JournalState(lineage: "lineage-\(seed)"),
            catalog: catalog,
            github: OfflineGitHub(),
            clock: clock,
            poolName: "default"
        )
        let requesters = ["alice", "bob", "carol"]
        let wanted = desired(requesters: requesters)

        var passes = 0
        while passes < 40 {
            passes += 1
            _ = try await reconciler.pass(desired: wanted)
            clock.advance(by: 30)
            let states = await reconciler.state.requests.values.map(\.state)
            if states.count == 3 && states.allSatisfy({ $0 == .active }) { break }
        }
        let active = await reconciler.state.requests.values.filter { $0.state == .active }
        #expect(active.count == 3, "after \(passes) passes")
        #expect(fake.liveProducts.count == 3)
        #expect(Set(fake.liveProducts.map(\.name)) == ["sandbox-req-alice", "sandbox-req-bob", "sandbox-req-carol"])
        #expect(fake.productsCreated == 3)
        #expect(fake.liveProducts.allSatisfy { $0.status == "AVAILABLE" && $0.tags[TagKey.pool] == "default" })
        #expect(active.allSatisfy { $0.outputs.map(\.key) == ["BucketName", "QueueArn", "NotebookUrl", "Region"] })

        // Every request file removed: all three are released and nothing is left behind.
        let empty = desired(requesters: [])
        passes = 0
        while passes < 40, !fake.liveProducts.isEmpty || fake.productsCreated == 0 {
            passes += 1
            _ = try await reconciler.pass(desired: empty, allowMassRelease: true)
            clock.advance(by: 30)
        }
        for _ in 0..<3 {
            _ = try await reconciler.pass(desired: empty, allowMassRelease: true)
        }
        #expect(fake.liveProducts.isEmpty, "after \(passes) passes")
        let ended = await reconciler.state.requests.values.map(\.state)
        #expect(ended == [.ended, .ended, .ended], "\(ended)")
        #expect(fake.productsCreated == 3)
        #expect(fake.violations.isEmpty)
        // The run met both kinds of fault (a steady pass makes one call, so they are counted over the whole run).
        #expect((fake.injectedFaults["throttle"] ?? 0) > 0)
        #expect((fake.injectedFaults["serverError"] ?? 0) > 0)
    }
}
