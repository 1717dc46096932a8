import Foundation
import SandboxCore
import SandboxRuntime
import SandboxTesting
import Testing

/// A request for a product named `name` with idempotency token `token`, in pool `pool`.
private func request(_ name: String, token: String, pool: String = "default") -> ProvisionRequest {
    ProvisionRequest(
        name: name,
        token: token,
        product: ProductReference(productId: "prod-abcdefghijklm", provisioningArtifactId: "pa-abcdefghijklm"),
        parameters: [:],
        tags: [TagKey.pool: pool, TagKey.request: name]
    )
}

@Suite("the in-memory catalog keeps Service Catalog's contract, and its interceptors")
struct InMemoryCatalogTests {
    @Test("the same token returns the same receipt; another token for a live name is a duplicate")
    func idempotentByToken() async throws {
        let catalog = InMemoryCatalog(clock: ManualClock())
        let first = try await catalog.provision(request("sandbox-a", token: "t1"))
        #expect(try await catalog.provision(request("sandbox-a", token: "t1")) == first)
        await #expect(throws: CatalogError.self) { try await catalog.provision(request("sandbox-a", token: "t2")) }
        #expect(await catalog.liveProducts.count == 1)
        #expect(await catalog.provisionCalls.count == 3)
        #expect(await catalog.calls(.provision) == 3)
        let record = try await catalog.describeRecord(id: first.recordId)
        #expect(record.status == .succeeded && record.provisionedProductId == first.provisionedProductId)
    }

    @Test("products are listed by their pool tag, with their outputs")
    func listingByPool() async throws {
        let outputs = [ProductOutput(key: "Region", value: "local-1")]
        let catalog = InMemoryCatalog(clock: ManualClock(), outputs: outputs)
        let mine = try await catalog.provision(request("sandbox-a", token: "t1"))
        _ = try await catalog.provision(request("sandbox-b", token: "t2", pool: "other"))
        let listed = try await catalog.listProducts(pool: "default")
        #expect(listed.map(\.name) == ["sandbox-a"])
        #expect(listed.first?.tags[TagKey.request] == "sandbox-a")
        #expect(try await catalog.outputs(provisionedProductId: mine.provisionedProductId!) == outputs)
        await #expect(throws: CatalogError.self) { try await catalog.outputs(provisionedProductId: "pp-none") }
    }

    @Test("queued outcomes: ERROR and TAINTED with their message, UNDER_CHANGE until told")
    func queuedOutcomes() async throws {
        let catalog = InMemoryCatalog(clock: ManualClock())
        await catalog.queue([.error("no capacity")], forName: "sandbox-a")
        await catalog.queue([.tainted("drifted")], forName: "sandbox-b")
        await catalog.queue([.underChange], forName: "sandbox-c")
        let a = try await catalog.provision(request("sandbox-a", token: "t1"))
        _ = try await catalog.provision(request("sandbox-b", token: "t2"))
        let c = try await catalog.provision(request("sandbox-c", token: "t3"))
        let byName = Dictionary(uniqueKeysWithValues: await catalog.liveProducts.map { ($0.name, $0) })
        #expect(byName["sandbox-a"]?.status == .error && byName["sandbox-a"]?.statusMessage == "no capacity")
        #expect(byName["sandbox-b"]?.status == .tainted && byName["sandbox-b"]?.statusMessage == "drifted")
        #expect(byName["sandbox-c"]?.status == .underChange)
        #expect(try await catalog.describeRecord(id: a.recordId).errors == ["no capacity"])
        #expect(try await catalog.describeRecord(id: c.recordId).status == .inProgress)
        await catalog.finishProvisioning(named: "sandbox-c", as: .available)
        #expect(try await catalog.describeRecord(id: c.recordId).status == .succeeded)
    }

    @Test("a queued termination failure leaves the product TAINTED; the next termination removes it")
    func failingTermination() async throws {
        let catalog = InMemoryCatalog(clock: ManualClock())
        let receipt = try await catalog.provision(request("sandbox-a", token: "t1"))
        let id = try #require(receipt.provisionedProductId)
        await catalog.queueTerminations([.failed("stack stuck")], forName: "sandbox-a")
        let failed = try await catalog.terminate(provisionedProductId: id, token: "x1")
        #expect(try await catalog.describeRecord(id: failed.recordId).status == .failed)
        #expect(await catalog.liveProducts.first?.status == .tainted)
        #expect(try await catalog.terminate(provisionedProductId: id, token: "x1") == failed)
        _ = try await catalog.terminate(provisionedProductId: id, token: "x2")
        #expect(await catalog.liveProducts.isEmpty)
        await #expect(throws: CatalogError.self) { try await catalog.terminate(provisionedProductId: id, token: "x3") }
    }

