import Foundation
import SandboxCore
import SandboxLocal
import SandboxRuntime
import Testing

@Suite("the reconciler carries the whole flow through the ports")
struct ReconcilerFlowTests {
    @Test("three requests and two slots end with two active, one queued, and their comments")
    func threeRequestsTwoSlots() async throws {
        let clock = ManualClock()
        let outbox = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: outbox) }
        let catalog = LocalCatalog(storage: InMemoryCatalogStorage(), clock: clock)
        let reconciler = Reconciler(
            store: InMemoryJournalStore(lineage: "lineage-1"),
            state: JournalState(lineage: "lineage-1"),
            catalog: catalog,
            github: LocalGitHub(outbox: outbox),
            clock: clock
        )
        let desired = flowDesiredState(capacity: 2, requesters: ["alice", "bob", "carol"])

        let first = try await reconciler.pass(desired: desired)
        #expect(first.errors.isEmpty)
        var state = await reconciler.state
        #expect(state.requests.values.filter { $0.state == .provisioning }.count == 2)
        #expect(state.requests[RequestID("req-carol")!]?.state == .queued)

        clock.advance(by: 5)
        _ = try await reconciler.pass(desired: desired)
        state = await reconciler.state
        #expect(state.requests[RequestID("req-alice")!]?.state == .active)
        #expect(state.requests[RequestID("req-bob")!]?.state == .active)
        #expect(state.requests[RequestID("req-carol")!]?.state == .queued)
        #expect(try await catalog.allProducts().count == 2)
        #expect(outboxFiles(outbox) == ["req-alice.ready.md", "req-bob.ready.md", "req-carol.queued.md"])

        // A steady pass changes nothing.
        let steady = try await reconciler.pass(desired: desired)
        #expect(steady.executed.isEmpty)
    }

    @Test("at lease end the sandbox is terminated and the queued request gets the slot")
    func expiryHandsTheSlotOn() async throws {
        let clock = ManualClock()
        let outbox = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: outbox) }
        let catalog = LocalCatalog(storage: InMemoryCatalogStorage(), clock: clock)
        let reconciler = Reconciler(
            store: InMemoryJournalStore(lineage: "l"),
            state: JournalState(lineage: "l"),
            catalog: catalog,
            github: LocalGitHub(outbox: outbox),
            clock: clock
        )
        let desired = flowDesiredState(capacity: 1, requesters: ["alice", "bob"], lease: "1h")
        _ = try await reconciler.pass(desired: desired)
        clock.advance(by: 5)
        _ = try await reconciler.pass(desired: desired)
        clock.advance(by: 3_600)
        _ = try await reconciler.pass(desired: desired)
        var state = await reconciler.state
        #expect(state.requests[RequestID("req-alice")!]?.state == .terminating)
        clock.advance(by: 5)
        _ = try await reconciler.pass(desired: desired)
        clock.advance(by: 5)
        _ = try await reconciler.pass(desired: desired)
        state = await reconciler.state
        #expect(state.requests[RequestID("req-alice")!]?.state == .ended)
        #expect(state.requests[RequestID("req-alice")!]?.endReason == .expired)
        #expect(state.requests[RequestID("req-bob")!]?.state == .active)
        #expect(try await catalog.allProducts().map(\.name) == ["sandbox-req-bob"])
        #expect(outboxFiles(outbox).contains("req-alice.ended.md"))
        #expect(outboxFiles(outbox).contains("req-alice.expiring.md"))
    }
}
