import Foundation
import SandboxCore
import SandboxTesting
import Testing

/// docs/behaviour.md §3: a lease starts when the product is available, ends after the request's lease, is extended
/// by raising `lease` (up to `maxLease`); other edits, and invalid files, change nothing.
@Suite("Planner: leases")
struct PlannerLeaseTests {
    static let threeDays = request("a", lease: "3d")
    static let fiveDays = request("a", lease: "5d")
    static let thirtyDays = request("a", lease: "30d")
    static let oneDay = request("a", lease: "1d")

    static let rows: [PlanRow] = [
        PlanRow(
            "the lease starts when the product becomes available",
            files: [threeDays],
            journal: [provisioning(threeDays)],
            live: [product(threeDays)],
            now: at("2h"),
            expect: ["activate a from t0+2h to t0+3d2h"]
        ),
        PlanRow(
            "a request without a lease gets the pool's lease",
            pool: makePool(lease: "2d"),
            files: [alice],
            journal: [provisioning(alice)],
            live: [product(alice)],
            expect: ["activate a from t0 to t0+2d"]
        ),
        PlanRow(
            "a lease above maxLease (lowered since) is capped",
            pool: makePool(maxLease: "14d"),
            files: [thirtyDays],
            journal: [provisioning(thirtyDays)],
            live: [product(thirtyDays)],
            expect: ["activate a from t0 to t0+14d"]
        ),
        PlanRow(
            "a product still under change is not activated",
            files: [alice],
            journal: [provisioning(alice)],
            live: [product(alice, .underChange)],
            expect: []
        ),
        PlanRow(
            "a lease exactly at its end expires",
            files: [alice],
            journal: [active(alice, from: at("-7d"), until: t0)],
            live: [product(alice)],
            expect: ["terminate a expired"]
        ),
        PlanRow(
            "a lease past its end expires",
            files: [alice],
            journal: [active(alice, from: at("-7d"), until: at("-1h"))],
            live: [product(alice)],
            expect: ["terminate a expired"]
        ),
        PlanRow(
            "a lease a second before its end does not expire (it is only warned about)",
            files: [alice],
            journal: [active(alice, from: at("-7d"), until: at("1s"))],
            live: [product(alice)],
            expect: ["notify-expiring a"]
        ),
        PlanRow(
            "an expired lease waits for its product to settle",
            files: [alice],
            journal: [active(alice, from: at("-7d"), until: t0), [told(alice, .expiring)]],
            live: [product(alice, .underChange)],
            expect: []
        ),
        PlanRow(
            "a new version of a live request's file is recorded",
            files: [fiveDays],
            journal: [active(threeDays)],
            live: [product(threeDays)],
            now: at("1h"),
            expect: ["update a"]
        ),
        PlanRow(
            "raising lease extends the lease from its start",
            files: [fiveDays],
            journal: [active(threeDays), [.requestChanged(spec: fiveDays, at: t0)]],
            live: [product(threeDays)],
            now: at("1h"),
            expect: ["extend a to t0+5d"]
        ),
        PlanRow(
            "a raised lease is capped by maxLease",
            pool: makePool(maxLease: "14d"),
            files: [thirtyDays],
            journal: [active(threeDays), [.requestChanged(spec: thirtyDays, at: t0)]],
            live: [product(threeDays)],
            now: at("1h"),
            expect: ["extend a to t0+14d"]
        ),
        PlanRow(
            "lowering lease never shortens the lease",
            files: [oneDay],
            journal: [active(threeDays), [.requestChanged(spec: oneDay, at: t0)]],
            live: [product(threeDays)],
            now: at("1h"),
            expect: []
        ),
        PlanRow(
            "lowering maxLease never shortens the lease",
            pool: makePool(maxLease: "1d"),
            files: [threeDays],
            journal: [active(threeDays)],
            live: [product(threeDays)],
            now: at("1h"),
            expect: []
        ),
        PlanRow(
            "a lease raised after it ended is not extended: it expires",
            files: [fiveDays],
            journal: [active(threeDays), [.requestChanged(spec: fiveDays, at: t0)]],
            live: [product(threeDays)],
            now: at("3d"),
            expect: ["terminate a expired"]
        ),
        PlanRow(
            "a live request whose file turned invalid keeps its last valid version: no release, no lease change",
            invalid: ["a"],
            journal: [active(threeDays)],
            live: [product(threeDays)],
            now: at("1h"),
            expect: [],
            note: "a: the request file is not valid"
        ),
        PlanRow(
            "a live request whose file turned invalid still expires on its last valid lease",
            invalid: ["a"],
            journal: [active(threeDays)],
            live: [product(threeDays)],
            now: at("3d"),
            expect: ["terminate a expired"]
        ),
        PlanRow(
            "a queued request whose file turned invalid keeps its place and gets its slot",
            pool: makePool(capacity: 1),
            invalid: ["a"],
            journal: [queued(alice)],
            expect: ["provision a#1"]
        ),
    ]

