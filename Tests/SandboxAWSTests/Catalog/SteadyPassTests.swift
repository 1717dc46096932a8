import Foundation
import SandboxAWS
import SandboxCore
import SandboxHTTP
import SandboxRuntime
import SandboxTesting
import Testing

/// A steady pass costs one listing per 100 live products and nothing else (docs/behaviour.md §4),
/// counted on the wire: AWSCatalog over the fake Service Catalog, every request recorded.
@Suite("a steady pass makes the fewest calls")
struct SteadyPassTests {
    func desired(count: Int, product: ProductReference = sandboxProduct) -> DesiredState {
        let pool = PoolConfiguration(capacity: count, lease: LeaseDuration("3d")!, product: product)
        var requests: [RequestID: RequestEntry] = [:]
        for index in 0..<count {
            let id = RequestID("req-\(index)")!
            requests[id] = .valid(RequestSpec(id: id, requester: "user\(index)", pullRequest: 10 + index))
        }
        return DesiredState(pool: pool, requests: requests)
    }

    /// The Service Catalog operations the fake received after the first `skip` requests.
    func operations(_ fake: FakeServiceCatalogServer, after skip: Int) -> [String] {
        fake.requests.dropFirst(skip).compactMap {
            $0.headers["X-Amz-Target"]?.split(separator: ".").last.map(String.init)
        }
    }

    @Test("150 live products: a steady pass is 2 SearchProvisionedProducts and no other AWS or GitHub call")
    func steadyCounts() async throws {
        let fake = try FakeServiceCatalogServer(
            .init(credentials: [acceptedTestCredentials], searchPageSize: 100, stepsToComplete: 1)
        )
        defer { fake.stop() }
        let clock = ManualClock(Date())
        let counter = APICallCounter()
        let reconciler = Reconciler(
            store: InMemoryJournalStore(lineage: "steady"),
            state: JournalState(lineage: "steady"),
            catalog: AWSCatalog(client: makeClient(for: fake)),
            github: InstrumentedGitHub(OfflineGitHub(), counter: counter),
            clock: clock,
            poolName: "default"
        )
        let wanted = desired(count: 150)
        for _ in 0..<10 {
            _ = try await reconciler.pass(desired: wanted)
            clock.advance(by: 5)
            if await reconciler.state.requests.values.allSatisfy({ $0.state == .active }) { break }
        }
        #expect(await reconciler.state.requests.values.filter { $0.state == .active }.count == 150)
        // The ready comments go out first, 80 a minute at most (GitHub's content limit).
        for _ in 0..<5 where await !reconciler.outbox(desired: wanted).isEmpty {
            clock.advance(by: 61)
            _ = try await reconciler.pass(desired: wanted)
        }
        #expect(await reconciler.outbox(desired: wanted).isEmpty)

        for _ in 0..<3 {
            clock.advance(by: 60)
            let before = fake.requests.count
            let githubBefore = counter.snapshot.values.reduce(0, +)
            let report = try await reconciler.pass(desired: wanted)
            #expect(report.problems.isEmpty)
            #expect(operations(fake, after: before) == ["SearchProvisionedProducts", "SearchProvisionedProducts"])
            #expect(counter.snapshot.values.reduce(0, +) == githubBefore, "no GitHub call")
        }

        // Ten minutes after the last check, the product and artifact are checked again, once.
        clock.advance(by: ProvisioningPolicy.productCheckInterval)
        var before = fake.requests.count
        _ = try await reconciler.pass(desired: wanted)
        #expect(
            operations(fake, after: before) == [
                "DescribeProduct", "DescribeProvisioningArtifact", "SearchProvisionedProducts",
                "SearchProvisionedProducts",
            ]
        )

        // A pool.json that names another artifact is checked in the next pass.
        var changed = wanted
        changed.pool?.product.provisioningArtifactId = "pa-other00000001"
        clock.advance(by: 60)
        before = fake.requests.count
        _ = try await reconciler.pass(desired: changed)
        #expect(operations(fake, after: before).prefix(1) == ["DescribeProduct"])
    }
}
