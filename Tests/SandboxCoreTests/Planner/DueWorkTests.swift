import Foundation
import SandboxCore
import Testing

/// The plan's next due time (docs/behaviour.md §4): one row per kind of work that falls due.
@Suite("the plan says when it next has work")
struct DueWorkTests {
    func due(
        _ histories: [[JournalEvent]],
        files: [RequestSpec] = [alice, bob],
        pool: PoolConfiguration = makePool(lease: "7d", expiryWarning: "24h"),
        now: Date = t0
    ) -> DueWork? {
        DueWork.next(
            in: PlannerInput(
                desired: makeDesired(pool: pool, files: files),
                journal: makeJournal(histories),
                live: [],
                now: now
            )
        )
    }

    @Test("an active lease falls due at its warning, then at its end")
    func leaseTimes() {
        let journal = [active(alice, from: t0, until: at("7d"))]
        #expect(due(journal) == DueWork(at: at("6d"), kind: .expiryWarning, request: alice.id))
        let warned = [active(alice, from: t0, until: at("7d")) + [told(alice, .expiring)]]
        // `warnedEnd` is set by the expiring comment's record: warned once, the end is next.
        var state = makeJournal(warned)
        state.requests[alice.id]?.phase = .active(
            Lease(
                productId: "pp-a",
                productName: "sandbox-a",
                call: nil,
                outputs: [],
                start: t0,
                end: at("7d"),
                warnedEnd: at("7d")
            )
        )
        let input = PlannerInput(desired: makeDesired(files: [alice]), journal: state, live: [], now: at("6d1h"))
        #expect(DueWork.next(in: input) == DueWork(at: at("7d"), kind: .leaseEnd, request: alice.id))
    }

    @Test("the earliest of several requests' work comes first")
    func earliestWins() {
        let journal = [active(alice, from: t0, until: at("7d")), active(bob, from: t0, until: at("2d"))]
        #expect(due(journal) == DueWork(at: at("1d"), kind: .expiryWarning, request: bob.id))
    }

    @Test("a deferred verification falls due at its retry time (GitHub's, or the merge grace's re-check)")
    func verification() {
        let journal = [pending(alice) + [.verificationDeferred(id: alice.id, reason: "unmerged", retryAt: at("15s"))]]
        #expect(due(journal) == DueWork(at: at("15s"), kind: .verification, request: alice.id))
    }

    @Test("a refused provisioning call falls due when its wait is over")
    func queueRetry() {
        let journal = [
            queued(alice) + [
                .provisionStarted(id: alice.id, attempt: 1, request: provisionCall(alice), at: t0),
                .provisionRefused(id: alice.id, error: "quota", retryAt: at("1m")),
            ]
        ]
        #expect(due(journal) == DueWork(at: at("1m"), kind: .queueRetry, request: alice.id))
    }

    @Test("a failed attempt's next attempt falls due after its backoff")
    func provisioningRetry() {
        let journal = [
            queued(alice) + [
                .provisionStarted(id: alice.id, attempt: 1, request: provisionCall(alice), at: t0),
                .provisionRefused(id: alice.id, error: "x", retryAt: nil),
                .provisionStarted(id: alice.id, attempt: 1, request: provisionCall(alice), at: t0),
                .attemptEnded(id: alice.id, reason: "stack failed", retryAt: at("30s")),
            ]
        ]
        #expect(due(journal) == DueWork(at: at("30s"), kind: .provisioningRetry, request: alice.id))
    }

    @Test("a failed termination falls due at its retry time")
    func terminationRetry() {
        let journal = [
            active(alice, from: at("-7d"), until: t0) + [
                .terminationStarted(
                    productId: productId(alice),
                    owner: .request(alice.id, purpose: .expired),
                    token: "t",
                    at: t0
                ),
                .terminationFailed(productId: productId(alice), error: "busy", retryAt: at("30s")),
            ]
        ]
        #expect(due(journal) == DueWork(at: at("30s"), kind: .terminationRetry, request: alice.id))
    }

    @Test(
        "what is in flight is looked at every second at first, then every 2 s, then every 3 s",
        arguments: [(0.0, 1.0), (9.0, 1.0), (10.0, 2.0), (59.0, 2.0), (60.0, 3.0), (3_600.0, 3.0)]
    )
    func pollCadence(elapsed: TimeInterval, interval: TimeInterval) {
        let started = t0.addingTimeInterval(-elapsed)
        let journal = [
            queued(alice) + [
                .provisionStarted(id: alice.id, attempt: 1, request: provisionCall(alice), at: started),
                .provisionAccepted(
                    id: alice.id,
                    receipt: CatalogReceipt(recordId: "rec-a", provisionedProductId: "pp-a")
                ),
            ]
        ]
        #expect(due(journal) == DueWork(at: t0.addingTimeInterval(interval), kind: .poll, request: alice.id))
    }

