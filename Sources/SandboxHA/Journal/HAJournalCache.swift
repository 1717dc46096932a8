public import Foundation
public import SandboxRuntime
import SandboxLocking

/// The replica's local copy of the table's journal (docs/behaviour.md §12.2), in `<state-dir>/ha-journal-cache/`:
/// a ``FileJournal`` holding the records the replica has seen — appended as leader, read as standby or at
/// takeover — so that a takeover reads from the table only what came after it.
///
/// The table stays the authority. The cache names what it copies (the table, the pool, the journal's lineage and
/// the table's sequence number its own numbers start after) in `origin.json`; a cache of another table, pool or
/// lineage, one whose last record is not the table's record of that number, or one behind the table's last
/// compaction is rebuilt from the table's snapshot. A cache that cannot be written is dropped (the next takeover
/// rebuilds it): it never fails the journal.
///
/// The file journal numbers its records from 1, the table from after its snapshot: a cache rebuilt from a snapshot
/// at table seq `S` holds a placeholder record 1 and its own snapshot at 1, so local seq `n` is table seq
/// `n + S - 1` (``Origin/offset``).
public final class HAJournalCache: Sendable {
    /// What the cache copies, and how its numbers map to the table's.
    struct Origin: Codable, Hashable, Sendable {
        var table: String
        var pool: String
        var lineage: String
        /// Table seq = local seq + offset.
        var offset: UInt64
        /// The table's snapshot generation the cache's own snapshot matches (0: none).
        var generation: UInt64
    }

    /// One synchronization's result.
    public struct Synchronized: Sendable {
        /// The journal, in the table's sequence numbers.
        public var contents: JournalContents
        /// The table's snapshot generation.
        public var generation: UInt64
        /// How many records were read from the table.
        public var recordsRead: Int
        /// Whether the table's snapshot was read (the cache was empty, behind the last compaction, or rebuilt).
        public var readSnapshot: Bool
        /// Why the cache was discarded and rebuilt, when it disagreed with the table (logged once by the caller).
        public var discarded: String?
    }

    private struct State {
        var journal: FileJournal?
        var origin: Origin?
        /// The payload of the cache's last record, to compare with the table's.
        var lastPayload: [UInt8]?
        /// The table seq of the cache's last record (or of its snapshot).
        var lastSeq: UInt64 = 0
    }

    /// What the last ``synchronize(table:)`` read and why, for the log.
    public struct Report: Sendable, Hashable {
        public var recordsRead: Int
        public var readSnapshot: Bool
        public var discarded: String?
    }

    private let reported = Locked<Report?>(nil)

    /// What the last ``synchronize(table:)`` did.
    public var lastReport: Report? { reported.withLock { $0 } }

    /// The cache's directory (a state directory of its own for the file journal, with its own lock).
    public let directory: URL
    private let state = Locked(State())

    /// The cache in `stateDirectory` (the replica's `--state-dir`).
    public init(stateDirectory: URL) {
        directory = stateDirectory.appendingPathComponent("ha-journal-cache", isDirectory: true)
    }

    var originFile: URL { directory.appendingPathComponent("origin.json") }

    /// The table seq of the last record the cache holds (`0` when it holds nothing usable).
    public var lastSeq: UInt64 { state.withLock { $0.origin == nil ? 0 : $0.lastSeq } }

    /// Brings the cache up to the table and returns the table's journal: the journal item, then only the records
    /// after the cache's last one (its last one included, to compare), or the snapshot and the records after it
    /// when the cache cannot be used. `nil` when the table holds no journal for the pool.
    public func synchronize(table: HATable) async throws(HAJournalError) -> Synchronized? {
        var attempts = 0
        while true {
            attempts += 1
            do throws(HAJournalError) {
                let done = try await synchronizeOnce(table: table)
                reported.withLock { report in
                    report = done.map {
                        Report(recordsRead: $0.recordsRead, readSnapshot: $0.readSnapshot, discarded: $0.discarded)
                    }
                }
                return done
            } catch {
                // A compaction between the journal item's read and the records' deleted what the item named: read
                // the item again. Damage that stays is refused as in HAJournal.read.
                guard case .corrupted = error, attempts < 3 else { throw error }
            }
        }
    }

