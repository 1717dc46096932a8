import Foundation
import SandboxCore
import SandboxHA
import SandboxRuntime
import Testing

/// The journal in the HA table against moto's DynamoDB: appends fenced by the lease, replay by a new leader,
/// compaction, and `ha import`.
@Suite("HA journal (moto's DynamoDB)")
struct FencedJournalTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func payload(_ n: Int) -> [UInt8] { Array("record \(n)".utf8) }

    @Test(
        "a new leader replays what the old one wrote and goes on; the deposed leader's append fails and stores nothing"
    )
    func deposedLeader() async throws {
        guard let url = MotoDynamoDB.url("HA deposed leader") else { return }
        let table = try await MotoDynamoDB.freshTable(url)
        let a = HALease(table: table, replica: "a", duration: 15)
        let b = HALease(table: table, replica: "b", duration: 15)

        let termA = try #require(try await a.acquire(now: start))
        let (storeA, empty) = try await HAJournal.open(table: table, term: termA)
        #expect(empty.records.isEmpty)
        #expect(try await storeA.append(Self.payload(1)) == 1)
        #expect(try await storeA.append(contentsOf: (2...30).map(Self.payload)) == 30)

        let termB = try #require(try await b.acquire(now: start.addingTimeInterval(16)))
        let (storeB, contents) = try await HAJournal.open(table: table, term: termB)
        #expect(contents.lineage == storeA.lineage)
        #expect(contents.records.map(\.seq) == Array(1...30))
        #expect(contents.records.map(\.payload) == (1...30).map(Self.payload))

        // The old leader, back from a pause, tries to record an intent: refused, and refused for good.
        await #expect(throws: HAJournalError.self) { try await storeA.append(Self.payload(99)) }
        #expect(storeA.isDeposed)
        await #expect(throws: HAJournalError.self) { try await storeA.compact(snapshot: [1]) }

        #expect(try await storeB.append(Self.payload(31)) == 31)
        let after = try #require(try await HAJournal.read(table: table)).contents
        #expect(after.records.map(\.payload) == (1...31).map(Self.payload))
    }

    @Test("compaction: a snapshot in parts, the folded records deleted, later records replayed after it")
    func compaction() async throws {
        guard let url = MotoDynamoDB.url("HA compaction") else { return }
        let table = try await MotoDynamoDB.freshTable(url)
        let lease = HALease(table: table, replica: "a", duration: 15)
        let term = try #require(try await lease.acquire(now: start))
        let (store, _) = try await HAJournal.open(table: table, term: term)
        _ = try await store.append(contentsOf: (1...5).map(Self.payload))
        // Bigger than one item holds: stored in parts.
        let snapshot = (0..<700_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try await store.compact(snapshot: snapshot)
        _ = try await store.append(contentsOf: (6...7).map(Self.payload))
        try await store.compact(snapshot: Array("second".utf8))
        #expect(try await store.append(Self.payload(8)) == 8)

        let contents = try #require(try await HAJournal.read(table: table)).contents
        #expect(contents.snapshot == JournalSnapshot(seq: 7, payload: Array("second".utf8)))
        #expect(contents.records == [JournalRecord(seq: 8, payload: Self.payload(8))])

        // Only the journal item, the lease, one snapshot part and record 8 are left.
        let items = try await table.client.call(
            .query,
            [
                "TableName": .string(table.name), "KeyConditionExpression": .string("pool = :p"),
                "ExpressionAttributeValues": .object([":p": AttributeValue.string("default").json]),
                "ConsistentRead": .bool(true),
            ],
            safeToRepeat: true
        )
        let names = (items["Items"]?.arrayValue ?? []).compactMap { $0["item"]?["S"]?.stringValue }.sorted()
        #expect(
            names == [
                "journal", "lease", "record#00000000000000000008", "snapshot#00000000000000000002#000000",
            ]
        )
    }

    @Test("ha import: a file journal's state becomes the table's, same lineage; a second import is refused")
    func importing() async throws {
        guard let url = MotoDynamoDB.url("HA import") else { return }
        let table = try await MotoDynamoDB.freshTable(url)
        let lease = HALease(table: table, replica: "importer", duration: 15)
        let term = try #require(try await lease.acquire(now: start))
        let spec = RequestSpec(id: try #require(RequestID("alice")), requester: "alice", pullRequest: 7)
        let events: [JournalEvent] = [.requestSeen(spec: spec, at: start), .admitted(id: spec.id)]
        let contents = JournalContents(
            lineage: "lineage-from-the-file",
            snapshot: nil,
            records: try events.enumerated().map {
                JournalRecord(seq: UInt64($0 + 1), payload: try JournalCodec.encode($1))
            },
            warnings: []
        )
        #expect(try await HAJournal.importing(contents, into: table, term: term) == 2)
        let (store, imported) = try await HAJournal.open(table: table, term: term)
        #expect(store.lineage == "lineage-from-the-file")
        #expect(try JournalCodec.replay(imported) == JournalCodec.replay(contents))
        await #expect(throws: HAJournalError.self) { try await HAJournal.importing(contents, into: table, term: term) }
    }
}
