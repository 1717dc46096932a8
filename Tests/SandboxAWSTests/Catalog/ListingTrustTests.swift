import Foundation
import SandboxAWS
import SandboxCore
import SandboxHTTP
import SandboxRuntime
import SandboxTesting
import Testing

/// docs/behaviour.md §3.8 over HTTP: SearchProvisionedProducts is an index that lags; only
/// DescribeProvisionedProduct saying ResourceNotFoundException makes a product gone.
@Suite("a listing's word never frees a slot: products are confirmed gone by id")
struct ListingTrustTests {
    /// Alice and bob active in a pool of two, carol queued.
    func fullPool(pageSize: Int = 100) async throws -> (CatalogScene, DesiredState) {
        let scene = try CatalogScene(capacity: 2, pageSize: pageSize)
        let wanted = scene.desired(["alice", "bob", "carol"])
        try await scene.converge(wanted) { $0["alice"] == .active && $0["bob"] == .active }
        #expect(await scene.states() == ["alice": .active, "bob": .active, "carol": .queued])
        #expect(scene.fake.productsCreated == 2)
        return (scene, wanted)
    }

    /// Nothing happened to anyone: no slot freed, nothing provisioned, nobody told of a loss.
    func expectNothingChanged(_ scene: CatalogScene, sourceLocation: SourceLocation = #_sourceLocation) async {
        #expect(
            await scene.states() == ["alice": .active, "bob": .active, "carol": .queued],
            sourceLocation: sourceLocation
        )
        #expect(scene.fake.calls["ProvisionProduct"] == 2, sourceLocation: sourceLocation)
        #expect(scene.fake.liveProducts.count == 2, sourceLocation: sourceLocation)
        #expect(!scene.events.contains { if case .lost = $0 { true } else { false } }, sourceLocation: sourceLocation)
        #expect(scene.comments(.lost).isEmpty, sourceLocation: sourceLocation)
        #expect(scene.fake.violations.isEmpty, sourceLocation: sourceLocation)
    }

    @Test("a listing that drops a live product for one pass, then for several, frees no slot and tells nobody")
    func droppedFromListings() async throws {
        let (scene, wanted) = try await fullPool()
        let alice = try #require(await scene.productId(of: "alice"))
        scene.fake.hideFromSearch([alice], answers: 1)
        var report = try await scene.reconciler.pass(desired: wanted)
        await expectNothingChanged(scene)
        #expect(report.notes.contains { $0.contains("\(alice) is missing from the listing but exists") })
        #expect(report.problems.isEmpty)

        scene.fake.hideFromSearch([alice], answers: 8)
        for _ in 0..<4 {
            scene.clock.advance(by: 60)
            report = try await scene.reconciler.pass(desired: wanted)
            await expectNothingChanged(scene)
            #expect(report.notes.contains { $0.contains(alice) })
        }
        #expect(scene.fake.calls["DescribeProvisionedProduct"] == 5)
    }

    @Test("a listing that loses a page frees no slot either")
    func lostPage() async throws {
        let (scene, wanted) = try await fullPool(pageSize: 1)
        let describes = scene.fake.calls["DescribeProvisionedProduct"] ?? 0
        scene.fake.losePages(1)
        _ = try await scene.reconciler.pass(desired: wanted)
        await expectNothingChanged(scene)
        #expect(scene.fake.calls["DescribeProvisionedProduct"] == describes + 1)
    }

    @Test("a product terminated outside sandboxd is lost exactly once, told once, and its slot goes to the next")
    func terminatedOutside() async throws {
        let (scene, wanted) = try await fullPool()
        let alice = try #require(await scene.productId(of: "alice"))
        scene.fake.removeProduct(id: alice)
        for _ in 0..<4 {
            scene.clock.advance(by: 60)
            _ = try await scene.reconciler.pass(desired: wanted)
        }
        #expect(await scene.states() == ["alice": .lost, "bob": .active, "carol": .active])
        #expect(scene.events.filter { $0 == .lost(id: RequestID("req-alice")!) }.count == 1)
        #expect(scene.comments(.lost).count == 1)
        #expect(scene.fake.productsCreated == 3)
        #expect(scene.fake.violations.isEmpty)
    }

    @Test("a termination is settled once its product is confirmed gone, not while a listing misses it")
    func terminationSettledOnConfirmation() async throws {
        let scene = try CatalogScene(capacity: 1, completionTime: 120)
        let wanted = scene.desired(["alice", "bob"])
        try await scene.converge(wanted, every: 150) { $0["alice"] == .active }
        let alice = try #require(await scene.productId(of: "alice"))
        scene.clock.advance(by: 3 * 86_400)
        _ = try await scene.reconciler.pass(desired: wanted)
        #expect(scene.fake.calls["TerminateProvisionedProduct"] == 1)
        #expect(await scene.states() == ["alice": .terminating, "bob": .queued])
        // The index drops the product at once; the termination takes 120 s.
        scene.fake.hideFromSearch([alice], answers: 100)
        for _ in 0..<3 {
            scene.clock.advance(by: 30)
            _ = try await scene.reconciler.pass(desired: wanted)
            #expect(await scene.states() == ["alice": .terminating, "bob": .queued])
            #expect(scene.fake.calls["ProvisionProduct"] == 1)
        }
        scene.clock.advance(by: 60)
        _ = try await scene.reconciler.pass(desired: wanted)
        #expect(await scene.states()["alice"] == .ended)
        #expect(await scene.states()["bob"] == .provisioning)
        #expect(scene.events.filter { $0 == .productGone(productId: alice) }.count == 1)
        #expect(scene.fake.violations.isEmpty)
    }
}

