import Foundation
import SandboxCore
import SandboxTesting
import Testing

/// docs/behaviour.md §3.8: a product missing from a listing is asked for by id, and only the catalog saying it does
/// not exist makes it gone. The rules first, then whole passes of the real executor over the in-memory catalog.
@Suite("a product missing from the listing is asked for by id")
struct ProductLookupTests {
    static let available = LiveProduct(id: "pp-a", name: "sandbox-a", status: .available)

    func resolve(
        _ purpose: PlannedAction.DescribePurpose,
        _ outcome: CallOutcome,
        journal: [[JournalEvent]]
    ) -> Resolution {
        let action = PlannedAction(.describeProduct(productId: "pp-a", purpose: purpose), reason: "test")
        return ExecutionRules.resolve(
            action,
            outcome: outcome,
            journal: makeJournal(journal),
            pool: makePool(),
            now: t0
        )
    }

    @Test("a lease's product the catalog does not know is lost; one that exists changes nothing and is noted")
    func lease() {
        let gone = resolve(.lease(alice.id), .described(nil), journal: [active(alice)])
        #expect(gone.events == [.lost(id: alice.id)])
        let there = resolve(.lease(alice.id), .described(Self.available), journal: [active(alice)])
        #expect(there.events.isEmpty)
        #expect(there.problem == nil)
        #expect(there.seen == [Self.available])
        #expect(there.note?.contains("the listing lags behind") == true)
    }

    @Test("a failed look-up changes nothing: no event, a problem, and an outage is retried after a backoff")
    func failedLookup() {
        let outage = CatalogError(
            .unavailable,
            code: "ThrottlingException",
            message: "Rate exceeded",
            isThrottling: true
        )
        let throttled = resolve(.lease(alice.id), .catalogFailed(outage), journal: [active(alice)])
        #expect(throttled.events.isEmpty)
        #expect(throttled.problem?.kind == .catalogThrottled)
        #expect(CallOutcome.catalogFailed(outage).isUnanswered)
        let denied = CatalogError(.accessDenied, code: "AccessDeniedException", message: "not authorized")
        let refused = resolve(.termination(.request(alice.id, purpose: .expired)), .catalogFailed(denied), journal: [])
        #expect(refused.events.isEmpty)
        #expect(refused.problem?.kind == .catalogAccessDenied)
    }

    @Test("a termination is settled only when the catalog says its product does not exist")
    func termination() {
        let owner = TerminationOwner.request(alice.id, purpose: .expired)
        #expect(resolve(.termination(owner), .described(nil), journal: []).events == [.productGone(productId: "pp-a")])
        #expect(resolve(.termination(owner), .described(Self.available), journal: []).events.isEmpty)
        let orphan = TerminationOwner.orphan(name: "sandbox-zed")
        #expect(resolve(.termination(orphan), .described(nil), journal: []).events == [.productGone(productId: "pp-a")])
    }

    @Test("a provisioning product that no longer exists fails the attempt with nothing to clean up")
    func provisioningGone() {
        let resolution = resolve(.provisioning(alice.id), .described(nil), journal: [provisioning(alice)])
        var journal = makeJournal([provisioning(alice)])
        for event in resolution.events { journal.apply(event) }
        #expect(journal.terminations.isEmpty)
        guard case .provisioning(let attempt)? = journal.requests[alice.id]?.phase else {
            Issue.record("not provisioning: \(String(describing: journal.requests[alice.id]?.phase))")
            return
        }
        #expect(attempt.productId == nil)
        #expect(attempt.failure?.retryAt != nil)
        let next = Planner.plan(
            PlannerInput(desired: makeDesired(files: [alice]), journal: journal, live: [], now: at("1m"))
        )
        #expect(next.summary == ["provision a#2"])
    }

    @Test("a termination record that succeeded settles the product, whatever a stale listing shows")
    func succeededTerminationRecord() {
        let journal = makeJournal([terminating(alice)])
        let action = PlannedAction(.inspectRecord(alice.id, recordId: "rec-term-a", purpose: .terminate), reason: "")
        let record = CatalogRecord(id: "rec-term-a", status: .succeeded, provisionedProductId: "pp-a")
        let resolution = ExecutionRules.resolve(
            action,
            outcome: .record(record),
            journal: journal,
            pool: makePool(),
            now: t0
        )
        #expect(resolution.events == [.productGone(productId: "pp-a")])
    }

