import Foundation
import SandboxCore
import SandboxLocal
import SandboxRuntime
import SandboxTesting
import Testing

@Suite("a product that vanishes outside sandboxd")
struct LostProductTests {
    /// Alice active in a pool of one, bob queued behind her.
    func activeWorld() async throws -> (Reconciler, InMemoryCatalog, URL, DesiredState) {
        let clock = ManualClock()
        let outbox = makeTemporaryDirectory()
        let catalog = InMemoryCatalog(clock: clock)
        let reconciler = Reconciler(
            store: InMemoryJournalStore(lineage: "l"),
            state: JournalState(lineage: "l"),
            catalog: catalog,
            github: LocalGitHub(outbox: outbox),
            clock: clock
        )
        let desired = flowDesiredState(capacity: 1, requesters: ["alice", "bob"])
        _ = try await reconciler.pass(desired: desired)
        clock.advance(by: 5)
        _ = try await reconciler.pass(desired: desired)
        #expect(await reconciler.state.requests[RequestID("req-alice")!]?.state == .active)
        return (reconciler, catalog, outbox, desired)
    }

    @Test("one listing that lags does not make a live sandbox lost")
    func laggingListing() async throws {
        let (reconciler, catalog, outbox, desired) = try await activeWorld()
        defer { try? FileManager.default.removeItem(at: outbox) }
        await catalog.intercept { $0.listProducts = InMemoryCatalog.answering(calls: [1]) { _ in [] } }
        _ = try await reconciler.pass(desired: desired)
        #expect(await reconciler.state.requests[RequestID("req-alice")!]?.state == .active)
        #expect(!outboxFiles(outbox).contains("req-alice.lost.md"))
    }

    @Test("a product really gone is lost, the requester told, and the slot goes to the next in line")
    func reallyGone() async throws {
        let (reconciler, catalog, outbox, desired) = try await activeWorld()
        defer { try? FileManager.default.removeItem(at: outbox) }
        await catalog.removeProduct(named: "sandbox-req-alice")
        await catalog.queue([.underChange], forName: "sandbox-req-bob")  // bob's sandbox takes its time
        _ = try await reconciler.pass(desired: desired)
        let state = await reconciler.state
        #expect(state.requests[RequestID("req-alice")!]?.state == .lost)
        #expect(state.requests[RequestID("req-bob")!]?.state == .provisioning)
        #expect(outboxFiles(outbox).contains("req-alice.lost.md"))
    }

    @Test("the local simulator: a product deleted from catalog.json is looked up by id and lost, once")
    func localSimulator() async throws {
        let clock = ManualClock()
        let outbox = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: outbox) }
        let storage = InMemoryCatalogStorage()
        let catalog = LocalCatalog(storage: storage, clock: clock)
        let reconciler = Reconciler(
            store: InMemoryJournalStore(lineage: "l"),
            state: JournalState(lineage: "l"),
            catalog: catalog,
            github: LocalGitHub(outbox: outbox),
            clock: clock
        )
        let desired = flowDesiredState(capacity: 1, requesters: ["alice"])
        _ = try await reconciler.pass(desired: desired)
        clock.advance(by: 5)
        _ = try await reconciler.pass(desired: desired)
        let id = try #require(await reconciler.state.requests[RequestID("req-alice")!]?.productId)
        #expect(try await catalog.describeProduct(id: id)?.status == .available)
        var state = try storage.load()
        state.products.removeAll { $0.id == id }  // "cleaned up in AWS" by hand
        try storage.save(state)
        #expect(try await catalog.describeProduct(id: id) == nil)
        for _ in 0..<2 {
            clock.advance(by: 5)
            _ = try await reconciler.pass(desired: desired)
        }
        #expect(await reconciler.state.requests[RequestID("req-alice")!]?.state == .lost)
        #expect(outboxFiles(outbox).filter { $0.hasSuffix(".lost.md") } == ["req-alice.lost.md"])
    }
}
