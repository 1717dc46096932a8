public import Foundation
public import SandboxRuntime

/// Opening the journal of the HA table (docs/behaviour.md §12.2): the journal item names the lineage and the
/// snapshot; the records after the snapshot follow it without gaps.
public enum HAJournal {
    /// The journal item: the lineage and the snapshot the journal starts from.
    struct Head: Sendable, Hashable {
        var lineage: String
        var snapshotSeq: UInt64
        var generation: UInt64
        var parts: UInt64
    }

    /// What the table holds for the pool, read with strongly consistent reads; `nil` when it holds no journal.
    public static func read(
        table: HATable
    ) async throws(HAJournalError) -> (contents: JournalContents, generation: UInt64)? {
        guard let head = try await readHead(table: table) else { return nil }
        let snapshot = try await readSnapshot(table: table, head: head)
        let records = try await readRecords(table: table, after: head.snapshotSeq)
        return (
            JournalContents(lineage: head.lineage, snapshot: snapshot, records: records, warnings: []), head.generation
        )
    }

    /// The journal item, or `nil` when the table holds no journal for the pool.
    static func readHead(table: HATable) async throws(HAJournalError) -> Head? {
        let read = { () async throws(DynamoDBError) in try await table.get(HATable.journalItem) }
        guard let head = try await tableCall(read) else { return nil }
        guard let lineage = head["lineage"]?.stringValue, let snapshotSeq = head["snapshot_seq"]?.integerValue,
            let generation = head["snapshot_generation"]?.integerValue,
            let partCount = head["snapshot_parts"]?.integerValue
        else { throw .corrupted("the journal item lacks lineage or the snapshot_* attributes") }
        return Head(lineage: lineage, snapshotSeq: snapshotSeq, generation: generation, parts: partCount)
    }

    /// The snapshot the journal item names, from its parts; `nil` when it names none.
    static func readSnapshot(table: HATable, head: Head) async throws(HAJournalError) -> JournalSnapshot? {
        guard head.parts > 0 else { return nil }
        let parts = try await tableCall { () async throws(DynamoDBError) in
            try await table.query(
                from: HATable.snapshotItem(generation: head.generation, part: 0),
                to: HATable.snapshotItem(generation: head.generation, part: 999_999)
            )
        }
        guard parts.count == Int(head.parts) else {
            throw .corrupted("snapshot \(head.generation) has \(parts.count) of its \(head.parts) parts")
        }
        return JournalSnapshot(seq: head.snapshotSeq, payload: parts.flatMap { $0["payload"]?.binaryValue ?? [] })
    }

    /// Every record after `seq`, in order and without gaps: one `Query` whose key condition starts at `seq + 1`.
    static func readRecords(table: HATable, after seq: UInt64) async throws(HAJournalError) -> [JournalRecord] {
        let items = try await tableCall { () async throws(DynamoDBError) in
            try await table.query(from: HATable.recordItem(seq + 1), to: HATable.recordItem(99_999_999_999_999_999))
        }
        var records: [JournalRecord] = []
        for (offset, item) in items.enumerated() {
            let expected = seq + UInt64(offset) + 1
            guard item[HATable.sortKey]?.stringValue == HATable.recordItem(expected),
                let payload = item["payload"]?.binaryValue
            else {
                throw .corrupted(
                    "record \(expected) is missing or unreadable (found \(item[HATable.sortKey]?.stringValue ?? "?"))"
                )
            }
            records.append(JournalRecord(seq: expected, payload: payload))
        }
        return records
    }

    /// A table call whose failure is the journal's.
    static func tableCall<Result>(
        _ body: () async throws(DynamoDBError) -> Result
    ) async throws(HAJournalError) -> Result {
        do throws(DynamoDBError) {
            return try await body()
        } catch {
            throw .table(error)
        }
    }