    @Test("interceptors fail the Nth call, throttle the first ones, and change answers")
    func interceptors() async throws {
        let catalog = InMemoryCatalog(clock: ManualClock())
        _ = try await catalog.provision(request("sandbox-a", token: "t1"))
        await catalog.intercept {
            $0.listProducts = InMemoryCatalog.failing(calls: [2], with: CatalogError(.accessDenied, message: "no"))
            $0.checkProduct = InMemoryCatalog.throttling(first: 1)
        }
        #expect(try await catalog.listProducts(pool: "default").count == 1)
        await #expect(throws: CatalogError(.accessDenied, message: "no")) {
            try await catalog.listProducts(pool: "default")
        }
        #expect(try await catalog.listProducts(pool: "default").count == 1)
        let product = ProductReference(productId: "prod-abcdefghijklm", provisioningArtifactId: "pa-abcdefghijklm")
        do {
            try await catalog.checkProduct(product)
            Issue.record("the first check was not throttled")
        } catch {
            #expect(error.isTransient && error.code == "ThrottlingException")
        }
        try await catalog.checkProduct(product)
        #expect(await catalog.calls(.listProducts) == 3)
        #expect(await catalog.calls(.checkProduct) == 2)
    }

    @Test("a hanging interceptor holds the call until the test opens the gate; the effect happens after")
    func hangingCall() async throws {
        let catalog = InMemoryCatalog(clock: ManualClock())
        let gate = CallGate()
        await catalog.intercept { $0.provision = InMemoryCatalog.hanging(at: gate) }
        let call = Task { try await catalog.provision(request("sandbox-a", token: "t1")) }
        await gate.arrivals(1)
        #expect(await catalog.liveProducts.isEmpty)
        #expect(try await catalog.listProducts(pool: "default").isEmpty)
        gate.open()
        let receipt = try await call.value
        #expect(await catalog.liveProducts.map(\.id) == [receipt.provisionedProductId])
    }
}

@Suite("the crash decorators: the step's effect happens, its answer and everything after are lost")
struct CrashDecoratorTests {
    @Test("killed after a provisioning: the product exists, the caller gets no answer, nothing later happens")
    func killedAfterProvision() async throws {
        let crash = CrashPoint(crashAt: 2)
        let inner = InMemoryCatalog(clock: ManualClock())
        let catalog = CrashingCatalog(inner, crash: crash)
        let store = InMemoryJournalStore(lineage: "l")
        let journal = CrashingJournalStore(store, crash: crash)
        _ = try await journal.append([1])
        do {
            _ = try await catalog.provision(request("sandbox-a", token: "t1"))
            Issue.record("the answer was not lost")
        } catch {
            #expect(error.kind == .unavailable)
        }
        #expect(crash.hasCrashed && crash.steps == 2)
        #expect(crash.trail == ["journal.append", "catalog.provision"])
        #expect(await inner.liveProducts.count == 1)
        await #expect(throws: CatalogError.self) { try await catalog.listProducts(pool: "default") }
        #expect(await inner.calls(.listProducts) == 0)
        await #expect(throws: SimulatedCrash.self) { _ = try await journal.append([2]) }
        #expect(store.stored.records == [[1]])
        #expect(try await crash.run { throw CatalogError(.other, message: "after the kill") })
    }

    @Test("killed after an append: the record is durable, the executor is told it crashed")
    func killedAfterAppend() async throws {
        let crash = CrashPoint(crashAt: 1)
        let store = InMemoryJournalStore(lineage: "l")
        let journal = CrashingJournalStore(store, crash: crash)
        await #expect(throws: SimulatedCrash.self) { _ = try await journal.append([1]) }
        #expect(store.stored.records == [[1]])
        await #expect(throws: SimulatedCrash.self) { try await journal.compact(snapshot: [9]) }
        #expect(store.stored.snapshot == nil)
    }

    @Test("an error before the kill is a real failure: run rethrows it")
    func errorBeforeTheKill() async throws {
        let crash = CrashPoint(crashAt: nil)
        await #expect(throws: CatalogError.self) {
            _ = try await crash.run { throw CatalogError(.other, message: "real") }
        }
    }
}
