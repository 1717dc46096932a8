import Foundation
import SandboxCore
import Testing

/// Rules added after the first planner review (the findings of the planner's table tests).
@Suite("Planner: follow-ups")
struct PlannerFollowUpTests {
    /// A pool that names an organization: membership is checked again at dispense (docs/behaviour.md §3).
    static func organizationPool(capacity: Int = 1) -> PoolConfiguration {
        var pool = makePool(capacity: capacity)
        pool.verification.allowedOrganizations = ["acme"]
        return pool
    }

    static let rows: [PlanRow] = [
        PlanRow(
            "a provisioning call whose answer was lost is adopted by name, not repeated into a duplicate",
            files: [alice],
            journal: [provisioning(alice, accepted: false)],
            live: [product(alice, .underChange, created: at("-1m"))],
            expect: ["adopt a from \(describe(at("-1m"))) provisioning"]
        ),
        PlanRow(
            "a product of that name made for another request is not adopted: the call is repeated",
            files: [alice],
            journal: [provisioning(alice, accepted: false)],
            live: [
                LiveProduct(
                    id: "pp-x",
                    name: "sandbox-a",
                    status: .available,
                    tags: [TagKey.pool: "default", TagKey.request: "zz"]
                )
            ],
            expect: ["provision a#1"]
        ),
        PlanRow(
            "no expiring comment once the lease has ended, while the product is still changing",
            files: [alice],
            journal: [active(alice, from: at("-7d"), until: at("-1s"))],
            live: [product(alice, .underChange)],
            expect: []
        ),
        PlanRow(
            "no expiring comment once the lease has ended, while the products cannot be listed",
            files: [alice],
            journal: [active(alice, from: at("-7d"), until: at("-1s"))],
            live: nil,
            expect: []
        ),
        PlanRow(
            "organizations are checked again for the one about to be dispensed",
            pool: organizationPool(),
            files: [alice],
            journal: [queued(alice, as: verifiedAs(alice))],
            now: at("1h"),
            expect: ["verify a"]
        ),
        PlanRow(
            "a check made moments ago (earlier in the pass) lets it be dispensed",
            pool: organizationPool(),
            files: [alice],
            journal: [queued(alice, as: verifiedAs(alice))],
            now: at("30s"),
            expect: ["provision a#1"]
        ),
        PlanRow(
            "a check GitHub cannot answer yet keeps it queued in its place and serves the next",
            pool: organizationPool(),
            files: [alice, bob],
            journal: [
                queued(alice, as: verifiedAs(alice))
                    + [.verificationDeferred(id: alice.id, reason: "cannot see membership", retryAt: at("2h"))],
                queued(bob, position: 2, as: verifiedAs(bob)) + [
                    .verified(
                        id: bob.id,
                        verification:
                            .verified(userId: userId(of: "bob"), login: "bob", at: at("59m"))
                    )
                ],
            ],
            now: at("1h"),
            expect: ["provision b#1"]
        ),
        PlanRow(
            "without allowed organizations nothing is asked again at dispense",
            pool: makePool(capacity: 1),
            files: [alice],
            journal: [queued(alice, as: verifiedAs(alice))],
            now: at("1h"),
            expect: ["provision a#1"]
        ),
    ]

    @Test("follow-up rules", arguments: rows)
    func followUp(_ row: PlanRow) { row.check() }
}

@Suite("Planner: the brake counts the whole purge")
struct PlannerBrakeFollowUpTests {
    static let rows: [PlanRow] = [
        PlanRow(
            "a removal whose products are still changing counts towards the brake: nothing is released",
            files: [frank],
            journal: [active(alice), active(bob), ended(frank)],
            live: [product(alice), product(bob, .underChange)],
            expect: [],
            brake: true
        ),
        PlanRow(
            "with the allowance, what can be released now is, and the allowance is used",
            files: [frank],
            journal: [active(alice), active(bob), ended(frank)],
            live: [product(alice), product(bob, .underChange)],
            allowMassRelease: true,
            expect: ["terminate a released"],
            usedAllowance: true
        ),
    ]

    @Test("the brake and products still changing", arguments: rows)
    func brake(_ row: PlanRow) { row.check() }
}