    private func synchronizeOnce(table: HATable) async throws(HAJournalError) -> Synchronized? {
        let opened = openIfNeeded()
        guard let head = try await HAJournal.readHead(table: table) else {
            if opened.origin != nil { drop() }
            return nil
        }
        let wanted = (table: table.name, pool: table.pool, lineage: head.lineage)
        var discarded: String?
        if let origin = opened.origin {
            if (origin.table, origin.pool, origin.lineage) != wanted {
                discarded =
                    "it copies pool \(origin.pool) of table \(origin.table), lineage \(origin.lineage); the table "
                    + "holds lineage \(head.lineage) for pool \(table.pool)"
            } else if opened.lastSeq > head.snapshotSeq {
                if let tail = try await tail(table: table, after: opened, head: head) { return tail }
                discarded = "its record \(opened.lastSeq) is not the table's"
            } else if opened.lastSeq == head.snapshotSeq, origin.generation == head.generation {
                let records = try await HAJournal.readRecords(table: table, after: head.snapshotSeq)
                append(records)
                if let done = synchronized(head: head, read: records.count, snapshot: false, discarded: nil) {
                    return done
                }
            }
        } else if let problem = opened.problem {
            discarded = problem
        }
        return try await rebuild(table: table, head: head, discarded: discarded)
    }

    /// The records after the cache's last one, if the table's record of that number is the cache's.
    private func tail(
        table: HATable,
        after opened: (origin: Origin?, lastSeq: UInt64, lastPayload: [UInt8]?, problem: String?),
        head: HAJournal.Head
    ) async throws(HAJournalError) -> Synchronized? {
        guard let last = opened.lastPayload else { return nil }
        let records = try await HAJournal.readRecords(table: table, after: opened.lastSeq - 1)
        guard let first = records.first, first.seq == opened.lastSeq, first.payload == last else { return nil }
        append(Array(records.dropFirst()))
        return synchronized(head: head, read: records.count, snapshot: false, discarded: nil)
    }

