import Foundation
import SandboxCore
import SandboxTesting
import Testing

/// docs/behaviour.md §1.6 and §3: failed provisioning, quarantine, lost products and orphans.
@Suite("Planner: repairs")
struct PlannerRepairTests {
    /// Attempt 1 failed; its product is being cleaned up.
    static let firstAttemptFailed =
        provisioning(alice)
        + [.attemptEnded(id: alice.id, reason: "ROLLBACK_COMPLETE", retryAt: at("30s"))]
    /// Attempt 1's product is confirmed gone; attempt 2 is due at `t0+30s`.
    static let firstAttemptCleaned =
        firstAttemptFailed
        + [
            .terminationStarted(
                productId: productId(alice),
                owner: .request(alice.id, purpose: .failedAttempt),
                token: "tok"
            ),
            .terminationAccepted(productId: productId(alice), recordId: "rec-term"),
            .productGone(productId: productId(alice)),
        ]
    /// Attempt 2 was refused outright (nothing made): the request waits in the queue.
    static let secondAttemptRefused =
        firstAttemptCleaned
        + [
            .provisionStarted(id: alice.id, attempt: 2, request: provisionCall(alice, attempt: 2)),
            .provisionRefused(id: alice.id, error: "LimitExceededException"),
        ]
    /// The third attempt's product ended ERROR and is being cleaned up: the request is `terminating`.
    static let lastAttemptFailed: [JournalEvent] =
        queued(alice)
        + (1...3).flatMap { attempt -> [JournalEvent] in
            [
                .provisionStarted(id: alice.id, attempt: attempt, request: provisionCall(alice, attempt: attempt)),
                .provisionAccepted(
                    id: alice.id,
                    receipt: CatalogReceipt(
                        recordId: "rec-\(attempt)",
                        provisionedProductId: productId(alice)
                    )
                ),
                .attemptEnded(id: alice.id, reason: "ROLLBACK_COMPLETE", retryAt: attempt == 3 ? nil : t0),
            ]
                + (attempt < 3 ? [.productGone(productId: productId(alice))] : [])
        }
    /// A product adopted for `alice` while it was still under change.
    static let adoptedUnderChange: [JournalEvent] = [
        .adopted(id: alice.id, product: stray("a", .underChange), leaseStart: at("-1h"), leaseEnd: nil)
    ]
    /// An expired lease whose termination failed `failures` times, the last retry due at `t0+1h`.
    static func terminationFailed(_ failures: Int) -> [JournalEvent] {
        active(alice, from: at("-7d"), until: at("-1d"))
            + (0..<failures).flatMap { _ -> [JournalEvent] in
                [
                    .terminationStarted(
                        productId: productId(alice),
                        owner: .request(alice.id, purpose: .expired),
                        token: "tok"
                    ),
                    .terminationFailed(productId: productId(alice), error: "DELETE_FAILED", retryAt: at("1h")),
                ]
            }
    }

