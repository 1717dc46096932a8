import Foundation
import SandboxCore
import SandboxLocal
import SandboxRuntime
import SandboxTesting
import Testing

/// Kills the executor after each of its steps in turn, against the real file journal, then lets a
/// clean process finish, and checks the world: no product twice, none leaked, no comment twice.
@Suite("the executor is safe to kill at any step")
struct CrashRecoveryTests {
    struct World {
        let root: URL
        let clock = ManualClock()
        var stateDirectory: URL { root.appendingPathComponent("state") }
        var outbox: URL { root.appendingPathComponent("outbox") }
        let catalogStorage: InMemoryCatalogStorage
        let github: RecordingGitHub

        init() {
            root = makeTemporaryDirectory()
            catalogStorage = InMemoryCatalogStorage()
            github = RecordingGitHub(LocalGitHub(outbox: root.appendingPathComponent("outbox")))
        }

        var catalog: LocalCatalog { LocalCatalog(storage: catalogStorage, clock: clock) }

        /// Runs passes (advancing the clock) with a process that may be killed after step `crashAt`:
        /// its catalog, GitHub and journal are wrapped in crash decorators sharing one ``CrashPoint``.
        /// Returns the number of steps taken and whether it was killed.
        func runProcess(passes: Int, crashAt: Int?, desired: DesiredState) async throws -> (steps: Int, crashed: Bool) {
            let crash = CrashPoint(crashAt: crashAt)
            let (journal, contents) = try FileJournal.openForWriting(stateDirectory: stateDirectory)
            defer { journal.close() }
            let reconciler = try Reconciler.replaying(
                store: CrashingJournalStore(journal, crash: crash),
                snapshot: contents.snapshot?.payload,
                records: contents.records.map { ($0.seq, $0.payload) },
                catalog: CrashingCatalog(catalog, crash: crash),
                github: CrashingGitHub(github, crash: crash),
                clock: clock
            )
            let crashed = try await crash.run {
                for _ in 0..<passes {
                    _ = try await reconciler.pass(desired: desired)
                    if crash.hasCrashed { return }  // a killed process runs no further pass
                    clock.advance(by: 4)
                }
            }
            return (crash.steps, crashed)
        }
    }

    static let desired = flowDesiredState(capacity: 2, requesters: ["alice", "bob", "carol"])

    /// These tests fsync hundreds of journal records: they run on their own executor, off the shared pool.
    static let executor = DispatchTaskExecutor(label: "sandboxd.tests.crash-recovery")

    @Test("a crash after any step k, then a clean run, converges with nothing doubled or leaked")
    func crashAtEveryStep() async throws {
        try await withTaskExecutorPreference(Self.executor) { try await crashAtEveryStepBody() }
    }

    func crashAtEveryStepBody() async throws {
        let reference = World()
        defer { try? FileManager.default.removeItem(at: reference.root) }
        let total = try await reference.runProcess(passes: 4, crashAt: nil, desired: Self.desired).steps
        #expect(total > 20)

        for k in 1...total {
            let world = World()
            defer { try? FileManager.default.removeItem(at: world.root) }
            let first = try await world.runProcess(passes: 4, crashAt: k, desired: Self.desired)
            #expect(first.crashed, "step \(k) was never reached")
            _ = try await world.runProcess(passes: 4, crashAt: nil, desired: Self.desired)

            let simulator = try world.catalogStorage.load()
            let provisionRecords = simulator.records.values.filter { $0.type == "PROVISION_PRODUCT" }
            let names = simulator.products.map(\.name).sorted()
            #expect(names == ["sandbox-req-alice", "sandbox-req-bob"], "after a crash at step \(k)")
            #expect(provisionRecords.count == 2, "two products made for one request after a crash at step \(k)")
            #expect(
                world.github.postsByMarker.values.allSatisfy { $0 == 1 },
                "a comment posted twice after a crash at step \(k): \(world.github.postsByMarker)"
            )
            #expect(
                outboxFiles(world.outbox) == ["req-alice.ready.md", "req-bob.ready.md", "req-carol.queued.md"],
                "after a crash at step \(k)"
            )
        }
    }

    @Test("a crash at any step of expiry and hand-over converges: the ended are gone, the next in line is served")
    func crashDuringExpiry() async throws {
        try await withTaskExecutorPreference(Self.executor) { try await crashDuringExpiryBody() }
    }

    func crashDuringExpiryBody() async throws {
        let desired = flowDesiredState(capacity: 2, requesters: ["alice", "bob", "carol"], lease: "20s")
        let reference = World()
        defer { try? FileManager.default.removeItem(at: reference.root) }
        let total = try await reference.runProcess(passes: 14, crashAt: nil, desired: desired).steps

        for k in stride(from: 1, through: total, by: 1) {
            let world = World()
            defer { try? FileManager.default.removeItem(at: world.root) }
            let first = try await world.runProcess(passes: 14, crashAt: k, desired: desired)
            #expect(first.crashed, "step \(k) was never reached")
            _ = try await world.runProcess(passes: 24, crashAt: nil, desired: desired)

            let simulator = try world.catalogStorage.load()
            let provisions = simulator.records.values.filter { $0.type == "PROVISION_PRODUCT" }
            #expect(Set(provisions.map(\.productId)).count == 3, "after a crash at step \(k)")
            #expect(
                simulator.products.isEmpty,
                "a product leaked after a crash at step \(k): \(simulator.products.map(\.name))"
            )
            #expect(
                world.github.postsByMarker.values.allSatisfy { $0 == 1 },
                "a comment posted twice after a crash at step \(k): \(world.github.postsByMarker)"
            )
            let ended = outboxFiles(world.outbox).filter { $0.hasSuffix(".ended.md") }
            #expect(
                ended == ["req-alice.ended.md", "req-bob.ended.md", "req-carol.ended.md"],
                "after a crash at step \(k)"
            )
        }
    }
}
