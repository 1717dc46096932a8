import Foundation
public import SandboxRuntime
import SandboxLocking

/// The journal of high-availability mode (docs/behaviour.md §12.2): records in the HA table, written only while
/// this replica's term is current.
///
/// Every append is one `TransactWriteItems` (``HATable/putFenced(_:term:token:)``) that checks the lease item's
/// holder and fence and creates `record#<seq>` items that must not exist yet: a deposed leader's append fails
/// and nothing of it is stored. From then on every call throws ``HAJournalError/deposed(fence:)``: the
/// reconciler records each intent before its call, so a deposed leader makes no further call.
///
/// Appends are serialized in the order they are called (a group commit of the pass and one of the comment lane
/// may overlap while one waits for DynamoDB). Compaction writes the snapshot's parts, then switches the journal
/// item to them (both fenced), then deletes the folded records and the previous snapshot's parts.
public final class DynamoDBJournalStore: JournalStore {
    /// A transaction holds at most 100 actions; 24 records and the lease check keep well inside it and inside
    /// the 4 MB request limit.
    static let recordsPerTransaction = 24
    /// Part of a snapshot per item (DynamoDB's items are at most 400 KB).
    static let snapshotPartBytes = 300_000
    /// The largest record (an item is at most 400 KB).
    public static let maximumPayloadLength = 380_000

    public let lineage: String
    public let table: HATable
    public let term: LeaderTerm
    /// The replica's local copy (docs/behaviour.md §12.2), given every record and snapshot once the table holds it.
    let cache: HAJournalCache?

    private struct State {
        var lastSeq: UInt64
        var generation: UInt64
        var deposed = false
        var tail: Task<UInt64, any Error>?
    }

    private let state: Locked<State>

    init(
        lineage: String,
        table: HATable,
        term: LeaderTerm,
        lastSeq: UInt64,
        generation: UInt64,
        cache: HAJournalCache? = nil
    ) {
        self.lineage = lineage
        self.table = table
        self.term = term
        self.cache = cache
        state = Locked(State(lastSeq: lastSeq, generation: generation))
    }

    /// Whether an append found the lease in another term's hands.
    public var isDeposed: Bool { state.withLock { $0.deposed } }

    /// The seq of the last record stored (or covered by the snapshot).
    public var lastSeq: UInt64 { state.withLock { $0.lastSeq } }

    public func append(_ payload: [UInt8]) async throws -> UInt64 {
        try await append(contentsOf: [payload])
    }

    public func append(contentsOf payloads: [[UInt8]]) async throws -> UInt64 {
        try await serialized { [self] in try await write(payloads) }
    }

    public func compact(snapshot payload: [UInt8]) async throws {
        _ = try await serialized { [self] in try await writeSnapshot(payload) }
    }

    /// Runs `body` after every call made before it has finished.
    private func serialized(_ body: @escaping @Sendable () async throws -> UInt64) async throws -> UInt64 {
        let task = state.withLock { state in
            let previous = state.tail
            let task = Task<UInt64, any Error> {
                _ = await previous?.result
                return try await body()
            }
            state.tail = task
            return task
        }
        return try await task.value
    }

    private func write(_ payloads: [[UInt8]]) async throws(HAJournalError) -> UInt64 {
        var seq = try usableLastSeq()
        for chunk in stride(from: 0, to: payloads.count, by: Self.recordsPerTransaction) {
            let batch = payloads[chunk..<min(payloads.count, chunk + Self.recordsPerTransaction)]
            if let long = batch.first(where: { $0.count > Self.maximumPayloadLength }) {
                throw .corrupted(
                    "a record of \(long.count) bytes is over the \(Self.maximumPayloadLength) an item holds"
                )
            }
            let items = batch.enumerated().map { offset, payload in
                record(seq: seq + UInt64(offset) + 1, payload: payload)
            }
            try await fenced(items, token: "r\(term.fence)-\(seq + 1)")
            seq += UInt64(batch.count)
            state.withLock { $0.lastSeq = seq }
            cache?.appended(Array(batch), last: seq)
        }
        return seq
    }

    private func record(seq: UInt64, payload: [UInt8]) -> DynamoDBItem {
        var item = table.key(HATable.recordItem(seq))
        item["payload"] = .binary(payload)
        item["fence"] = .integer(term.fence)
        return item
    }

    private func writeSnapshot(_ payload: [UInt8]) async throws(HAJournalError) -> UInt64 {
        let seq = try usableLastSeq()
        let previous = state.withLock { $0.generation }
        let generation = previous + 1
        var parts: [DynamoDBItem] = []
        for (index, start) in stride(from: 0, to: max(payload.count, 1), by: Self.snapshotPartBytes).enumerated() {
            var item = table.key(HATable.snapshotItem(generation: generation, part: index))
            item["payload"] = .binary(Array(payload[start..<min(payload.count, start + Self.snapshotPartBytes)]))
            parts.append(item)
        }
        for chunk in stride(from: 0, to: parts.count, by: 8) {
            try await fenced(
                Array(parts[chunk..<min(parts.count, chunk + 8)]),
                token: "s\(term.fence)-\(generation)-\(chunk)"
            )
        }
        try await switchHead(seq: seq, generation: generation, parts: parts.count)
        state.withLock { $0.generation = generation }
        cache?.compacted(snapshot: payload, seq: seq, generation: generation)
        // What the new head no longer names: the folded records and the previous snapshot's parts.
        do throws(DynamoDBError) {
            let folded = try await table.query(from: HATable.recordItem(0), to: HATable.recordItem(seq))
            let old = try await table.query(
                from: HATable.snapshotItem(generation: 0, part: 0),
                to: HATable.snapshotItem(generation: previous, part: 999_999)
            )
            try await table.delete((folded + old).compactMap { $0[HATable.sortKey]?.stringValue })
        } catch {
            throw .table(error)
        }
        return seq
    }

    /// Replaces the journal item by one naming the snapshot `generation` (covering up to `seq`), if the term is
    /// still current.
    private func switchHead(seq: UInt64, generation: UInt64, parts: Int) async throws(HAJournalError) {
        do throws(DynamoDBError) {
            _ = try await table.client.call(
                .transactWriteItems,
                [
                    "TransactItems": .array([
                        HAJournal.leaseCheck(table: table, term: term),
                        .object([
                            "Put": .object([
                                "TableName": .string(table.name),
                                "Item": HAJournal.head(
                                    table: table,
                                    lineage: lineage,
                                    snapshot: (seq, generation, parts)
                                ).json,
                            ])
                        ]),
                    ]),
                    "ClientRequestToken": .string(
                        table.requestToken(lineage: lineage, write: "head \(term.fence) \(generation)")
                    ),
                ],
                safeToRepeat: true
            )
        } catch {
            throw depose(error)
        }
    }

    private func fenced(_ items: [DynamoDBItem], token: String) async throws(HAJournalError) {
        do throws(DynamoDBError) {
            try await table.putFenced(items, term: term, token: table.requestToken(lineage: lineage, write: token))
        } catch {
            throw depose(error)
        }
    }

    /// A failed condition means another term: the store refuses everything from now on.
    private func depose(_ error: DynamoDBError) -> HAJournalError {
        guard error.kind == .conditionFailed else { return .table(error) }
        state.withLock { $0.deposed = true }
        return .deposed(fence: term.fence)
    }

    private func usableLastSeq() throws(HAJournalError) -> UInt64 {
        let (deposed, seq) = state.withLock { ($0.deposed, $0.lastSeq) }
        if deposed { throw .deposed(fence: term.fence) }
        return seq
    }
}
