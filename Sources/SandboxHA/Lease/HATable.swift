import Foundation
import SandboxCrypto

/// The DynamoDB table of high-availability mode (docs/behaviour.md §12.4) as one pool sees it: every item of the
/// pool has the partition key `pool` (its name) and a sort key `item` that says what it is:
/// - `lease`: the leader's lease (``HALease``);
/// - `journal`: the journal's head — its lineage and the snapshot it starts from;
/// - `record#<seq, 20 digits>`: one journal record;
/// - `snapshot#<generation, 20 digits>#<part, 6 digits>`: part of a snapshot;
/// - `replica#<id>`: what a replica last saw, for `status` (expires by the table's TTL attribute `expires_at`).
public struct HATable: Sendable {
    public static let partitionKey = "pool"
    public static let sortKey = "item"
    /// The TTL attribute (epoch seconds), on `replica#` items only.
    public static let timeToLiveAttribute = "expires_at"

    public let client: DynamoDBClient
    public let name: String
    public let pool: String

    public init(client: DynamoDBClient, name: String, pool: String) {
        self.client = client
        self.name = name
        self.pool = pool
    }

    /// The key of the pool's item `item`.
    public func key(_ item: String) -> DynamoDBItem {
        [Self.partitionKey: .string(pool), Self.sortKey: .string(item)]
    }

    static let leaseItem = "lease"
    static let journalItem = "journal"

    static func recordItem(_ seq: UInt64) -> String { "record#" + padded(seq, 20) }

    static func snapshotItem(generation: UInt64, part: Int) -> String {
        "snapshot#" + padded(generation, 20) + "#" + padded(UInt64(part), 6)
    }

    static func replicaItem(_ id: String) -> String { "replica#" + id }

    static func padded(_ value: UInt64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Reads one item with a strongly consistent read.
    func get(_ item: String) async throws(DynamoDBError) -> DynamoDBItem? {
        let answer = try await client.call(
            .getItem,
            ["TableName": .string(name), "Key": key(item).json, "ConsistentRead": .bool(true)],
            safeToRepeat: true
        )
        return DynamoDBItem(json: answer["Item"])
    }

    /// Every item of the pool whose sort key is between `from` and `to` (inclusive), in order, with strongly
    /// consistent reads, following `LastEvaluatedKey`.
    func query(from: String, to: String) async throws(DynamoDBError) -> [DynamoDBItem] {
        var items: [DynamoDBItem] = []
        var start: JSONValue?
        repeat {
            var body: [String: JSONValue] = [
                "TableName": .string(name),
                "KeyConditionExpression": .string("#p = :p AND #i BETWEEN :from AND :to"),
                "ExpressionAttributeNames": .object(["#p": .string(Self.partitionKey), "#i": .string(Self.sortKey)]),
                "ExpressionAttributeValues": .object([
                    ":p": AttributeValue.string(pool).json, ":from": AttributeValue.string(from).json,
                    ":to": AttributeValue.string(to).json,
                ]),
                "ConsistentRead": .bool(true),
            ]
            if let start { body["ExclusiveStartKey"] = start }
            let answer = try await client.call(.query, body, safeToRepeat: true)
            items += (answer["Items"]?.arrayValue ?? []).compactMap { DynamoDBItem(json: $0) }
            start = answer["LastEvaluatedKey"].flatMap { $0.objectValue?.isEmpty == false ? $0 : nil }
        } while start != nil
        return items
    }

    /// A transaction's `ClientRequestToken` for `write` (what it writes, in which term): DynamoDB keeps a token for
    /// 10 minutes across every table of the account and region, so it names the table, the pool and the journal's
    /// lineage too — the same term and sequence number of another pool or table is another write.
    public func requestToken(lineage: String, write: String) -> String {
        String(Hex.encode(SHA256.hash(Array("\(name)\n\(pool)\n\(lineage)\n\(write)".utf8))).prefix(36))
    }

    /// Writes all `puts` if the lease is still `term`'s (docs/behaviour.md §12.2): one `TransactWriteItems` whose
    /// first action checks the lease item and whose puts each require that the item does not exist yet. Its
    /// `ClientRequestToken` (``requestToken(lineage:write:)``) makes a repeated call (after a lost answer) return the
    /// first one's result.
    ///
    /// - Throws: ``DynamoDBError/Kind/conditionFailed`` when the lease is another term's or an item exists.
    func putFenced(_ puts: [DynamoDBItem], term: LeaderTerm, token: String) async throws(DynamoDBError) {
        var actions = [HAJournal.leaseCheck(table: self, term: term)]
        for item in puts {
            actions.append(
                .object([
                    "Put": .object([
                        "TableName": .string(name), "Item": item.json,
                        "ConditionExpression": .string("attribute_not_exists(#i)"),
                        "ExpressionAttributeNames": .object(["#i": .string(Self.sortKey)]),
                    ])
                ])
            )
        }
        _ = try await client.call(
            .transactWriteItems,
            ["TransactItems": .array(actions), "ClientRequestToken": .string(token)],
            safeToRepeat: true
        )
    }

    /// Deletes items, 25 per `BatchWriteItem`, sending back what DynamoDB left unprocessed (a few times).
    func delete(_ items: [String]) async throws(DynamoDBError) {
        var pending = items.map { JSONValue.object(["DeleteRequest": .object(["Key": key($0).json])]) }
        var rounds = 0
        while !pending.isEmpty {
            let batch = Array(pending.prefix(25))
            pending.removeFirst(batch.count)
            let answer = try await client.call(
                .batchWriteItem,
                ["RequestItems": .object([name: .array(batch)])],
                safeToRepeat: true
            )
            let unprocessed = answer["UnprocessedItems"]?[name]?.arrayValue ?? []
            rounds += 1
            guard rounds < 100 else { throw DynamoDBError(.unavailable, message: "BatchWriteItem kept items back") }
            pending += unprocessed
        }
    }
}
