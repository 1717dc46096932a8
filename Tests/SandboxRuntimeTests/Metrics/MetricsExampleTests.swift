import Foundation
import SandboxCore
@testable import SandboxRuntime
import Testing

/// `docs/examples/sandboxd.prom` is what the daemon writes (docs/behaviour.md §8) for the journal of the
/// format-2 fixture three days in: one lease active and overdue, one terminating, one slot quarantined.
/// `.ci/run` checks that file with `promtool check metrics`, so the exposition the code writes is checked
/// by Prometheus's own linter, and `docs/alerts.yml` names these metrics.
@Suite("the metrics file")
struct MetricsExampleTests {
    static let t0 = JournalV2FixtureTests.t0

    /// The repository's `docs/examples/sandboxd.prom`.
    static var example: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/examples/sandboxd.prom")
    }

    static func rendered() throws -> String {
        let state = try JournalCodec.replay(
            lineage: "lineage-1",
            snapshot: nil,
            records: try JournalV2FixtureTests.records("records.jsonl")
        )
        let now = t0.addingTimeInterval(3 * 86_400)
        return MetricsFile.render(
            journal: state,
            pool: "default",
            capacity: 3,
            passDuration: 0.412,
            lastSuccess: t0.addingTimeInterval(2 * 86_400),
            problems: Dictionary(uniqueKeysWithValues: PassProblem.Kind.allCases.map { ($0, 0) })
                .merging([.sandboxQuarantined: 1]) { $1 },
            apiCalls: [
                APICallCounter.Key(
                    service: "servicecatalog",
                    operation: "SearchProvisionedProducts",
                    outcome: "success"
                ):
                    12,
                APICallCounter.Key(
                    service: "servicecatalog",
                    operation: "TerminateProvisionedProduct",
                    outcome: "other"
                ):
                    5,
                APICallCounter.Key(service: "github", operation: "postComment", outcome: "success"): 4,
            ],
            schedule: ScheduleGauges(
                nextWake: now.addingTimeInterval(60),
                outboxLength: 0,
                lateness: [.warning: 0.25, .termination: 1.5]
            ),
            now: now
        )
    }

    @Test("docs/examples/sandboxd.prom is what the daemon writes")
    func exampleIsCurrent() throws {
        let text = try Self.rendered()
        // SANDBOXD_WRITE_EXAMPLES=1 swift test --filter MetricsExampleTests writes it after a change of the metrics.
        if ProcessInfo.processInfo.environment["SANDBOXD_WRITE_EXAMPLES"] == "1" {
            try text.write(to: Self.example, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOf: Self.example, encoding: .utf8)
        #expect(committed == text, "run with SANDBOXD_WRITE_EXAMPLES=1 to write docs/examples/sandboxd.prom")
    }

    @Test("a lease past its end with its product still there is overdue; the earliest lease end is exported")
    func overdue() throws {
        let lines = try Self.rendered().split(separator: "\n").map(String.init)
        #expect(lines.contains("sandboxd_overdue_leases{pool=\"default\"} 1"))
        let earliest = Int(Self.t0.timeIntervalSince1970) + 172_800
        #expect(lines.contains("sandboxd_earliest_lease_end_timestamp_seconds{pool=\"default\"} \(earliest)"))
        #expect(lines.contains("sandboxd_sandboxes{pool=\"default\",state=\"quarantined\"} 1"))
        #expect(lines.contains("sandboxd_pass_problems{pool=\"default\",kind=\"sandbox-quarantined\"} 1"))
        let empty = MetricsFile.render(
            journal: JournalState(lineage: "l"),
            pool: "p",
            capacity: 1,
            passDuration: 0,
            lastSuccess: nil,
            apiCalls: [:],
            now: Self.t0
        )
        #expect(empty.contains("sandboxd_overdue_leases{pool=\"p\"} 0\n"))
        #expect(empty.contains("sandboxd_earliest_lease_end_timestamp_seconds{pool=\"p\"} NaN\n"))
    }
}