    @Test("a termination in flight is polled from when it was started")
    func terminationPoll() {
        let journal = [
            active(alice, from: at("-7d"), until: t0) + [
                .terminationStarted(
                    productId: productId(alice),
                    owner: .request(alice.id, purpose: .expired),
                    token: "t",
                    at: at("-30s")
                ),
                .terminationAccepted(productId: productId(alice), recordId: "rec-t"),
            ]
        ]
        #expect(due(journal) == DueWork(at: at("2s"), kind: .poll, request: alice.id))
    }

    @Test("a provisioning call with no answer leaves its retry to the executor, not to a poll")
    func unansweredCall() {
        let journal = [
            queued(alice) + [.provisionStarted(id: alice.id, attempt: 1, request: provisionCall(alice), at: t0)]
        ]
        #expect(due(journal) == nil)
    }

    @Test("nothing due: queued, ended and rejected requests wait for a change, not for a time")
    func nothingDue() {
        #expect(due([queued(alice), ended(bob)]) == nil)
        #expect(due([]) == nil)
    }

    @Test("times already past are not due again (the pass did what it could; no spinning)")
    func pastTimes() {
        let journal = [pending(alice) + [.verificationDeferred(id: alice.id, reason: "x", retryAt: at("-1s"))]]
        #expect(due(journal) == nil)
    }
}

@Suite("calls with no answer wait out a backoff")
struct CallRetriesTests {
    @Test("a call that got no answer waits 2 s, then 4 s, 8 s…, at most 2 minutes; an answer forgets it")
    func backoff() {
        var retries = CallRetries()
        #expect(retries.allows("k", at: t0))
        retries.failed("k", at: t0)
        #expect(!retries.allows("k", at: at("1s")))
        #expect(retries.allows("k", at: at("2s")))
        #expect(retries.next(after: t0) == DueWork(at: at("2s"), kind: .callRetry))
        retries.failed("k", at: at("2s"))
        #expect(retries.next(after: at("2s"))?.at == at("6s"))
        for _ in 0..<20 { retries.failed("k", at: t0) }
        #expect(retries.next(after: t0)?.at == at("2m"))
        retries.answered("k")
        #expect(retries.allows("k", at: t0))
        #expect(retries.count == 0)
    }
}

@Suite("GitHub's content limits and the outbox's order")
struct ContentBudgetTests {
    @Test("at most 80 writes a minute and 500 an hour; refreshes stop at 400 so events find room")
    func limits() {
        var budget = ContentBudget()
        for second in 0..<80 { budget.record(t0.addingTimeInterval(Double(second) * 0.5)) }
        #expect(budget.nextAllowed(.urgent, now: at("40s")) == at("1m"))
        #expect(budget.nextAllowed(.urgent, now: at("1m")) == at("1m"))

        var hour = ContentBudget()
        for minute in 0..<400 { hour.record(t0.addingTimeInterval(Double(minute) * 8)) }
        let now = t0.addingTimeInterval(3_200)
        #expect(hour.nextAllowed(.positionRefresh, now: now) == at("1h"))
        #expect(hour.nextAllowed(.event, now: now) == now)
        for second in 0..<100 { hour.record(now.addingTimeInterval(Double(second))) }
        #expect(hour.nextAllowed(.event, now: now.addingTimeInterval(100)) > now.addingTimeInterval(100))
    }

    @Test("ready and expiring first, other events next, then first queued comments, position refreshes last")
    func outboxOrder() {
        let pool = makePool(capacity: 1)
        // alice was queued at 2 (her comment says so), bob's lease is ready but untold, carol is newly queued.
        let journal = makeJournal([
            active(bob, ready: false),
            queued(alice, position: 2),
            queued(carol, position: nil),
            rejected(dave, told: false),
        ])
        let plan = Planner.plan(
            PlannerInput(
                desired: makeDesired(pool: pool, files: [alice, bob, carol, dave]),
                journal: journal,
                live: [product(bob)],
                now: t0
            )
        )
        let told = plan.actions.compactMap { action -> String? in
            guard case .notify(let id, let plan) = action.kind else { return nil }
            return "\(id):\(plan.event.rawValue)\(plan.edit == nil ? "" : "-edit")"
        }
        #expect(told == ["b:ready", "d:rejected", "c:queued", "a:queued-edit"])
    }
}
