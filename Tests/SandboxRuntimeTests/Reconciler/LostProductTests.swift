import Foundation
import SandboxCore
import SandboxLocal
import SandboxRuntime
import Synchronization
import Testing

/// A catalog whose next `hideNextListings` listings leave every product out (a lagging listing).
final class LaggingCatalog: CatalogPort {
    let wrapped: LocalCatalog
    let hidden = Mutex(0)

    init(_ wrapped: LocalCatalog) { self.wrapped = wrapped }

    func hideNextListings(_ count: Int) { hidden.withLock { $0 = count } }

    func provision(_ request: ProvisionRequest) async throws(CatalogError) -> CatalogReceipt {
        try await wrapped.provision(request)
    }
    func terminate(provisionedProductId: String, token: String) async throws(CatalogError) -> CatalogReceipt {
        try await wrapped.terminate(provisionedProductId: provisionedProductId, token: token)
    }
    func describeRecord(id: String) async throws(CatalogError) -> CatalogRecord {
        try await wrapped.describeRecord(id: id)
    }
    func listProducts(pool: String) async throws(CatalogError) -> [LiveProduct] {
        let products = try await wrapped.listProducts(pool: pool)
        let hide = hidden.withLock { value -> Bool in
            defer { value = max(0, value - 1) }
            return value > 0
        }
        return hide ? [] : products
    }
    func outputs(provisionedProductId: String) async throws(CatalogError) -> [ProductOutput] {
        try await wrapped.outputs(provisionedProductId: provisionedProductId)
    }
    func checkProduct(_ product: ProductReference) async throws(CatalogError) {}
}

@Suite("a product that vanishes outside sandboxd")
struct LostProductTests {
    func activeWorld() async throws -> (Reconciler, LaggingCatalog, InMemoryCatalogStorage, URL, DesiredState) {
        let clock = ManualClock()
        let outbox = makeTemporaryDirectory()
        let storage = InMemoryCatalogStorage()
        let catalog = LaggingCatalog(LocalCatalog(storage: storage, clock: clock))
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
        return (reconciler, catalog, storage, outbox, desired)
    }

    @Test("one listing that lags does not make a live sandbox lost")
    func laggingListing() async throws {
        let (reconciler, catalog, _, outbox, desired) = try await activeWorld()
        defer { try? FileManager.default.removeItem(at: outbox) }
        catalog.hideNextListings(1)
        _ = try await reconciler.pass(desired: desired)
        #expect(await reconciler.state.requests[RequestID("req-alice")!]?.state == .active)
        #expect(!outboxFiles(outbox).contains("req-alice.lost.md"))
    }

    @Test("a product really gone is lost, the requester told, and the slot goes to the next in line")
    func reallyGone() async throws {
        let (reconciler, _, storage, outbox, desired) = try await activeWorld()
        defer { try? FileManager.default.removeItem(at: outbox) }
        var simulator = try storage.load()
        simulator.products.removeAll { $0.name == "sandbox-req-alice" }
        try storage.save(simulator)
        _ = try await reconciler.pass(desired: desired)
        let state = await reconciler.state
        #expect(state.requests[RequestID("req-alice")!]?.state == .lost)
        #expect(state.requests[RequestID("req-bob")!]?.state == .provisioning)
        #expect(outboxFiles(outbox).contains("req-alice.lost.md"))
    }
}
