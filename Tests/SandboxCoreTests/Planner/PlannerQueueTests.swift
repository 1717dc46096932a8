import Foundation
import SandboxCore
import Testing

/// docs/behaviour.md §3: capacity, queue order and positions, one live sandbox per requester, the policy re-check.
@Suite("Planner: queue and capacity")
struct PlannerQueueTests {
    static let capacityRows: [PlanRow] =
        [
            PlanRow(
                "a free slot goes to the queued request",
                pool: makePool(capacity: 1),
                files: [alice],
                journal: [queued(alice)],
                expect: ["provision a#1"]
            ),
            PlanRow(
                "capacity 0 dispenses nothing",
                pool: makePool(capacity: 0),
                files: [alice],
                journal: [queued(alice)],
                expect: []
            ),
            PlanRow(
                "a provisioning sandbox counts against capacity",
                pool: makePool(capacity: 1),
                files: [alice, bob],
                journal: [provisioning(alice), queued(bob)],
                live: [product(alice, .underChange)],
                expect: []
            ),
            PlanRow(
                "an active sandbox counts against capacity",
                pool: makePool(capacity: 1),
                files: [alice, bob],
                journal: [active(alice), queued(bob)],
                live: [product(alice)],
                expect: []
            ),
            PlanRow(
                "a terminating sandbox counts against capacity",
                pool: makePool(capacity: 1),
                files: [alice, bob],
                journal: [terminating(alice), queued(bob)],
                live: [product(alice, .underChange)],
                expect: []
            ),
            PlanRow(
                "a quarantined slot counts against capacity",
                pool: makePool(capacity: 1),
                files: [alice, bob],
                journal: [quarantined(alice), queued(bob)],
                live: [product(alice, .error)],
                expect: []
            ),
            PlanRow(
                "lowering capacity never cuts a lease: it only stops dispensing",
                pool: makePool(capacity: 1),
                files: [alice, bob, carol, dave],
                journal: [active(alice), active(bob), active(carol), queued(dave)],
                live: [product(alice), product(bob), product(carol)],
                expect: []
            ),
            PlanRow(
                "raising capacity dispenses at once, and the next in line moves up",
                pool: makePool(capacity: 2),
                files: [alice, bob, carol],
                journal: [active(alice), queued(bob, position: 1), queued(carol, position: 2)],
                live: [product(alice)],
                expect: ["provision b#1", "notify-queued c at 1 (edit)"]
            ),
            PlanRow(
                "free slots go to the head of the queue, in order",
                pool: makePool(capacity: 2),
                files: [alice, bob, carol],
                journal: [queued(alice, position: 1), queued(bob, position: 2), queued(carol, position: 3)],
                expect: ["provision a#1", "provision b#1", "notify-queued c at 1 (edit)"]
            ),
        ]
        + [RequestState.ended, .failed, .lost, .rejected].map { state in
            PlanRow(
                "a \(state) request holds no slot",
                pool: makePool(capacity: 1),
                files: [alice, bob],
                journal: [history(alice, in: state), queued(bob)],
                expect: ["provision b#1"]
            )
        }

    @Test("capacity counts provisioning, active, terminating and quarantined", arguments: capacityRows)
    func capacity(_ row: PlanRow) { row.check() }

    static let orderRows: [PlanRow] = [
        PlanRow(
            "the queue is served in the order requests were first seen, not by id",
            pool: makePool(capacity: 1),
            files: [alice, bob],
            journal: [queued(bob, position: 1), queued(alice, position: 2)],
            expect: ["provision b#1", "notify-queued a at 1 (edit)"]
        ),
        PlanRow(
            "queue positions are 1-based ranks among queued requests only",
            pool: makePool(capacity: 1),
            files: [alice, bob, carol, dave, erin],
            journal: [
                active(dave), queued(bob, position: nil), rejected(erin), pending(carol),
                queued(alice, position: nil),
            ],
            live: [product(dave)],
            expect: ["notify-queued b at 1", "notify-queued a at 2", "verify c"]
        ),
        PlanRow(
            "the queued comment is edited when a request ahead leaves the queue",
            pool: makePool(capacity: 0),
            files: [alice],
            journal: [queued(bob, position: 1), queued(alice, position: 2)],
            expect: ["drop b", "notify-queued a at 1 (edit)"]
        ),
        PlanRow(
            "the pool's policy is checked again for the one about to be dispensed",
            pool: makePool(capacity: 1, deniedUsers: ["ALICE"]),
            files: [alice, bob],
            journal: [queued(alice, position: 1), queued(bob, position: 2)],
            expect: ["reject a", "provision b#1"]
        ),
    ]

    @Test("queue order, positions and the policy re-check", arguments: orderRows)
    func order(_ row: PlanRow) { row.check() }

    /// Request `b` by the same person as `a`, verified and waiting to be admitted.
    static let again = request("b", by: "alice")

    @Test("one live sandbox per requester counts queued, provisioning and active", arguments: RequestState.allCases)
    func oneLivePerRequester(other state: RequestState) {
        let input = PlannerInput(
            desired: makeDesired(files: [alice, Self.again]),
            journal: makeJournal([history(alice, in: state), verified(Self.again)]),
            live: nil,
            now: t0
        )
        let forAgain = Planner.plan(input).actions.filter { $0.request == Self.again.id }.map(\.summary)
        // docs/behaviour.md §3, not the model's own flag
        let live: Set<RequestState> = [.queued, .provisioning, .active]
        #expect(forAgain == [live.contains(state) ? "reject b" : "queue b"])
    }