    @Test("the look-up is a read, made once per pass per product")
    func callIdentity() {
        let action = PlannedAction(.describeProduct(productId: "pp-a", purpose: .lease(alice.id)), reason: "")
        #expect(action.isCall && action.isReadOnly)
        #expect(action.callKey == "describe/pp-a")
        #expect(action.request == alice.id)
        #expect(action.name == "describe-product")
    }

    // MARK: - Whole passes

    /// Alice active in a pool of one, bob queued behind her.
    func fullPool() -> PlannerWorld {
        PlannerWorld(
            pool: makePool(capacity: 1),
            files: [alice, bob],
            journal: [active(alice), queued(bob)],
            live: [LiveProduct(id: "pp-a", name: "sandbox-a", status: .available, tags: [TagKey.pool: "default"])]
        )
    }

    @Test("a listing that misses a live product for one pass, then for several, frees no slot and tells nobody")
    func laggingListing() async {
        var world = fullPool()
        for passes in [1, 4] {
            await world.catalog.intercept {
                $0.listProducts = InMemoryCatalog.omitting(["sandbox-a"], fromListings: Set(1...passes))
            }
            for _ in 0..<passes {
                world.advance("1m")
                await world.simulate()
                #expect(world.state("a") == .active)
                #expect(world.state("b") == .queued)
                #expect(world.lastPlan.notes.contains { $0.contains("pp-a is missing from the listing but exists") })
            }
        }
        #expect(await world.catalog.calls(.describeProduct) == 5)
        #expect(await world.catalog.provisionCalls.isEmpty)
        #expect(!world.recorded.contains(.lost(id: alice.id)))
        #expect(!world.github.thread("a").contains("lost"))
    }

    @Test("a lease ends on time while the listing keeps missing its product")
    func leaseEndsUnlisted() async {
        var world = fullPool()
        await world.catalog.intercept {
            $0.listProducts = InMemoryCatalog.omitting(["sandbox-a"], fromListings: Set(1...20))
        }
        world.advance("7d")
        await world.simulate()
        #expect(await world.catalog.terminateCalls.map(\.provisionedProductId) == ["pp-a"])
        world.advance("1m")
        await world.simulate()
        #expect(world.state("a") == .ended)
        #expect(world.record("a")?.endReason == .expired)
        #expect(world.state("b") == .active)
    }

    @Test("a product the catalog says is gone is lost exactly once, told once, and its slot goes to the next")
    func reallyGone() async {
        var world = fullPool()
        await world.catalog.removeProduct(named: "sandbox-a")
        for _ in 0..<3 {
            world.advance("1m")
            await world.simulate()
        }
        #expect(world.recorded.filter { $0 == .lost(id: alice.id) }.count == 1)
        #expect(world.github.thread("a") == ["lost"])
        #expect(world.state("b") == .active)
        #expect(await world.catalog.calls(.describeProduct) == 1)
    }

    @Test("a termination is settled only once its product is confirmed gone, not when a listing misses it")
    func terminationSettledOnConfirmation() async {
        var world = fullPool()
        // The termination is accepted but takes its time: the product stays, under change, after the call.
        await world.catalog.intercept {
            $0.terminate = { call, _ throws(CatalogError) in
                CatalogReceipt(recordId: "rec-term", provisionedProductId: call.provisionedProductId)
            }
            $0.describeRecord = { id, _ throws(CatalogError) in
                CatalogRecord(id: id, status: .inProgress, provisionedProductId: "pp-a")
            }
            $0.listProducts = InMemoryCatalog.omitting(["sandbox-a"], fromListings: Set(2...20))
        }
        world.advance("7d")
        await world.simulate()
        #expect(world.state("a") == .terminating)
        for _ in 0..<3 {
            world.advance("1m")
            await world.simulate()
            #expect(world.state("a") == .terminating)
            #expect(world.state("b") == .queued)
        }
        await world.catalog.removeProduct(named: "sandbox-a")
        world.advance("1m")
        await world.simulate()
        #expect(world.state("a") == .ended)
        #expect(world.recorded.filter { $0 == .productGone(productId: "pp-a") }.count == 1)
        #expect(world.state("b") == .provisioning || world.state("b") == .active)
    }
}