    static let provisioningRows: [PlanRow] = [
        PlanRow(
            "a provisioning call without an outcome is repeated",
            files: [alice],
            journal: [provisioning(alice, accepted: false)],
            expect: ["provision a#1"]
        ),
        PlanRow(
            "an accepted provisioning whose product is not listed yet is asked for by id",
            files: [alice],
            journal: [provisioning(alice)],
            expect: ["describe-product a pp-a provisioning"]
        ),
        PlanRow(
            "a product that ends ERROR fails the attempt",
            files: [alice],
            journal: [provisioning(alice)],
            live: [product(alice, .error)],
            expect: ["fail-attempt a"]
        ),
        PlanRow(
            "a product that ends TAINTED fails the attempt",
            files: [alice],
            journal: [provisioning(alice)],
            live: [product(alice, .tainted)],
            expect: ["fail-attempt a"]
        ),
        PlanRow(
            "a failed attempt's product is terminated before anything else",
            files: [alice],
            journal: [firstAttemptFailed],
            live: [product(alice, .error)],
            expect: ["terminate a failedAttempt"]
        ),
        PlanRow(
            "a failed attempt's product no longer listed is asked for by id, not settled on the listing's word",
            files: [alice],
            journal: [
                firstAttemptFailed
                    + [
                        .terminationStarted(
                            productId: productId(alice),
                            owner: .request(alice.id, purpose: .failedAttempt),
                            token: "t"
                        ),
                        .terminationAccepted(productId: productId(alice), recordId: "rec-term"),
                    ]
            ],
            expect: ["describe-product a pp-a termination"]
        ),
        PlanRow(
            "the next attempt waits out its backoff",
            files: [alice],
            journal: [firstAttemptCleaned],
            now: at("29s"),
            expect: []
        ),
        PlanRow(
            "after the backoff the next attempt starts",
            files: [alice],
            journal: [firstAttemptCleaned],
            now: at("30s"),
            expect: ["provision a#2"]
        ),
        PlanRow(
            "a refused attempt (nothing made) is made again as the same attempt when a slot is free",
            files: [alice],
            journal: [secondAttemptRefused],
            now: at("1h"),
            expect: ["provision a#2"]
        ),
        PlanRow(
            "the last attempt's product is terminated",
            files: [alice],
            journal: [lastAttemptFailed],
            live: [product(alice, .error)],
            expect: ["terminate a failedAttempt"]
        ),
        PlanRow(
            "a request whose attempts are exhausted holds its slot while its product remains",
            pool: makePool(capacity: 1),
            files: [alice, bob],
            journal: [lastAttemptFailed, queued(bob)],
            live: [product(alice, .underChange)],
            expect: []
        ),
        PlanRow(
            "a request whose attempts are exhausted asks for its unlisted product by id before it fails",
            files: [alice],
            journal: [lastAttemptFailed],
            expect: ["describe-product a pp-a termination"]
        ),
    ]

    @Test("provisioning failures", arguments: provisioningRows)
    func provisioningFailure(_ row: PlanRow) { row.check() }

    @Test("a repeated provisioning call is the same call, with the same token")
    func repeatedCallIsTheSame() {
        let plan = Planner.plan(Self.provisioningRows[0].input)
        guard case .provision(_, 1, let call)? = plan.actions.first?.kind else {
            Issue.record("no provisioning: \(plan.summary)")
            return
        }
        #expect(call == provisionCall(alice))
    }

    @Test("the next attempt has the same name and a new token")
    func nextAttemptCall() {
        let plan = Planner.plan(Self.provisioningRows[7].input)
        guard case .provision(_, 2, let call)? = plan.actions.first?.kind else {
            Issue.record("no provisioning: \(plan.summary)")
            return
        }
        #expect(call.name == provisionCall(alice).name)
        #expect(call.token != provisionCall(alice).token)
        #expect(call.token == provisionCall(alice, attempt: 2).token)
    }

    // Regression: dispensing a request whose attempt 2 was refused restarted at attempt 1, reusing attempt 1's
    // token (Service Catalog answers with that first, failed record) and the count of 3 attempts.
    @Test("a refused attempt keeps its number and token")
    func refusedAttemptKeepsToken() {
        let plan = Planner.plan(
            PlannerInput(
                desired: makeDesired(files: [alice]),
                journal: makeJournal([Self.secondAttemptRefused], readAt: at("1h")),
                live: [],
                now: at("1h")
            )
        )
        guard case .provision(_, 2, let call)? = plan.actions.first?.kind else {
            Issue.record("no second attempt: \(plan.summary)")
            return
        }
        #expect(call == provisionCall(alice, attempt: 2))
    }