    @Test("lease rules", arguments: rows)
    func lease(_ row: PlanRow) { row.check() }

    @Test("a queued request whose file turned invalid is provisioned from its last valid version")
    func invalidQueuedUsesLastValid() throws {
        let plan = Planner.plan(Self.rows.last!.input)
        guard case .provision(_, _, let call)? = plan.actions.first?.kind else {
            Issue.record("no provisioning: \(plan.summary)")
            return
        }
        #expect(call == provisionCall(alice))
    }

    @Test("a raised lease is extended, capped by maxLease; the second warning carries a counter")
    func leaseExtension() async {
        var world = PlannerWorld(
            pool: makePool(capacity: 1, maxLease: "5d", expiryWarning: "1d"),
            files: [request("a", lease: "2d")]
        )
        await world.simulate()
        #expect(world.record("a")?.leaseEnd == at("2d"))
        world.advance("1d")
        await world.simulate()
        #expect(world.github.thread("a") == ["ready", "expiring"])

        world.write(request("a", lease: "3d"))
        #expect(await world.simulate() == ["update a", "extend a to t0+3d"])
        #expect(world.github.thread("a") == ["ready", "expiring"])  // the new end is 2 days away

        world.advance("1d")
        await world.simulate()
        #expect(world.github.thread("a") == ["ready", "expiring", "expiring #2"])

        world.write(request("a", lease: "9d"))
        #expect(await world.simulate() == ["update a", "extend a to t0+5d"])
        #expect(world.state("a") == .active)
    }

    @Test("other edits of a live request's file change nothing but the recorded version")
    func otherEdits() async {
        var world = PlannerWorld(pool: makePool(capacity: 1), files: [alice])
        await world.simulate()
        let before = world.record("a")!
        world.advance("1h")
        world.write(request("a", purpose: "something else"))
        #expect(await world.simulate() == ["update a"])
        world.write(request("a", lease: "1d"))
        #expect(await world.simulate() == ["update a"])
        let after = world.record("a")!
        #expect(after.state == .active)
        #expect(after.leaseStart == before.leaseStart)
        #expect(after.leaseEnd == before.leaseEnd)
        #expect(await world.simulate() == [])
    }

    // Regression: a live request's edit replaced its whole recorded version, so comments went to another
    // pull request and the one-live-sandbox rule lost track of the person who asked.
    @Test("changing the requester or pull request of a live request changes nothing")
    func requesterEdit() async {
        var world = PlannerWorld(pool: makePool(capacity: 2), files: [alice])
        await world.simulate()
        world.write(request("a", by: "mallory", pullRequest: 99))
        await world.simulate()
        let record = world.record("a")!
        #expect(record.spec.requester == "alice")
        #expect(record.spec.pullRequest == 10)
        // alice still has her live sandbox: a second request of hers is refused
        world.write(request("b", by: "alice"))
        await world.simulate()
        #expect(world.state("b") == .rejected)
    }

    @Test("a queued request's edit brings its new lease, not a new requester")
    func queuedEdit() async {
        var world = PlannerWorld(pool: makePool(capacity: 0), files: [alice])
        await world.simulate()
        world.write(request("a", by: "mallory", pullRequest: 99, lease: "3d"))
        #expect(await world.simulate() == ["update a"])
        world.setPool(makePool(capacity: 1))
        await world.simulate()
        #expect(world.record("a")?.leaseEnd == at("3d"))
        #expect(await world.catalog.provisionCalls.map { $0.tags[TagKey.requester] } == ["alice"])
        #expect(await world.catalog.provisionCalls.map(\.parameters) == [["SandboxOwner": "alice"]])
    }

    @Test("a bad edit of a live request's file is noted every pass and never changes its lease")
    func invalidEditKeepsLease() async {
        var world = PlannerWorld(pool: makePool(capacity: 1), files: [request("a", lease: "3d")])
        await world.simulate()
        world.desired.requests[alice.id] = makeDesired(invalid: ["a"]).requests[alice.id]
        world.advance("1h")
        #expect(await world.simulate() == [])
        #expect(world.lastPlan.notes.contains { $0.contains("a: the request file is not valid") })
        #expect(world.record("a")?.leaseEnd == at("3d"))
        #expect(world.record("a")?.spec == request("a", lease: "3d"))
    }
}