    /// Opens the pool's journal for writing in `term`, creating it (with `newLineage`) when the table holds none.
    ///
    /// With a `cache`, only the records after the cache's last one are read from the table (or the snapshot, when
    /// the cache cannot be used: ``HAJournalCache/synchronize(table:)``), and the store keeps the cache up to date.
    ///
    /// - Throws: ``HAJournalError/deposed(fence:)`` when the term is already over.
    public static func open(
        table: HATable,
        term: LeaderTerm,
        cache: HAJournalCache? = nil,
        newLineage: @autoclosure () -> String = UUID().uuidString.lowercased()
    ) async throws(HAJournalError) -> (store: DynamoDBJournalStore, contents: JournalContents) {
        let found: (contents: JournalContents, generation: UInt64)?
        if let cache {
            found = try await cache.synchronize(table: table).map { ($0.contents, $0.generation) }
        } else {
            found = try await read(table: table)
        }
        if let (contents, generation) = found {
            let store = DynamoDBJournalStore(
                lineage: contents.lineage,
                table: table,
                term: term,
                lastSeq: contents.lastSeq,
                generation: generation,
                cache: cache
            )
            return (store, contents)
        }
        let lineage = newLineage()
        try await create(table: table, term: term, lineage: lineage)
        // The cache starts with the journal: empty, of the new lineage.
        _ = try await cache?.synchronize(table: table)
        let store = DynamoDBJournalStore(
            lineage: lineage,
            table: table,
            term: term,
            lastSeq: 0,
            generation: 0,
            cache: cache
        )
        return (store, JournalContents(lineage: lineage, snapshot: nil, records: [], warnings: []))
    }

    /// `sandboxd ha import`: the file journal's state becomes the table's journal, as a snapshot of the same
    /// lineage (so idempotency tokens stay the same), if the table holds no journal for the pool yet.
    public static func importing(
        _ contents: JournalContents,
        into table: HATable,
        term: LeaderTerm
    ) async throws -> UInt64 {
        if try await read(table: table) != nil {
            throw HAJournalError.alreadyPresent(pool: table.pool, table: table.name)
        }
        try await create(table: table, term: term, lineage: contents.lineage)
        let state = try JournalCodec.replay(contents)
        let store = DynamoDBJournalStore(
            lineage: contents.lineage,
            table: table,
            term: term,
            lastSeq: contents.lastSeq,
            generation: 0
        )
        try await store.compact(snapshot: JournalCodec.encodeSnapshot(state))
        return contents.lastSeq
    }

    private static func create(table: HATable, term: LeaderTerm, lineage: String) async throws(HAJournalError) {
        do throws(DynamoDBError) {
            try await table.putFenced(
                [head(table: table, lineage: lineage, snapshot: (0, 0, 0))],
                term: term,
                token: table.requestToken(lineage: lineage, write: "journal \(term.fence)")
            )
        } catch  where error.kind == .conditionFailed {
            throw .deposed(fence: term.fence)
        } catch {
            throw .table(error)
        }
    }

    /// The journal item: the lineage and the snapshot it starts from (seq, generation, part count; zeros for
    /// none).
    static func head(
        table: HATable,
        lineage: String,
        snapshot: (seq: UInt64, generation: UInt64, parts: Int)
    )
        -> DynamoDBItem
    {
        var item = table.key(HATable.journalItem)
        item["lineage"] = .string(lineage)
        item["snapshot_seq"] = .integer(snapshot.seq)
        item["snapshot_generation"] = .integer(snapshot.generation)
        item["snapshot_parts"] = .integer(UInt64(snapshot.parts))
        return item
    }

    /// The first action of every fenced transaction: the lease item is still `term`'s.
    static func leaseCheck(table: HATable, term: LeaderTerm) -> JSONValue {
        .object([
            "ConditionCheck": .object([
                "TableName": .string(table.name), "Key": table.key(HATable.leaseItem).json,
                "ConditionExpression": .string("holder = :holder AND fence = :fence"),
                "ExpressionAttributeValues": .object([
                    ":holder": AttributeValue.string(term.holder).json,
                    ":fence": AttributeValue.integer(term.fence).json,
                ]),
            ])
        ])
    }
}