    // Regression: a refused ProvisionProduct was made again in every round of the same pass (12 calls).
    @Test("a provisioning call Service Catalog refuses is not repeated in the same pass, and is made again later")
    func refusedProvisionWaits() async {
        var world = PlannerWorld(pool: makePool(capacity: 1), files: [alice])
        await world.catalog.intercept { interceptors in
            interceptors.provision = InMemoryCatalog.failing(
                calls: [1],
                with: CatalogError(.limitExceeded, code: "LimitExceededException", message: "too many stacks")
            )
        }
        await world.simulate()
        #expect(await world.catalog.provisionCalls.count == 1)
        #expect(world.state("a") == .queued)
        world.advance("30s")
        await world.simulate()
        #expect(await world.catalog.provisionCalls.count == 1)
        world.advance("30s")
        await world.simulate()
        #expect(await world.catalog.provisionCalls.count == 2)
        #expect(world.state("a") == .active)
    }

    @Test("a failed attempt is cleaned up and tried again after its backoff, with a new token and the same name")
    func failedAttemptsAreRetried() async {
        var world = PlannerWorld(pool: makePool(capacity: 1), files: [alice])
        await world.catalog.queue(
            [.error("stack ROLLBACK_COMPLETE"), .tainted("stack ROLLBACK_COMPLETE")],
            forName: "sandbox-a"
        )
        await world.simulate()
        #expect(world.state("a") == .provisioning)
        #expect(await world.catalog.provisionCalls.count == 1)
        #expect(await world.catalog.liveProducts.isEmpty)  // attempt 1's product is gone before attempt 2
        world.advance("29s")
        await world.simulate()
        #expect(await world.catalog.provisionCalls.count == 1)
        world.advance("1s")
        await world.simulate()
        #expect(await world.catalog.provisionCalls.count == 2)
        world.advance("59s")  // the second backoff is longer
        await world.simulate()
        #expect(await world.catalog.provisionCalls.count == 2)
        world.advance("1s")
        await world.simulate()
        #expect(world.state("a") == .active)
        let calls = await world.catalog.provisionCalls
        #expect(Set(calls.map(\.token)).count == 3)
        #expect(Set(calls.map(\.name)) == ["sandbox-a"])
        #expect(world.github.thread("a") == ["ready"])
    }