    static let identityRows: [PlanRow] = [
        PlanRow(
            "logins compare case-insensitively",
            files: [request("a", by: "Alice"), request("b", by: "aLICE")],
            journal: [
                active(request("a", by: "Alice"), as: .skipped(at: t0)),
                verified(request("b", by: "aLICE"), as: .skipped(at: t0)),
            ],
            live: [product(alice)],
            expect: ["reject b"]
        ),
        PlanRow(
            "a renamed login is the same person: the numeric user id decides",
            files: [alice, request("b", by: "alice-renamed")],
            journal: [
                active(alice, as: verifiedAs(alice, userId: 7)),
                verified(
                    request("b", by: "alice-renamed"),
                    as: verifiedAs(request("b", by: "alice-renamed"), userId: 7)
                ),
            ],
            live: [product(alice)],
            expect: ["reject b"]
        ),
        PlanRow(
            "someone else is admitted",
            files: [alice, bob],
            journal: [active(alice), verified(bob)],
            live: [product(alice)],
            expect: ["queue b"]
        ),
        PlanRow(
            "two requests of one person verified in one pass: the later one is rejected",
            files: [alice, again],
            journal: [verified(alice), verified(again)],
            expect: ["queue a", "reject b"]
        ),
    ]

    @Test("the one-live-sandbox rule knows people, not logins", arguments: identityRows)
    func identity(_ row: PlanRow) { row.check() }

    @Test("a request refused by the one-live rule is told why")
    func refusalReason() throws {
        let plan = Planner.plan(Self.identityRows[3].input)
        let reject = try #require(plan.actions.first { $0.request == Self.again.id })
        guard case .reject(_, let reason) = reject.kind else {
            Issue.record("not a rejection")
            return
        }
        #expect(reason.contains("`a`"))
    }

    @Test("two new requests in one pass both get a sandbox when there is room")
    func twoRequestsWithRoom() async {
        var world = PlannerWorld(pool: makePool(capacity: 2), files: [alice, bob])
        await world.simulate()
        #expect(world.state("a") == .active)
        #expect(world.state("b") == .active)
        #expect(world.github.thread("a") == ["ready"])
        #expect(world.github.thread("b") == ["ready"])
    }

    @Test("two new requests in one pass with one slot: the first (by id) gets it, the other is queued at 1")
    func twoRequestsOneSlot() async {
        var world = PlannerWorld(pool: makePool(capacity: 1), files: [bob, alice])
        await world.simulate()
        #expect(world.state("a") == .active)
        #expect(world.state("b") == .queued)
        #expect(world.github.thread("b") == ["queued at 1"])
    }

    @Test("files first seen in the same pass queue by id; later files queue behind them")
    func tiesById() async {
        let ids = ["f", "e", "d", "c", "b", "a"]
        var world = PlannerWorld(pool: makePool(capacity: 0), files: ids.map { request($0) })
        await world.simulate()
        for (index, id) in ids.sorted().enumerated() {
            #expect(world.github.thread(id) == ["queued at \(index + 1)"])
        }
        world.write(request("0"))
        await world.simulate()
        #expect(world.github.thread("0") == ["queued at 7"])
    }

    @Test("raising capacity serves the queue in the same pass")
    func raisingCapacity() async {
        var world = PlannerWorld(pool: makePool(capacity: 0), files: [alice, bob])
        await world.simulate()
        #expect(world.github.thread("b") == ["queued at 2"])
        world.setPool(makePool(capacity: 1))
        await world.simulate()
        #expect(world.state("a") == .active)
        #expect(world.github.thread("b") == ["queued at 1"])
    }
}

@Suite("a pass verifies in queue order and provisions each request as soon as it is verified")
struct PassCallOrderTests {
    @Test("verify a, provision a, verify b, provision b, then c waits: not every verification first")
    func provisionAsSoonAsVerified() async {
        var world = PlannerWorld(pool: makePool(capacity: 2), files: [carol, alice, bob])
        let steps = await world.simulate().filter { $0.hasPrefix("verify") || $0.hasPrefix("provision") }
        #expect(
            steps.map { $0.split(separator: " ").prefix(2).joined(separator: " ") } == [
                "verify a", "provision a#1", "verify b", "provision b#1", "verify c",
            ],
            "\(steps)"
        )
        #expect(world.state("c") == .queued)
    }

    @Test("a lease's end is carried out before any verification of the pass")
    func terminationsFirst() async {
        var world = PlannerWorld(
            pool: makePool(capacity: 1),
            files: [alice, bob],
            journal: [active(alice, from: at("-7d"), until: t0)],
            live: [product(alice)]
        )
        let steps = await world.simulate().filter { !$0.hasPrefix("notify") && !$0.hasPrefix("observe") }
        #expect(steps.first?.hasPrefix("terminate a") == true, "\(steps)")
        #expect(world.state("b") == .active, "the freed slot went to bob in the same pass")
    }
}