/// docs/behaviour.md §3.14 over HTTP: the access levels a principal is allowed, and the narrowed listing.
@Suite("access levels and the narrowed listing")
struct AccessLevelListingTests {
    @Test("a principal refused at Account and Role but allowed at User converges a pool of 3, the level told once")
    func userLevel() async throws {
        let userOnly = FakeServiceCatalogServer.Principal(
            userArn: "arn:aws:sts::123456789012:assumed-role/EndUser/sandboxd",
            roleArn: "arn:aws:iam::123456789012:role/EndUser",
            accessLevels: ["User"]
        )
        let scene = try CatalogScene(capacity: 3, principals: [testCredentials.accessKeyId: userOnly])
        // An orphan of the pool that another principal launched: invisible at the User level, so left alone.
        let foreign = scene.fake.addExistingProduct(name: "sandbox-req-zed", tags: [TagKey.pool: "default"])
        let wanted = scene.desired(["alice", "bob", "carol"])
        try await scene.converge(wanted) { $0.values.filter { $0 == .active }.count == 3 }
        #expect(await scene.states() == ["alice": .active, "bob": .active, "carol": .active])
        #expect(scene.levels.all == [.user])
        #expect(scene.catalog.accessLevel == .user)
        let keys = scene.searches().compactMap { $0["AccessLevelFilter"]?["Key"]?.stringValue }
        #expect(Array(keys.prefix(3)) == ["Account", "Role", "User"])
        #expect(keys.dropFirst(3).allSatisfy { $0 == "User" }, "\(keys)")
        #expect(scene.fake.liveProducts.contains { $0.id == foreign })
        #expect(scene.fake.calls["TerminateProvisionedProduct"] == nil)
        #expect(scene.fake.violations.isEmpty)
    }

    /// A pool of 3 converged in an account with 500 other products, 100 a page.
    func crowdedAccount(refusingQueries: Bool) async throws -> (CatalogScene, DesiredState) {
        let scene = try CatalogScene(capacity: 3)
        for index in 0..<500 {
            scene.fake.addExistingProduct(name: "other-\(index)", tags: ["team": "analytics"])
        }
        if refusingQueries { scene.fake.refuseSearchQueries() }
        let wanted = scene.desired(["alice", "bob", "carol"])
        try await scene.converge(wanted) { $0.values.filter { $0 == .active }.count == 3 }
        for _ in 0..<6 where await !scene.reconciler.outbox(desired: wanted).isEmpty {
            scene.clock.advance(by: 61)
            _ = try await scene.reconciler.pass(desired: wanted)
        }
        return (scene, wanted)
    }

    @Test("a steady pass lists the pool through the narrowed query: 1 page, not the account's 6")
    func narrowedSteadyPass() async throws {
        let (scene, wanted) = try await crowdedAccount(refusingQueries: false)
        for _ in 0..<3 {
            scene.clock.advance(by: 60)
            let before = scene.fake.requests.count
            let report = try await scene.reconciler.pass(desired: wanted)
            #expect(report.problems.isEmpty)
            #expect(scene.operations(after: before) == ["SearchProvisionedProducts"])
            let queries = scene.searches(after: before).map {
                $0["Filters"]?["SearchQuery"]?.elements?.compactMap(\.stringValue)
            }
            #expect(queries == [["tags:default"]])
        }
        // Only the first listing was checked against the full one: 5 pages of 500, before the pool had a product.
        let unfiltered = scene.searches().filter { $0["Filters"] == nil }
        #expect(unfiltered.count == 5)
        #expect(scene.fake.violations.isEmpty)
    }

    @Test("a refused query falls back to the full listing, asked once and remembered")
    func refusedQuery() async throws {
        let (scene, wanted) = try await crowdedAccount(refusingQueries: true)
        #expect(await scene.states().values.allSatisfy { $0 == .active })
        scene.clock.advance(by: 60)
        let before = scene.fake.requests.count
        _ = try await scene.reconciler.pass(desired: wanted)
        #expect(scene.operations(after: before) == Array(repeating: "SearchProvisionedProducts", count: 6))
        #expect(scene.searches(after: before).allSatisfy { $0["Filters"] == nil })
        #expect(scene.searches().filter { $0["Filters"] != nil }.count == 1)
        #expect(scene.fake.violations.isEmpty)
    }

    @Test("a query that silently finds less than the full listing is not trusted")
    func untrustedQuery() async throws {
        let scene = try CatalogScene(capacity: 1)
        let wanted = scene.desired(["alice"])
        try await scene.converge(wanted) { $0["alice"] == .active }
        // A second adapter over the same fake, as after a restart: its query finds nothing of the live pool.
        let catalog = AWSCatalog(client: makeClient(for: scene.fake, now: { scene.clock.now() }))
        let alice = try #require(await scene.productId(of: "alice"))
        scene.fake.hideFromSearch([alice], answers: 1)  // the narrowed search, the first answer, misses it
        #expect(try await catalog.listProducts(pool: "default").map(\.id) == [alice])
        let before = scene.fake.requests.count
        #expect(try await catalog.listProducts(pool: "default").map(\.id) == [alice])
        #expect(scene.searches(after: before).allSatisfy { $0["Filters"] == nil })
    }
}