    @Test("after three failed attempts the request is failed, told once, and its slot frees when no product remains")
    func attemptsExhausted() async throws {
        var world = PlannerWorld(pool: makePool(capacity: 1), files: [alice, bob])
        await world.catalog.queue(Array(repeating: .error("stack ROLLBACK_COMPLETE"), count: 3), forName: "sandbox-a")
        for _ in 0..<6 {
            await world.simulate()
            world.advance("15m")
        }
        #expect(world.state("a") == .failed)
        #expect(await world.catalog.provisionCalls.filter { $0.name == "sandbox-a" }.count == 3)
        #expect(world.github.thread("a") == ["failed"])
        #expect(world.state("b") == .active)
        let lastGone = try #require(
            world.recorded.lastIndex(where: { isGone($0, ofProductOf: alice.id, in: world.recorded) })
        )
        let bobStarted = try #require(
            world.recorded.firstIndex {
                if case .provisionStarted(bob.id, _, _, _) = $0 { return true }
                return false
            }
        )
        #expect(bobStarted > lastGone)
    }

    static let terminationRows: [PlanRow] = [
        PlanRow(
            "a failed termination is retried after its backoff",
            files: [alice],
            journal: [terminationFailed(2)],
            live: [product(alice, .error)],
            now: at("1h"),
            expect: ["terminate a expired"]
        ),
        PlanRow(
            "a failed termination waits for its backoff",
            files: [alice],
            journal: [terminationFailed(2)],
            live: [product(alice, .error)],
            now: at("59m"),
            expect: []
        ),
        PlanRow(
            "a termination that keeps failing is quarantined",
            files: [alice],
            journal: [terminationFailed(ProvisioningPolicy.maximumTerminationFailures)],
            live: [product(alice, .error)],
            now: at("1h"),
            expect: ["quarantine a"]
        ),
        PlanRow(
            "a quarantined slot waits while its product remains",
            files: [alice],
            journal: [quarantined(alice)],
            live: [product(alice, .error)],
            expect: []
        ),
        PlanRow(
            "a quarantined slot whose product is no longer listed asks for it by id",
            files: [alice],
            journal: [quarantined(alice)],
            expect: ["describe-product a pp-a termination"]
        ),
        PlanRow(
            "a terminating sandbox whose product is no longer listed asks for it by id",
            files: [alice],
            journal: [terminating(alice)],
            expect: ["describe-product a pp-a termination"]
        ),
        PlanRow(
            "an active sandbox whose product is missing from the listing asks for it by id, nothing more",
            files: [alice],
            journal: [active(alice)],
            expect: ["describe-product a pp-a lease"]
        ),
    ]

    @Test("terminations, quarantine and lost products", arguments: terminationRows)
    func termination(_ row: PlanRow) { row.check() }

    @Test("a termination that keeps failing quarantines the slot, still counted, until the product is gone")
    func quarantineLifecycle() async {
        var world = PlannerWorld(
            pool: makePool(capacity: 1),
            files: [alice, bob],
            journal: [active(alice, from: at("-7d"), until: t0), queued(bob)],
            live: [product(alice)]
        )
        await world.failTerminations(of: productId(alice))
        for _ in 0..<8 {
            await world.simulate()
            world.advance("15m")
        }
        #expect(world.state("a") == .quarantined)
        #expect(world.journal.termination(ownedBy: alice.id)?.failures == ProvisioningPolicy.maximumTerminationFailures)
        #expect(world.github.thread("a") == ["quarantined"])
        #expect(world.state("b") == .queued)

        await world.catalog.removeProduct(named: "sandbox-a")  // an operator cleaned it up in AWS
        await world.simulate()
        #expect(world.state("a") == .ended)
        #expect(world.record("a")?.endReason == .expired)
        #expect(world.state("b") == .active)
        #expect(world.github.thread("a") == ["quarantined", "ended"])
    }

    @Test("a lost product is told once and frees its slot")
    func lostProduct() async {
        var world = PlannerWorld(
            pool: makePool(capacity: 1),
            files: [alice, bob],
            journal: [active(alice), queued(bob)]
        )
        await world.simulate()
        #expect(world.state("a") == .lost)
        #expect(world.github.thread("a") == ["lost"])
        #expect(world.state("b") == .active)
        #expect(await world.simulate() == [])
    }

    static let orphanRows: [PlanRow] = [
        PlanRow(
            "a product of the pool that no request accounts for is terminated",
            live: [stray("zed")],
            expect: ["terminate-orphan pp-stray-zed"]
        ),
        PlanRow(
            "a product matching a live request is adopted, its lease counted from its creation",
            files: [alice],
            journal: [queued(alice)],
            live: [stray("a", created: at("-1h"))],
            expect: ["adopt a from t0-1h to t0+6d23h"]
        ),
        PlanRow(
            "a product still under change matching a live request is adopted as provisioning",
            files: [alice],
            journal: [queued(alice)],
            live: [stray("a", .underChange, created: at("-1h"))],
            expect: ["adopt a from t0-1h provisioning"]
        ),
        PlanRow(
            "an adopted product takes its slot at once",
            pool: makePool(capacity: 1),
            files: [alice, bob],
            journal: [queued(alice, position: 1), queued(bob, position: 2)],
            live: [stray("a", created: t0)],
            expect: ["adopt a from t0 to t0+7d", "notify-queued b at 1 (edit)"]
        ),
        PlanRow(
            "a product matching a request whose file changed this round is adopted next round",
            files: [request("a", purpose: "edited")],
            journal: [queued(alice)],
            live: [stray("a")],
            expect: ["update a"]
        ),
        PlanRow(
            "an adopted product that becomes available is activated, its lease starting then",
            files: [alice],
            journal: [queued(alice), adoptedUnderChange],
            live: [stray("a")],
            expect: ["activate a from t0 to t0+7d"]
        ),
        PlanRow(
            "an adopted product that ends ERROR fails",
            files: [alice],
            journal: [queued(alice), adoptedUnderChange],
            live: [stray("a", .error)],
            expect: ["fail-attempt a"]
        ),
        PlanRow(
            "a product matching a request not verified yet is left alone until the request is queued",
            files: [alice],
            journal: [pending(alice)],
            live: [stray("a")],
            expect: ["verify a"]
        ),
        PlanRow(
            "a product matching a rejected request is terminated",
            files: [alice],
            journal: [rejected(alice)],
            live: [stray("a")],
            expect: ["terminate-orphan pp-stray-a"]
        ),
        PlanRow(
            "a product matching a file seen for the first time waits a round",
            files: [alice],
            live: [stray("a")],
            expect: ["observe a"]
        ),
        PlanRow(
            "a product matching an ended request is terminated",
            files: [alice],
            journal: [ended(alice)],
            live: [stray("a")],
            expect: ["terminate-orphan pp-stray-a"]
        ),
        PlanRow(
            "a product matching a request whose file is gone is terminated",
            files: [frank],
            journal: [ended(frank), queued(alice)],
            live: [stray("a")],
            expect: ["drop a", "terminate-orphan pp-stray-a"]
        ),
        PlanRow(
            "an orphan still under change is left until it settles",
            live: [stray("zed", .underChange)],
            expect: []
        ),
        PlanRow(
            "an orphan being terminated that is no longer listed is asked for by id",
            journal: [
                [
                    .terminationStarted(productId: "pp-stray-zed", owner: .orphan(name: "sandbox-zed"), token: "tok"),
                    .terminationAccepted(productId: "pp-stray-zed", recordId: "rec"),
                ]
            ],
            expect: ["describe-product - pp-stray-zed termination"]
        ),
        PlanRow(
            "a product the journal accounts for is no orphan",
            files: [alice],
            journal: [active(alice)],
            live: [product(alice)],
            expect: []
        ),
    ]

    @Test("orphan products", arguments: orphanRows)
    func orphans(_ row: PlanRow) { row.check() }

    // Regression: a product was adopted for a request not verified yet, so after a lost journal a requester
    // the pool now refuses kept a sandbox; it must be verified and queued (live) first, then it is refused.
    @Test("a product matching a request that verification refuses is terminated, not adopted")
    func refusedRequestIsNotAdopted() async {
        var world = PlannerWorld(pool: makePool(capacity: 1), files: [alice], live: [stray("a", created: at("-1d"))])
        world.github.youngAccounts.insert("alice")
        await world.simulate()
        #expect(world.state("a") == .rejected)
        #expect(await world.catalog.liveProducts.isEmpty)
        #expect(world.github.thread("a") == ["rejected"])
    }

    // Regression: an adopted product still under change left its request `provisioning` with no attempt,
    // and the planner followed only requests with an attempt: it was never activated and held its slot.
    @Test("a product adopted while still under change becomes active once it is available")
    func adoptedUnderChangeActivates() async {
        var world = PlannerWorld(
            pool: makePool(capacity: 1),
            files: [alice],
            live: [stray("a", .underChange, created: at("-1h"))]
        )
        await world.simulate()
        #expect(world.state("a") == .provisioning)
        await world.catalog.finishProvisioning(named: "sandbox-a", as: .available)
        world.advance("1h")
        await world.simulate()
        #expect(world.state("a") == .active)
        #expect(world.record("a")?.leaseEnd == at("7d1h"))
        #expect(world.github.thread("a") == ["ready"])
    }

    // Regression: the planner adopted only a request with no other action that round, so after a lost
    // journal the product was terminated as an orphan while its request was verified, or made twice.
    @Test("after a lost journal, a product matching a request file is adopted: not terminated, not made again")
    func lostJournalAdopts() async {
        var world = PlannerWorld(pool: makePool(capacity: 1), files: [alice], live: [stray("a", created: at("-1d"))])
        await world.simulate()
        #expect(world.state("a") == .active)
        #expect(world.record("a")?.productId == "pp-stray-a")
        #expect(world.record("a")?.leaseEnd == at("6d"))
        #expect(await world.catalog.provisionCalls.isEmpty)
        #expect(await world.catalog.liveProducts.map(\.id) == ["pp-stray-a"])
    }
}
