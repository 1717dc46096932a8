import Foundation
import SandboxCore
import SandboxHA
import SandboxRuntime
import Testing

/// Issue 17: each replica keeps the records it has seen in a local file journal, and a takeover reads from the
/// table only what came after it; the table stays the authority (docs/behaviour.md §12.2). Against moto's DynamoDB.
@Suite("HA journal cache (moto's DynamoDB)")
struct JournalCacheTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func payload(_ n: Int) -> [UInt8] { Array("record \(n)".utf8) }

    static func stateDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("ha-cache-\(UUID().uuidString)")
    }

    @Test("a standby's cache: the takeover reads only the records after its last one, and the leader keeps it")
    func takeoverReadsTheTail() async throws {
        guard let url = MotoDynamoDB.url("HA cache takeover") else { return }
        let table = try await MotoDynamoDB.freshTable(url)
        let (dirA, dirB) = (Self.stateDirectory(), Self.stateDirectory())
        defer { for dir in [dirA, dirB] { try? FileManager.default.removeItem(at: dir) } }
        let cacheA = HAJournalCache(stateDirectory: dirA)
        let termA = try #require(try await HALease(table: table, replica: "a", duration: 15).acquire(now: start))
        let (storeA, _) = try await HAJournal.open(table: table, term: termA, cache: cacheA)
        _ = try await storeA.append(contentsOf: (1...30).map(Self.payload))
        #expect(cacheA.lastSeq == 30)

        // The standby reads what the leader wrote so far, then the leader goes on.
        let cacheB = HAJournalCache(stateDirectory: dirB)
        let seen = try #require(try await cacheB.synchronize(table: table))
        #expect(seen.recordsRead == 30 && seen.contents.records.map(\.seq) == Array(1...30))
        _ = try await storeA.append(contentsOf: (31...40).map(Self.payload))

        let b = HALease(table: table, replica: "b", duration: 15)
        let termB = try #require(try await b.acquire(now: start.addingTimeInterval(16)))
        let (storeB, contents) = try await HAJournal.open(table: table, term: termB, cache: cacheB)
        let report = try #require(cacheB.lastReport)
        // Record 30 (compared with the cache's) and the ten after it: one Query from record 30 on.
        #expect(report.recordsRead == 11 && !report.readSnapshot && report.discarded == nil)
        #expect(contents.lineage == storeA.lineage)
        #expect(contents.records.map(\.payload) == (1...40).map(Self.payload))
        #expect(try await storeB.append(Self.payload(41)) == 41)
        #expect(cacheB.lastSeq == 41)

        // A restart of b finds its cache on disk: one record read, to compare.
        cacheB.close()
        let restarted = HAJournalCache(stateDirectory: dirB)
        let again = try #require(try await restarted.synchronize(table: table))
        #expect(again.recordsRead == 1 && again.discarded == nil)
        let table41 = try #require(try await HAJournal.read(table: table)).contents
        #expect(again.contents == table41)
    }

    @Test("a cache behind the last compaction starts again from the table's snapshot")
    func behindTheCompaction() async throws {
        guard let url = MotoDynamoDB.url("HA cache behind") else { return }
        let table = try await MotoDynamoDB.freshTable(url)
        let dir = Self.stateDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let term = try #require(try await HALease(table: table, replica: "a", duration: 15).acquire(now: start))
        let (store, _) = try await HAJournal.open(table: table, term: term)
        _ = try await store.append(contentsOf: (1...5).map(Self.payload))
        let cache = HAJournalCache(stateDirectory: dir)
        _ = try await cache.synchronize(table: table)
        _ = try await store.append(contentsOf: (6...10).map(Self.payload))
        try await store.compact(snapshot: Array("at ten".utf8))
        _ = try await store.append(contentsOf: (11...12).map(Self.payload))

        let synced = try #require(try await cache.synchronize(table: table))
        #expect(synced.readSnapshot && synced.discarded == nil)
        #expect(synced.contents == (try #require(try await HAJournal.read(table: table)).contents))
        #expect(synced.contents.snapshot?.seq == 10 && synced.contents.records.map(\.seq) == [11, 12])
        // From then on the tail only, across the local snapshot's numbering.
        _ = try await store.append(Self.payload(13))
        let tail = try #require(try await cache.synchronize(table: table))
        #expect(tail.recordsRead == 2 && !tail.readSnapshot)
        #expect(tail.contents.records.map(\.seq) == [11, 12, 13])
    }

    @Test("a cache that disagrees with the table — another lineage, a different record — is discarded and rebuilt")
    func disagreement() async throws {
        guard let url = MotoDynamoDB.url("HA cache disagreement") else { return }
        let dir = Self.stateDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try await MotoDynamoDB.freshTable(url)
        let term = try #require(try await HALease(table: first, replica: "a", duration: 15).acquire(now: start))
        let (store, _) = try await HAJournal.open(table: first, term: term)
        _ = try await store.append(contentsOf: (1...5).map(Self.payload))
        let cache = HAJournalCache(stateDirectory: dir)
        _ = try await cache.synchronize(table: first)

        // Record 5 in the table is not what the cache copied (the table is the authority).
        var changed = first.key("record#" + String(repeating: "0", count: 19) + "5")
        changed["payload"] = .binary(Array("rewritten".utf8))
        _ = try await first.client.call(
            .putItem,
            ["TableName": .string(first.name), "Item": changed.json],
            safeToRepeat: true
        )
        let rebuilt = try #require(try await cache.synchronize(table: first))
        #expect(rebuilt.discarded?.contains("record 5 is not the table's") == true)
        #expect(rebuilt.contents.records.last?.payload == Array("rewritten".utf8))
        #expect(rebuilt.contents == (try #require(try await HAJournal.read(table: first)).contents))

        // Another table (another lineage) in the same state directory.
        let second = try await MotoDynamoDB.freshTable(url)
        let other = try #require(try await HALease(table: second, replica: "a", duration: 15).acquire(now: start))
        let (otherStore, _) = try await HAJournal.open(table: second, term: other)
        _ = try await otherStore.append(Self.payload(100))
        let replaced = try #require(try await cache.synchronize(table: second))
        #expect(replaced.discarded?.contains("lineage \(store.lineage)") == true)
        #expect(replaced.contents.records.map(\.payload) == [Self.payload(100)])
        #expect(replaced.contents.lineage == otherStore.lineage)
    }

    @Test("a cache the disk refuses is no cache: the journal goes on in the table, and the takeover reads it all")
    func diskRefuses() async throws {
        guard let url = MotoDynamoDB.url("HA cache refused") else { return }
        let table = try await MotoDynamoDB.freshTable(url)
        // A state directory that is a file: nothing can be created in it.
        let file = Self.stateDirectory()
        try Data("not a directory".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let cache = HAJournalCache(stateDirectory: file)
        let term = try #require(try await HALease(table: table, replica: "a", duration: 15).acquire(now: start))
        let (store, _) = try await HAJournal.open(table: table, term: term, cache: cache)
        #expect(try await store.append(contentsOf: (1...3).map(Self.payload)) == 3)
        try await store.compact(snapshot: Array("three".utf8))
        #expect(try await store.append(Self.payload(4)) == 4)
        #expect(cache.lastSeq == 0)
        let synced = try #require(try await cache.synchronize(table: table))
        let inTable = try #require(try await HAJournal.read(table: table)).contents
        #expect(synced.readSnapshot && synced.contents == inTable)
    }
}