    /// Starts the cache afresh from the table's snapshot and the records after it.
    private func rebuild(
        table: HATable,
        head: HAJournal.Head,
        discarded: String?
    ) async throws(HAJournalError) -> Synchronized {
        let snapshot = try await HAJournal.readSnapshot(table: table, head: head)
        let records = try await HAJournal.readRecords(table: table, after: head.snapshotSeq)
        drop()
        let uncached = Synchronized(
            contents: JournalContents(lineage: head.lineage, snapshot: snapshot, records: records, warnings: []),
            generation: head.generation,
            recordsRead: records.count,
            readSnapshot: true,
            discarded: discarded
        )
        // A snapshot at seq 0 (an empty journal imported) has no local number: no cache until the next takeover.
        if snapshot?.seq == 0 { return uncached }
        let origin = Origin(
            table: table.name,
            pool: table.pool,
            lineage: head.lineage,
            offset: snapshot == nil ? 0 : head.snapshotSeq - 1,
            generation: snapshot == nil ? 0 : head.generation
        )
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let (journal, _) = try FileJournal.openForWriting(stateDirectory: directory)
            if let snapshot {
                _ = try journal.append([])
                try journal.compact(snapshot: snapshot.payload)
            }
            try JSONEncoder().encode(origin).write(to: originFile, options: .atomic)
            state.withLock { state in
                state = State(journal: journal, origin: origin, lastPayload: nil, lastSeq: head.snapshotSeq)
            }
        } catch {
            // The disk refuses: the replica goes on without a cache, from what the table gave.
            drop()
            return uncached
        }
        append(records)
        return synchronized(head: head, read: records.count, snapshot: true, discarded: discarded) ?? uncached
    }

    /// The cache's journal in the table's numbers, once it holds everything up to the table's last record; `nil`
    /// when it was dropped on the way (the disk refused) or cannot be read back.
    private func synchronized(
        head: HAJournal.Head,
        read: Int,
        snapshot: Bool,
        discarded: String?
    ) -> Synchronized? {
        guard let offset = state.withLock({ $0.origin?.offset }),
            let local = try? FileJournal.read(stateDirectory: directory)
        else { return nil }
        let contents = JournalContents(
            lineage: head.lineage,
            snapshot: local.snapshot.map { JournalSnapshot(seq: $0.seq + offset, payload: $0.payload) },
            records: local.records.map { JournalRecord(seq: $0.seq + offset, payload: $0.payload) },
            warnings: local.warnings
        )
        return Synchronized(
            contents: contents,
            generation: head.generation,
            recordsRead: read,
            readSnapshot: snapshot,
            discarded: discarded
        )
    }

    // MARK: What the leader wrote

    /// Records the leader stored in the table, the last of them at table seq `last`. A cache that does not end
    /// just before them is dropped (rebuilt at the next takeover).
    public func appended(_ payloads: [[UInt8]], last: UInt64) {
        let (held, fits) = state.withLock { ($0.origin != nil, $0.lastSeq + UInt64(payloads.count) == last) }
        guard held else { return }
        guard fits else { return drop() }
        let first = last + 1 - UInt64(payloads.count)
        append(payloads.enumerated().map { JournalRecord(seq: first + UInt64($0), payload: $1) })
    }

    /// The leader compacted the table at table seq `seq` into snapshot `generation`.
    public func compacted(snapshot payload: [UInt8], seq: UInt64, generation: UInt64) {
        let (held, journal) = state.withLock { ($0.origin != nil, $0.lastSeq == seq ? $0.journal : nil) }
        guard held else { return }
        guard let journal else { return drop() }
        do {
            try journal.compact(snapshot: payload)
            let origin = state.withLock { state in
                state.origin?.generation = generation
                state.lastPayload = nil
                return state.origin
            }
            try JSONEncoder().encode(origin).write(to: originFile, options: .atomic)
        } catch {
            drop()
        }
    }

    // MARK: The files

    /// Appends `records` (consecutive, after the cache's last) to the file journal; drops the cache if it cannot.
    private func append(_ records: [JournalRecord]) {
        guard let last = records.last else { return }
        let journal = state.withLock { $0.journal }
        guard let journal else { return }
        do throws(JournalError) {
            _ = try journal.append(contentsOf: records.map(\.payload))
        } catch {
            drop()
            return
        }
        state.withLock { state in
            state.lastSeq = last.seq
            state.lastPayload = last.payload
        }
    }

    /// Opens the cache's file journal and reads its origin, once per process.
    private func openIfNeeded() -> (origin: Origin?, lastSeq: UInt64, lastPayload: [UInt8]?, problem: String?) {
        if let known = state.withLock({ $0.journal == nil ? nil : ($0.origin, $0.lastSeq, $0.lastPayload) }) {
            return (known.0, known.1, known.2, nil)
        }
        guard FileManager.default.fileExists(atPath: originFile.path) else { return (nil, 0, nil, nil) }
        do {
            let origin = try JSONDecoder().decode(Origin.self, from: Data(contentsOf: originFile))
            let (journal, contents) = try FileJournal.openForWriting(stateDirectory: directory)
            let last = contents.records.last
            let lastSeq = contents.lastSeq + origin.offset
            state.withLock {
                $0 = State(journal: journal, origin: origin, lastPayload: last?.payload, lastSeq: lastSeq)
            }
            return (origin, lastSeq, last?.payload, nil)
        } catch {
            drop()
            return (nil, 0, nil, "it cannot be read (\(error))")
        }
    }

    /// Closes the cache's file journal (and its lock), keeping its files: the next use opens it again.
    public func close() {
        let journal = state.withLock { state in
            let journal = state.journal
            state = State()
            return journal
        }
        journal?.close()
    }

    /// Forgets the cache and deletes its files.
    func drop() {
        let journal = state.withLock { state in
            let journal = state.journal
            state = State()
            return journal
        }
        journal?.close()
        try? FileManager.default.removeItem(at: directory)
    }
}
