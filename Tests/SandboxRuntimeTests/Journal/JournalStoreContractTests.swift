import Foundation
import SandboxCore
import SandboxRuntime
import Testing

/// One contract, run against every ``JournalStore``: the file journal the daemon uses and the in-memory
/// one tests and `plan` use (terraform's `statemgr.TestFull` pattern).
@Suite("JournalStore contract")
struct JournalStoreContractTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case file
        case memory
        var testDescription: String { rawValue }
    }

    /// A fresh store of `kind`, and a way to clean up.
    func makeStore(_ kind: Kind) throws -> (store: any JournalStore, cleanup: () -> Void) {
        switch kind {
        case .file:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("contract-\(UUID())")
            let (journal, _) = try FileJournal.openForWriting(stateDirectory: directory)
            return (
                journal,
                {
                    journal.close()
                    try? FileManager.default.removeItem(at: directory)
                }
            )
        case .memory:
            return (InMemoryJournalStore(lineage: UUID().uuidString.lowercased()), {})
        }
    }

    @Test("sequence numbers rise by one from 1", arguments: Kind.allCases)
    func sequenceNumbers(kind: Kind) async throws {
        let (store, cleanup) = try makeStore(kind)
        defer { cleanup() }
        var seqs: [UInt64] = []
        for n in 0..<5 { seqs.append(try await store.append(Array("record \(n)".utf8))) }
        #expect(seqs == [1, 2, 3, 4, 5])
    }

    @Test("the lineage is a non-empty id that does not change", arguments: Kind.allCases)
    func lineage(kind: Kind) async throws {
        let (store, cleanup) = try makeStore(kind)
        defer { cleanup() }
        let lineage = store.lineage
        #expect(!lineage.isEmpty)
        _ = try await store.append([1, 2, 3])
        try await store.compact(snapshot: [4])
        #expect(store.lineage == lineage)
    }

    @Test("a reconciler's state replays the same from what the store holds", arguments: Kind.allCases)
    func replay(kind: Kind) async throws {
        let (store, cleanup) = try makeStore(kind)
        defer { cleanup() }
        var state = JournalState(lineage: store.lineage)
        let spec = RequestSpec(id: RequestID("a")!, requester: "alice", pullRequest: 1)
        let events: [JournalEvent] = [
            .requestSeen(spec: spec, at: Date(timeIntervalSince1970: 1_000)),
            .verified(id: spec.id, verification: .skipped(at: Date(timeIntervalSince1970: 1_001))),
            .admitted(id: spec.id),
        ]
        var records: [(seq: UInt64, payload: [UInt8])] = []
        for event in events {
            let payload = try JournalCodec.encode(event)
            records.append((try await store.append(payload), payload))
            state.apply(event)
        }
        let replayed = try JournalCodec.replay(lineage: store.lineage, snapshot: nil, records: records)
        #expect(replayed == state)
        let snapshot = try JournalCodec.encodeSnapshot(state)
        try await store.compact(snapshot: snapshot)
        #expect(try JournalCodec.replay(lineage: store.lineage, snapshot: snapshot, records: []) == state)
        #expect(try await store.append([9]) == 4)
    }
}
