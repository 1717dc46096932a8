import Foundation
import SandboxCore
import Testing

/// docs/behaviour.md §6 as the planner owes it: each state owes exactly its comment, once.
@Suite("Planner: notifications")
struct PlannerNotificationTests {
    static let rows: [PlanRow] = [
        PlanRow(
            "a queued request is told its position",
            pool: makePool(capacity: 0),
            files: [alice],
            journal: [queued(alice, position: nil)],
            expect: ["notify-queued a at 1"]
        ),
        PlanRow(
            "the queued comment is not repeated while the position holds",
            pool: makePool(capacity: 0),
            files: [alice],
            journal: [queued(alice, position: 1)],
            expect: []
        ),
        PlanRow(
            "the queued comment is edited in place when the position changes",
            pool: makePool(capacity: 0),
            files: [alice],
            journal: [queued(alice, position: 2)],
            expect: ["notify-queued a at 1 (edit)"]
        ),
        PlanRow(
            "an active sandbox is told it is ready",
            files: [alice],
            journal: [active(alice, ready: false)],
            live: [product(alice)],
            expect: ["notify-ready a"]
        ),
        PlanRow(
            "an expiring lease is warned about expiryWarning before its end",
            files: [alice],
            journal: [active(alice, from: at("-6d"), until: at("1d"))],
            live: [product(alice)],
            expect: ["notify-expiring a"]
        ),
        PlanRow(
            "a lease further than expiryWarning from its end is not warned about",
            files: [alice],
            journal: [active(alice, from: at("-6d"), until: at("1d1s"))],
            live: [product(alice)],
            expect: []
        ),
        PlanRow(
            "an expiring lease is warned about once",
            files: [alice],
            journal: [active(alice, from: at("-6d"), until: at("1d")), [told(alice, .expiring)]],
            live: [product(alice)],
            expect: []
        ),
        PlanRow(
            "an extended lease is warned about again, with a counter",
            files: [alice],
            journal: [
                active(alice, from: at("-6d"), until: at("1d")),
                [told(alice, .expiring), .leaseExtended(id: alice.id, leaseEnd: at("1d12h"))],
            ],
            live: [product(alice)],
            now: at("12h"),
            expect: ["notify-expiring a #2"]
        ),
        PlanRow(
            "an ended sandbox is told it ended",
            files: [alice],
            journal: [ended(alice, told: false)],
            expect: ["notify-ended a"]
        ),
        PlanRow(
            "a request dropped before it was verified is not told (the PR may not be theirs); its file is retired",
            journal: [pending(alice), [.dropped(id: alice.id)]],
            expect: ["retire a"]
        ),
        PlanRow(
            "a rejected request is told why",
            files: [alice],
            journal: [rejected(alice, told: false)],
            expect: ["notify-rejected a"]
        ),
        PlanRow(
            "a second rejection is told with a counter",
            files: [alice],
            journal: [rejected(alice, times: 2, told: false)],
            expect: ["notify-rejected a #2"]
        ),
        PlanRow(
            "a failed request is told",
            files: [alice],
            journal: [failed(alice, told: false)],
            expect: ["notify-failed a"]
        ),
        PlanRow(
            "a lost sandbox is told",
            files: [alice],
            journal: [lost(alice, told: false)],
            expect: ["notify-lost a"]
        ),
        PlanRow(
            "a quarantined slot is told",
            files: [alice],
            journal: [quarantined(alice, told: false)],
            live: [product(alice, .error)],
            expect: ["notify-quarantined a"]
        ),
        PlanRow(
            "a comment whose posting was not confirmed is looked for first",
            files: [alice],
            journal: [active(alice, ready: false), [.notifyStarted(id: alice.id, event: .ready, occurrence: 1)]],
            live: [product(alice)],
            expect: ["notify-ready a (look first)"]
        ),
        PlanRow(
            "a queued comment whose posting was not confirmed is looked for first",
            pool: makePool(capacity: 0),
            files: [alice],
            journal: [queued(alice, position: nil), [.notifyStarted(id: alice.id, event: .queued, occurrence: 1)]],
            expect: ["notify-queued a at 1 (look first)"]
        ),
        PlanRow(
            "a second warning whose posting was not confirmed is looked for first",
            files: [alice],
            journal: [
                active(alice, from: at("-6d"), until: at("1d")),
                [
                    told(alice, .expiring), .leaseExtended(id: alice.id, leaseEnd: at("1d12h")),
                    .notifyStarted(id: alice.id, event: .expiring, occurrence: 2),
                ],
            ],
            live: [product(alice)],
            now: at("12h"),
            expect: ["notify-expiring a #2 (look first)"]
        ),
        PlanRow(
            "a request with an action this round is told next round",
            files: [alice],
            journal: [active(alice, from: at("-7d"), until: t0, ready: false)],
            live: [product(alice)],
            expect: ["terminate a expired"]
        ),
    ]

