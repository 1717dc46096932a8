import Foundation
import SandboxCore
import SandboxTesting
import Testing

/// docs/behaviour.md §3: removing a request file, final states, re-verification, and the safety brake.
@Suite("Planner: releases and the safety brake")
struct PlannerReleaseTests {
    /// `frank`'s request ended long ago; its file stays, so `requests/` is not empty.
    static let bystander = ended(frank)

    static let releaseRows: [PlanRow] = [
        PlanRow(
            "a pending request whose file is removed is dropped",
            files: [frank],
            journal: [bystander, pending(alice)],
            expect: ["drop a"]
        ),
        PlanRow(
            "a queued request whose file is removed is dropped",
            files: [frank],
            journal: [bystander, queued(alice)],
            expect: ["drop a"]
        ),
        PlanRow(
            "a provisioning sandbox whose file is removed is terminated (released)",
            files: [frank],
            journal: [bystander, provisioning(alice)],
            live: [product(alice)],
            expect: ["terminate a released"]
        ),
        PlanRow(
            "a provisioning sandbox whose file is removed waits for its product to settle",
            files: [frank],
            journal: [bystander, provisioning(alice)],
            live: [product(alice, .underChange)],
            expect: []
        ),
        PlanRow(
            "an active sandbox whose file is removed is terminated (released)",
            files: [frank],
            journal: [bystander, active(alice)],
            live: [product(alice)],
            expect: ["terminate a released"]
        ),
        PlanRow(
            "a request between provisioning attempts whose file is removed is dropped",
            files: [frank],
            journal: [
                bystander, provisioning(alice),
                [
                    .attemptEnded(id: alice.id, reason: "ERROR", retryAt: at("1h")),
                    .productGone(productId: productId(alice)),
                ],
            ],
            expect: ["drop a"]
        ),
        PlanRow(
            "an ended request's file can stay: nothing happens",
            files: [alice],
            journal: [ended(alice)],
            expect: []
        ),
        PlanRow(
            "a rejected request stays rejected while its file does not change",
            files: [alice],
            journal: [rejected(alice)],
            expect: []
        ),
        PlanRow(
            "a changed file of a rejected request is recorded",
            files: [request("a", purpose: "again")],
            journal: [rejected(alice)],
            expect: ["update a"]
        ),
        PlanRow(
            "a rejected request whose file changed is verified again",
            files: [request("a", purpose: "again")],
            journal: [rejected(alice), [.requestChanged(spec: request("a", purpose: "again"), at: t0)]],
            expect: ["verify a"]
        ),
        PlanRow(
            "a pending request waits for its verification retry",
            files: [alice],
            journal: [
                pending(alice),
                [.verificationDeferred(id: alice.id, reason: "PR not merged", retryAt: at("1h"))],
            ],
            expect: []
        ),
        PlanRow(
            "an edit of a pending request's file verifies it again at once",
            files: [request("a", pullRequest: 11)],
            journal: [
                pending(alice),
                [
                    .verificationDeferred(id: alice.id, reason: "PR not merged", retryAt: at("1h")),
                    .requestChanged(spec: request("a", pullRequest: 11), at: t0),
                ],
            ],
            expect: ["verify a"]
        ),
    ]

    @Test("removing a request file, and what stays final", arguments: releaseRows)
    func release(_ row: PlanRow) { row.check() }

    @Test("no edit revives a final request", arguments: [RequestState.ended, .failed, .lost])
    func finalStaysFinal(_ state: RequestState) async {
        let edited = request("a", lease: "3d", purpose: "please, again")
        let row = PlanRow(
            "\(state) stays \(state)",
            files: [edited],
            journal: [history(alice, in: state)],
            expect: []
        )
        row.check()
        var world = PlannerWorld(files: [edited], journal: [history(alice, in: state)])
        await world.simulate()
        #expect(world.state("a") == state)
        #expect(await world.catalog.provisionCalls.isEmpty)
    }

