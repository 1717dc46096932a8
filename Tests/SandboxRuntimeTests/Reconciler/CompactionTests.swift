import Foundation
import SandboxCore
import SandboxLocal
import SandboxRuntime
import Testing

@Suite("compaction keeps what matters and forgets what cannot come back")
struct CompactionTests {
    @Test("after compaction the journal replays to the same live state, without ended requests whose files are gone")
    func compactionRoundTrip() async throws {
        let root = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let state = root.appendingPathComponent("state")
        let clock = ManualClock()
        let catalog = LocalCatalog(storage: InMemoryCatalogStorage(), clock: clock)
        let github = LocalGitHub(outbox: root.appendingPathComponent("outbox"))
        var desired = flowDesiredState(capacity: 2, requesters: ["alice", "bob", "carol"], lease: "1h")

        let (journal, contents) = try FileJournal.openForWriting(stateDirectory: state)
        let reconciler = try Reconciler.replaying(
            store: journal,
            snapshot: contents.snapshot?.payload,
            records: contents.records.map { ($0.seq, $0.payload) },
            catalog: catalog,
            github: github,
            clock: clock,
            compactionThreshold: 10
        )
        _ = try await reconciler.pass(desired: desired)
        clock.advance(by: 5)
        _ = try await reconciler.pass(desired: desired)
        // Alice releases; her request ends. Bob's file stays after his lease ends.
        desired.requests[RequestID("req-alice")!] = nil
        for _ in 0..<4 {
            clock.advance(by: 5)
            _ = try await reconciler.pass(desired: desired)
        }
        clock.advance(by: 3_600)
        for _ in 0..<4 {
            clock.advance(by: 5)
            _ = try await reconciler.pass(desired: desired)
        }
        let before = await reconciler.state
        journal.close()
        #expect(before.requests[RequestID("req-bob")!]?.state == .ended)

        let reopened = try #require(try FileJournal.read(stateDirectory: state))
        #expect(reopened.snapshot != nil, "no snapshot was written")
        let replayed = try JournalCodec.replay(reopened)
        #expect(replayed.requests[RequestID("req-alice")!] == nil, "an ended request whose file is gone was kept")
        #expect(replayed.requests[RequestID("req-bob")!]?.state == .ended, "an ended request whose file stays was lost")
        #expect(replayed.requests[RequestID("req-carol")!] == before.requests[RequestID("req-carol")!])
        #expect(replayed.lineage == before.lineage)
    }
}
