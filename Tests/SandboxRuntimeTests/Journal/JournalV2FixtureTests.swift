import Foundation
import SandboxCore
import SandboxRuntime
import Testing

/// A journal written in snapshot format 2 (before a request's record was an enum of phases and
/// before one termination model served requests and orphans alike) still replays to the same
/// observable states. The fixture `Fixtures/journal-v2` was written by that version from a
/// planner-world run: an orphan whose termination keeps failing, a released request whose
/// termination failed twice, a quarantined slot, and an active lease that was warned it expires.
/// `snapshot.json` was taken once the three sandboxes were active; `expected-state.json` at the end.
@Suite("a format-2 journal still replays")
struct JournalV2FixtureTests {
    static let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/journal-v2/\(name)", withExtension: nil))
        return Array(try Data(contentsOf: url))
    }

    static func records(_ name: String) throws -> [(seq: UInt64, payload: [UInt8])] {
        let lines = try fixture(name).split(separator: UInt8(ascii: "\n"))
        return lines.enumerated().map { (UInt64($0.offset + 1), Array($0.element)) }
    }

    /// What `status`, the comments and the planner see of each request and termination, as recorded
    /// from the run of the version that wrote the fixture.
    static let expected = [
        "a=terminating end=released product=sandbox-a/pp-1 leaseEnd=t0+604800 reason=-",
        "b=quarantined end=released product=sandbox-b/pp-2 leaseEnd=t0+604800 "
            + "reason=terminating pp-2 failed 5 times: DELETE_FAILED: a resource would not delete",
        "c=active end=- product=sandbox-c/pp-3 leaseEnd=t0+172800 reason=- warned=t0+172800 warnings=1",
        "terminating pp-1 for a (released): 2 failures, DELETE_FAILED: a resource would not delete",
        "terminating pp-2 for b (released): 5 failures, DELETE_FAILED: a resource would not delete",
        "terminating pp-stray-zz, the orphan sandbox-zz: 10 failures, retry at t0+100500",
    ]

    static func offset(_ date: Date?) -> String {
        date.map { "t0+\(Int($0.timeIntervalSince(t0)))" } ?? "-"
    }

    /// The observable facts of `state`, in the words of ``expected``.
    static func observed(_ state: JournalState) -> [String] {
        var lines: [String] = []
        var terminations: [String] = []
        for record in state.recordsInOrder {
            var line = "\(record.id)=\(record.state.rawValue) end=\(record.endReason?.rawValue ?? "-") "
            line += "product=\(record.productName ?? "-")/\(record.productId ?? "-") "
            line += "leaseEnd=\(offset(record.leaseEnd)) reason=\(record.reason ?? "-")"
            if record.expiryWarnings > 0 {
                line += " warned=\(offset(record.warnedLeaseEnd)) warnings=\(record.expiryWarnings)"
            }
            lines.append(line)
            if let termination = state.termination(ownedBy: record.id),
                case .request(_, let purpose) = termination.owner
            {
                terminations.append(
                    "terminating \(termination.productId) for \(record.id) (\(purpose.rawValue)): "
                        + "\(termination.failures) failures, \(termination.lastError ?? "-")"
                )
            }
        }
        for termination in state.terminations.values.sorted(by: { $0.productId < $1.productId }) {
            guard case .orphan(let name) = termination.owner else { continue }
            terminations.append(
                "terminating \(termination.productId), the orphan \(name): \(termination.failures) failures, "
                    + "retry at \(offset(termination.retryAt))"
            )
        }
        return lines + terminations
    }

    @Test("the records replay to what the run that wrote them saw")
    func recordsReplay() throws {
        let state = try JournalCodec.replay(
            lineage: "lineage-1",
            snapshot: nil,
            records: try Self.records("records.jsonl")
        )
        #expect(Self.observed(state) == Self.expected)
        let final = try JournalCodec.replay(
            lineage: "lineage-1",
            snapshot: try Self.fixture("expected-state.json"),
            records: []
        )
        // Format 2 kept no last error for an orphan; everything the planner, `status` and the comments read is equal.
        #expect(Self.observed(final) == Self.expected)
    }

    @Test("the snapshot and the records after it replay to the same state")
    func snapshotReplay() throws {
        let state = try JournalCodec.replay(
            lineage: "lineage-1",
            snapshot: try Self.fixture("snapshot.json"),
            records: try Self.records("records-after-snapshot.jsonl")
        )
        #expect(Self.observed(state) == Self.expected)
        let atSnapshot = try JournalCodec.replay(
            lineage: "lineage-1",
            snapshot: try Self.fixture("snapshot.json"),
            records: []
        )
        #expect(
            atSnapshot.recordsInOrder.map { "\($0.id)=\($0.state.rawValue)" } == ["a=active", "b=active", "c=active"]
        )
    }
}