    static let brakeRows: [PlanRow] = [
        PlanRow(
            "releasing more than half of the live sandboxes (and at least 2) is held back",
            files: [carol],
            journal: [active(alice), active(bob), active(carol)],
            live: [product(alice), product(bob), product(carol)],
            expect: [],
            brake: true
        ),
        PlanRow(
            "releasing exactly half is not held back",
            files: [carol, dave],
            journal: [active(alice), active(bob), active(carol), active(dave)],
            live: [product(alice), product(bob), product(carol), product(dave)],
            expect: ["terminate a released", "terminate b released"]
        ),
        PlanRow(
            "a single release is never held back",
            files: [frank],
            journal: [bystander, active(alice)],
            live: [product(alice)],
            expect: ["terminate a released"]
        ),
        PlanRow(
            "provisioning sandboxes count as live for the brake",
            files: [carol, dave],
            journal: [provisioning(alice), provisioning(bob), active(carol), active(dave)],
            live: [product(alice), product(bob), product(carol), product(dave)],
            expect: ["terminate a released", "terminate b released"]
        ),
        PlanRow(
            "queued requests do not count as live for the brake",
            pool: makePool(capacity: 2),
            files: [carol, dave],
            journal: [active(alice), active(bob), queued(carol, position: 1), queued(dave, position: 2)],
            live: [product(alice), product(bob)],
            expect: [],
            brake: true
        ),
        PlanRow(
            "an empty requests/ with live sandboxes releases nothing",
            journal: [active(alice)],
            live: [product(alice)],
            expect: [],
            brake: true
        ),
        PlanRow(
            "a missing requests/ with live sandboxes releases nothing",
            directoryExists: false,
            journal: [active(alice)],
            live: [product(alice)],
            expect: [],
            brake: true
        ),
        PlanRow(
            "an empty requests/ with live sandboxes drops no queued request either",
            journal: [active(alice), queued(bob)],
            live: [product(alice)],
            expect: [],
            brake: true
        ),
        PlanRow(
            "an empty requests/ with no live sandbox drops queued requests",
            journal: [queued(alice)],
            expect: ["drop a"]
        ),
        PlanRow(
            "terminations of orphans count towards the brake",
            files: [alice],
            journal: [active(alice)],
            live: [product(alice), stray("x"), stray("y")],
            expect: [],
            brake: true
        ),
        PlanRow(
            "orphans alone trip the brake (a lost journal must not purge the pool)",
            live: [stray("x"), stray("y")],
            expect: [],
            brake: true
        ),
        PlanRow(
            "allow-mass-release lets the held releases through once",
            files: [carol],
            journal: [active(alice), active(bob), active(carol)],
            live: [product(alice), product(bob), product(carol)],
            allowMassRelease: true,
            expect: ["terminate a released", "terminate b released"],
            usedAllowance: true
        ),
        PlanRow(
            "allow-mass-release lets an empty requests/ release",
            journal: [active(alice)],
            live: [product(alice)],
            allowMassRelease: true,
            expect: ["terminate a released"],
            usedAllowance: true
        ),
        PlanRow(
            "allow-mass-release lets orphans go",
            live: [stray("x"), stray("y")],
            allowMassRelease: true,
            expect: ["terminate-orphan pp-stray-x", "terminate-orphan pp-stray-y"],
            usedAllowance: true
        ),
        PlanRow(
            "allow-mass-release is not used up by a pass that needs no brake",
            files: [frank],
            journal: [bystander, active(alice)],
            live: [product(alice)],
            allowMassRelease: true,
            expect: ["terminate a released"]
        ),
    ]

    @Test("the safety brake", arguments: brakeRows)
    func brake(_ row: PlanRow) { row.check() }

    @Test("the brake says why")
    func brakeReason() {
        let plan = Planner.plan(Self.brakeRows[0].input)
        #expect(plan.brake?.contains("release 2 of 3") == true)
        let empty = Planner.plan(Self.brakeRows[5].input)
        #expect(empty.brake?.contains("requests/ is empty") == true)
        let missing = Planner.plan(Self.brakeRows[6].input)
        #expect(missing.brake?.contains("requests/ is missing") == true)
    }

    @Test("a braked pass waits until the files come back, or a release is allowed once")
    func brakeThenAllowance() async {
        var world = PlannerWorld(pool: makePool(capacity: 3), files: [alice, bob, carol])
        await world.simulate()
        world.remove("a")
        world.remove("b")
        #expect(await world.simulate() == [])
        #expect(world.lastPlan.brake != nil)
        world.write(alice)
        world.write(bob)
        #expect(await world.simulate() == [])
        #expect(world.lastPlan.brake == nil)

        world.remove("a")
        world.remove("b")
        world.allowMassRelease = true
        await world.simulate()
        #expect(world.allowMassRelease == false)
        #expect(world.state("a") == .ended)
        #expect(world.state("b") == .ended)
        #expect(world.record("a")?.endReason == .released)
        #expect(world.state("c") == .active)
        #expect(await world.catalog.liveProducts.map(\.name) == ["sandbox-c"])
    }

    @Test("a rejected request is asked again only when its file changes, and the second rejection is counted")
    func rejectedReverified() async {
        var world = PlannerWorld(files: [alice])
        world.github.youngAccounts.insert("alice")
        await world.simulate()
        #expect(world.state("a") == .rejected)
        #expect(await world.simulate() == [])
        world.write(request("a", purpose: "again"))
        await world.simulate()
        #expect(world.github.thread("a") == ["rejected", "rejected #2"])
        world.github.youngAccounts.remove("alice")
        world.write(request("a", purpose: "third time"))
        await world.simulate()
        #expect(world.state("a") == .active)
    }
}
