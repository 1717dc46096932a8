import Foundation
import SandboxCore
import SandboxTesting
import Testing

/// What the planner does with incomplete input, pool changes, and idempotency tokens (docs/behaviour.md §2, §3).
@Suite("Planner: inputs, pool changes and tokens")
struct PlannerInputTests {
    static let rows: [PlanRow] = [
        PlanRow(
            "an invalid pool.json gives an empty plan with a note",
            pool: nil,
            files: [bob],
            journal: [active(alice, until: at("-1h")), queued(bob, position: nil)],
            live: [product(alice), stray("zed")],
            expect: [],
            note: "pool.json is not valid"
        ),
        PlanRow(
            "an expired lease is not terminated while the live products are unknown",
            files: [alice],
            journal: [active(alice, from: at("-7d"), until: at("-1h")), [told(alice, .expiring)]],
            live: nil,
            expect: []
        ),
        PlanRow(
            "a sandbox is not marked lost while the live products are unknown",
            files: [alice],
            journal: [active(alice)],
            live: nil,
            expect: []
        ),
        PlanRow(
            "a removed file's sandbox is not terminated while the live products are unknown",
            files: [frank],
            journal: [ended(frank), active(alice)],
            live: nil,
            expect: []
        ),
        PlanRow(
            "provisioning is not followed up while the live products are unknown",
            files: [alice],
            journal: [provisioning(alice)],
            live: nil,
            expect: []
        ),
        PlanRow(
            "a failed attempt is not cleaned up while the live products are unknown",
            files: [alice],
            journal: [PlannerRepairTests.firstAttemptFailed],
            live: nil,
            expect: []
        ),
        PlanRow(
            "a quarantined slot is not freed while the live products are unknown",
            files: [alice],
            journal: [quarantined(alice)],
            live: nil,
            expect: []
        ),
        PlanRow(
            "what does not depend on the live products still happens",
            files: [alice, bob],
            journal: [verified(bob)],
            live: nil,
            expect: ["observe a", "queue b"]
        ),
        PlanRow(
            "a pool change leaves live sandboxes alone",
            pool: makePool(product: productV2, parameters: ["Owner": "{{request}}"]),
            files: [alice, bob],
            journal: [active(alice), provisioning(bob)],
            live: [product(alice), product(bob, .underChange)],
            expect: []
        ),
    ]

    @Test("incomplete inputs and pool changes", arguments: rows)
    func input(_ row: PlanRow) { row.check() }

    @Test("a pool change applies to the next new sandbox")
    func poolChangeAppliesToNewSandboxes() {
        let pool = makePool(capacity: 1, product: productV2, parameters: ["Owner": "{{requester}}/{{request}}"])
        let plan = Planner.plan(
            PlannerInput(
                desired: makeDesired(pool: pool, files: [alice]),
                journal: makeJournal([queued(alice)]),
                live: [],
                now: t0
            )
        )
        guard case .provision(_, 1, let call)? = plan.actions.first?.kind else {
            Issue.record("no provisioning: \(plan.summary)")
            return
        }
        #expect(call.product == productV2)
        #expect(call.parameters == ["Owner": "alice/a"])
        #expect(call.name == "sandbox-a")
        #expect(call.tags == [TagKey.pool: "default", TagKey.request: "a", TagKey.requester: "alice"])
    }

    @Test("a provisioning call repeated after a pool change is still the call that was recorded")
    func repeatedCallKeepsOldPool() {
        let pool = makePool(product: productV2, parameters: [:])
        let plan = Planner.plan(
            PlannerInput(
                desired: makeDesired(pool: pool, files: [alice]),
                journal: makeJournal([provisioning(alice, accepted: false)]),
                live: [],
                now: t0
            )
        )
        guard case .provision(_, 1, let call)? = plan.actions.first?.kind else {
            Issue.record("no provisioning: \(plan.summary)")
            return
        }
        #expect(call == provisionCall(alice))
    }

    @Test("the same inputs give the same plan")
    func deterministic() {
        let input = PlannerInput(
            desired: makeDesired(pool: makePool(capacity: 2), files: [alice, bob, carol, dave]),
            journal: makeJournal([
                queued(alice), queued(bob, position: 2), active(carol, until: at("-1h")),
                verified(dave),
            ]),
            live: [product(carol), stray("zed")],
            now: t0
        )
        #expect(Planner.plan(input) == Planner.plan(input))
    }

    /// The provisioning token planned for `alice`'s first attempt.
    static func provisionToken(lineage: String = testLineage, poolName: String = "default") -> String? {
        let plan = Planner.plan(
            PlannerInput(
                desired: makeDesired(pool: makePool(capacity: 1), files: [alice]),
                journal: makeJournal([queued(alice)], lineage: lineage),
                live: [],
                now: t0,
                poolName: poolName
            )
        )
        guard case .provision(_, _, let call)? = plan.actions.first?.kind else { return nil }
        return call.token
    }

    /// The termination token planned for `alice`'s expired lease.
    static func terminateToken(lineage: String = testLineage) -> String? {
        let plan = Planner.plan(
            PlannerInput(
                desired: makeDesired(files: [alice]),
                journal: makeJournal([active(alice, until: at("-1h"))], lineage: lineage),
                live: [product(alice)],
                now: t0
            )
        )
        guard case .terminate(_, _, _, let token)? = plan.actions.first?.kind else { return nil }
        return token
    }

    @Test("idempotency tokens: same inputs, same token; another lineage or pool, another token")
    func tokens() {
        let token = Self.provisionToken()
        #expect(token != nil)
        #expect(Self.provisionToken() == token)
        #expect(Self.provisionToken(lineage: "lineage-2") != token)
        #expect(Self.provisionToken(poolName: "other") != token)
        #expect(Self.terminateToken() != nil)
        #expect(Self.terminateToken() == Self.terminateToken())
        #expect(Self.terminateToken(lineage: "lineage-2") != Self.terminateToken())
        #expect(Self.terminateToken() != token)
    }

    @Test("a reused request id after a journal reset gets a new token")
    func journalReset() async {
        var first = PlannerWorld(pool: makePool(capacity: 1), files: [alice])
        await first.simulate()
        var second = PlannerWorld(pool: makePool(capacity: 1), files: [alice])
        second.journal = JournalState(lineage: "lineage-after-reset")
        await second.simulate()
        #expect(await first.catalog.provisionCalls.map(\.name) == second.catalog.provisionCalls.map(\.name))
        #expect(await first.catalog.provisionCalls.map(\.token) != second.catalog.provisionCalls.map(\.token))
    }

    @Test("a pass repeated on the same state changes nothing (no second provisioning, no second comment)")
    func repeatedPass() async {
        var world = PlannerWorld(pool: makePool(capacity: 1), files: [alice, bob])
        await world.simulate()
        let journal = world.journal
        #expect(await world.simulate() == [])
        #expect(world.journal == journal)
        #expect(await world.catalog.provisionCalls.count == 1)
    }
}
