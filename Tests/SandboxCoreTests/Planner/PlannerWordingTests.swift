import Foundation
import SandboxCore
import Testing

/// The reasons `plan` and the logs give say what is true (docs/behaviour.md §4.1): how many slots are in use,
/// whether a requester was verified or the check skipped, times in RFC 3339, counts with the right noun.
@Suite("Planner: the words of its reasons")
struct PlannerWordingTests {
    static func reasons(_ row: PlanRow) -> [String: String] {
        Dictionary(Planner.plan(row.input).actions.map { ($0.summary, $0.reason) }) { first, _ in first }
    }

    @Test("a free slot says how many of the pool's slots are in use, counting the ones given this round")
    func slotsInUse() {
        let row = PlanRow(
            "two free slots",
            pool: makePool(capacity: 2),
            files: [alice, bob],
            journal: [queued(alice), queued(bob)],
            expect: []
        )
        let reasons = Self.reasons(row)
        #expect(reasons["provision a#1"] == "a slot is free (0 of 2 in use)")
        #expect(reasons["provision b#1"] == "a slot is free (1 of 2 in use)")
    }

    @Test("an admission says verified, or that the check was skipped")
    func admission() {
        let checked = PlanRow("verified", files: [alice], journal: [verified(alice)], expect: [])
        #expect(Self.reasons(checked)["queue a"] == "verified")
        let skipped = PlanRow(
            "skipped",
            files: [alice],
            journal: [pending(alice) + [.verified(id: alice.id, verification: .skipped(at: t0))]],
            expect: []
        )
        #expect(Self.reasons(skipped)["queue a"] == "verification skipped")
    }

    @Test("a lease's end is written in RFC 3339")
    func leaseEnd() {
        let row = PlanRow(
            "expired",
            files: [alice],
            journal: [active(alice)],
            live: [product(alice)],
            now: at("8d"),
            expect: []
        )
        let reason = Planner.plan(row.input).actions.first { $0.summary.hasPrefix("terminate a") }?.reason
        #expect(reason?.hasPrefix("the lease ended at 20") == true)
        #expect(reason?.hasSuffix("Z") == true)
        #expect(reason?.contains("+0000") == false)
    }

    @Test("a count takes the noun's plural unless it is one")
    func counted() {
        #expect(Counted.phrase(0, "request") == "0 requests")
        #expect(Counted.phrase(1, "request") == "1 request")
        #expect(Counted.phrase(3, "problem") == "3 problems")
        #expect(Counted.phrase(2, "proxy", plural: "proxies") == "2 proxies")
    }
}
