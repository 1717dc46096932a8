import Foundation
import SandboxCore
import SandboxLocal
import SandboxRuntime
import Testing

/// docs/behaviour.md §4.9: the commit that decided is recorded in the journal before the decisions
/// made from it, once per commit, and survives a replay; `STATUS=` and the metrics name it.
@Suite("the desired state's commit in the journal, STATUS= and the metrics")
struct DesiredRevisionTests {
    private let first = DesiredStateRevision(
        commit: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d",
        committedAt: Date(timeIntervalSince1970: 1_796_119_320),  // 2026-12-01 10:02 UTC
        subject: "Request sandbox for alice"
    )

    @Test("a commit is recorded once, before the pass's decisions; a new commit again; replay keeps it")
    func recordedOncePerCommit() async throws {
        let clock = ManualClock()
        let outbox = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: outbox) }
        let store = InMemoryJournalStore(lineage: "lineage-rev")
        let reconciler = Reconciler(
            store: store,
            state: JournalState(lineage: "lineage-rev"),
            catalog: LocalCatalog(storage: InMemoryCatalogStorage(), clock: clock),
            github: LocalGitHub(outbox: outbox),
            clock: clock
        )
        var desired = flowDesiredState(capacity: 2, requesters: ["alice"])
        desired.revision = first
        _ = try await reconciler.pass(desired: desired)
        _ = try await reconciler.pass(desired: desired)
        var second = first
        second.commit = "ffffffffffffffffffffffffffffffffffffffff"
        desired.revision = second
        _ = try await reconciler.pass(desired: desired)

        let records = store.stored.records
        var replayed = JournalState(lineage: "lineage-rev")
        var revisions: [String] = []
        var firstDecision: Int?
        for (index, payload) in records.enumerated() {
            let event = try JSONDecoder().decode(JournalEvent.self, from: Data(payload))
            if case .desiredRevision(let revision, _) = event { revisions.append(revision.commit) }
            if firstDecision == nil, case .requestSeen = event { firstDecision = index }
            replayed.apply(event)
        }
        #expect(revisions == [first.commit, second.commit])
        #expect(try #require(firstDecision) > 0, "the commit comes before the first decision")
        #expect(replayed.desiredRevision == second)
        #expect(await reconciler.state.desiredRevision == second)
    }

    @Test("the summary names the short commit, its time in UTC and its subject; STATUS= ends with it")
    func summaries() {
        #expect(first.summary == "1a2b3c4 (2026-12-01 10:02 UTC, \"Request sandbox for alice\")")
        var dirty = DesiredStateRevision(commit: first.commit, dirty: true)
        #expect(dirty.summary == "1a2b3c4 (with uncommitted changes)")
        dirty.subject = "line\u{1B}[31m red"
        #expect(!dirty.summary.contains("\u{1B}"))
        var journal = JournalState(lineage: "l")
        journal.apply(.desiredRevision(first, at: Date()))
        #expect(DaemonStatusLine.summary(state: journal, capacity: 2, now: Date()).hasSuffix(", at 1a2b3c4"))
        let metrics = MetricsFile.render(
            journal: journal,
            pool: "default",
            capacity: 2,
            passDuration: 0,
            lastSuccess: nil,
            apiCalls: [:]
        )
        #expect(
            metrics.contains(
                "sandboxd_desired_state_info{pool=\"default\",commit=\"\(first.commit)\",dirty=\"false\"} 1"
            )
        )
        #expect(metrics.contains("sandboxd_desired_state_commit_timestamp_seconds{pool=\"default\"} 1796119320"))
    }
}
