import Foundation
import SandboxCore
import SandboxLocal
import SandboxRuntime
import Testing

/// "The operators have been told" is a typed problem (docs/behaviour.md §11.1): a quarantined slot is
/// `sandbox-quarantined` in every pass while it lasts, a request that failed is `provisioning-failed` in the
/// pass it failed in; both name the request and reach the log, `status`, `STATUS=` and the metrics.
@Suite("quarantined slots and failed requests are problems the operator sees")
struct OperatorProblemTests {
    /// Passes, `step` seconds apart, until `done` holds of the state (at most `limit` passes).
    static func pass(
        _ reconciler: Reconciler,
        _ desired: DesiredState,
        clock: ManualClock,
        step: TimeInterval = 600,
        limit: Int = 60,
        until done: (JournalState) -> Bool
    ) async throws -> [PassReport] {
        var reports: [PassReport] = []
        for _ in 0..<limit {
            reports.append(try await reconciler.pass(desired: desired))
            if done(await reconciler.state) { return reports }
            clock.advance(by: step)
        }
        Issue.record("the state never got there")
        return reports
    }

    static func reconciler(faults: [String: String], clock: ManualClock, outbox: URL) -> Reconciler {
        Reconciler(
            store: InMemoryJournalStore(lineage: "l"),
            state: JournalState(lineage: "l"),
            catalog: LocalCatalog(storage: InMemoryCatalogStorage(), clock: clock, faults: { faults }),
            github: LocalGitHub(outbox: outbox),
            clock: clock
        )
    }

    @Test("a quarantined slot is a sandbox-quarantined problem in every pass until its product is gone")
    func quarantine() async throws {
        let clock = ManualClock()
        let outbox = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: outbox) }
        let reconciler = Self.reconciler(faults: ["sandbox-req-alice": "fail-terminate"], clock: clock, outbox: outbox)
        let id = RequestID("req-alice")!
        let desired = flowDesiredState(capacity: 1, requesters: ["alice"], lease: "1h")
        let reports = try await Self.pass(reconciler, desired, clock: clock) { $0.requests[id]?.state == .quarantined }
        let problem = try #require(reports.last?.problems.first { $0.kind == .sandboxQuarantined })
        #expect(problem.request == id)
        #expect(problem.message.hasPrefix("the slot is quarantined (terminating "))
        #expect(problem.message.hasSuffix("in AWS: the slot frees itself once it is gone"))
        #expect(reports.dropLast().allSatisfy { !$0.problems.contains { $0.kind == .sandboxQuarantined } })
        #expect(reports.last?.exitCode == 1)

        clock.advance(by: 3_600)
        let later = try await reconciler.pass(desired: desired)
        #expect(later.problems.filter { $0.kind == .sandboxQuarantined }.map(\.request) == [id])
        #expect(later.problemCounts[.sandboxQuarantined] == 1)
        #expect(later.statusFragment?.contains("sandbox-quarantined") == true)
    }

    @Test("a request that failed is a provisioning-failed problem in the pass it failed in, not after")
    func failure() async throws {
        let clock = ManualClock()
        let outbox = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: outbox) }
        let reconciler = Self.reconciler(faults: ["sandbox-req-bob": "fail-provision"], clock: clock, outbox: outbox)
        let id = RequestID("req-bob")!
        let desired = flowDesiredState(capacity: 1, requesters: ["bob"])
        let reports = try await Self.pass(reconciler, desired, clock: clock) { $0.requests[id]?.state == .failed }
        let failed = reports.last?.problems.filter { $0.kind == .provisioningFailed } ?? []
        #expect(failed.map(\.request) == [id])
        #expect(failed.first?.message.hasPrefix("provisioning failed (") == true)
        #expect(reports.dropLast().allSatisfy { !$0.problems.contains { $0.kind == .provisioningFailed } })

        clock.advance(by: 600)
        let later = try await reconciler.pass(desired: desired)
        #expect(!later.problems.contains { $0.kind == .provisioningFailed })
    }
}