    // Regression: a request with any action this round was left out of the positions, so editing the file of
    // the request at the head of the queue edited the comment of the one behind it to a wrong position, and back.
    static let positionRows: [PlanRow] = [
        PlanRow(
            "an edit of a queued request's file moves nobody in the queue",
            pool: makePool(capacity: 0),
            files: [request("a", purpose: "edited"), bob],
            journal: [queued(alice, position: 1), queued(bob, position: 2)],
            expect: ["update a"]
        ),
        PlanRow(
            "a request provisioned this round leaves the queue",
            pool: makePool(capacity: 1),
            files: [alice, bob],
            journal: [queued(alice, position: 1), queued(bob, position: 2)],
            expect: ["provision a#1", "notify-queued b at 1 (edit)"]
        ),
        PlanRow(
            "a request rejected this round leaves the queue",
            pool: makePool(capacity: 1, deniedUsers: ["alice"]),
            files: [alice, bob, carol],
            journal: [queued(alice, position: 1), queued(bob, position: 2), queued(carol, position: 3)],
            expect: ["reject a", "provision b#1", "notify-queued c at 1 (edit)"]
        ),
    ]

    @Test("queue positions shown are those after this round", arguments: positionRows)
    func positions(_ row: PlanRow) { row.check() }

    @Test("each state owes its comment", arguments: rows)
    func owed(_ row: PlanRow) { row.check() }

    @Test("a comment confirmed posted is never owed again", arguments: RequestState.allCases)
    func notRepeated(_ state: RequestState) {
        let live: [LiveProduct] =
            switch state {
            case .provisioning, .terminating: [product(alice, .underChange)]
            case .active: [product(alice)]
            case .quarantined: [product(alice, .error)]
            default: []
            }
        let plan = Planner.plan(
            PlannerInput(
                desired: makeDesired(pool: makePool(capacity: 1), files: [alice]),
                journal: makeJournal([history(alice, in: state)]),
                live: live,
                now: t0
            )
        )
        #expect(plan.actions.filter { $0.name.hasPrefix("notify") }.map(\.summary) == [])
    }

    @Test("a sandbox's whole life: queued, ready, expiring and ended, each said once")
    func wholeLife() async {
        var world = PlannerWorld(pool: makePool(capacity: 1, lease: "3d"), files: [bob, alice])
        await world.simulate()
        #expect(world.github.thread("a") == ["ready"])
        #expect(world.github.thread("b") == ["queued at 1"])
        #expect(world.record("a")?.leaseStart == t0)
        #expect(world.record("a")?.leaseEnd == at("3d"))

        world.advance("2d")
        await world.simulate()
        #expect(world.github.thread("a") == ["ready", "expiring"])
        world.advance("1d")
        await world.simulate()
        #expect(world.state("a") == .ended)
        #expect(world.record("a")?.endReason == .expired)
        #expect(world.github.thread("a") == ["ready", "expiring", "ended"])
        #expect(world.github.thread("b") == ["queued at 1", "ready"])
        world.advance("1h")
        #expect(await world.simulate() == [])
        #expect(world.github.comments.values.allSatisfy { $0.edits == 0 })
    }

    @Test("a queued comment is edited, not posted again, as the queue moves")
    func queuedCommentEdited() async {
        var world = PlannerWorld(pool: makePool(capacity: 0), files: [alice, bob, carol])
        await world.simulate()
        #expect(world.github.thread("c") == ["queued at 3"])
        world.remove("a")
        await world.simulate()
        #expect(world.github.thread("c") == ["queued at 2"])
        #expect(world.github.comments.values.filter { $0.request == "c" }.map(\.edits) == [1])
    }
}
