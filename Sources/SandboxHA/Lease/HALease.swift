public import Foundation

/// One leader term: who holds the pool's lease, its fencing token, and until when (docs/behaviour.md §12.1).
public struct LeaderTerm: Sendable, Hashable {
    /// The replica's `--ha-id`.
    public var holder: String
    /// The fencing token: strictly larger for every new term of the pool.
    public var fence: UInt64
    /// When the lease ends unless renewed, by the holder's clock when it wrote it.
    public var expires: Date

    public init(holder: String, fence: UInt64, expires: Date) {
        self.holder = holder
        self.fence = fence
        self.expires = expires
    }
}

/// The pool's lease item in the HA table (docs/behaviour.md §12.1): `holder`, `fence`, `lease_expires` (epoch
/// milliseconds). Written only with conditional `UpdateItem`s, so two replicas never both hold it:
/// - acquire: when there is no holder or the lease has expired; the fence goes up by one;
/// - renew: while the holder and fence are still ours;
/// - release (a clean stop): the expiry set to now, so a standby takes over at once.
public struct HALease: Sendable {
    public let table: HATable
    /// This replica's `--ha-id`.
    public let replica: String
    /// How long a lease lasts from the moment it is written.
    public let duration: TimeInterval

    public init(table: HATable, replica: String, duration: TimeInterval) {
        self.table = table
        self.replica = replica
        self.duration = duration
    }

    /// Takes the lease if nobody holds it or it has expired at `now`, starting a new term.
    ///
    /// - Returns: The new term, or `nil` when another replica holds an unexpired lease.
    public func acquire(now: Date) async throws(DynamoDBError) -> LeaderTerm? {
        do {
            let answer = try await table.client.call(
                .updateItem,
                [
                    "TableName": .string(table.name), "Key": table.key(HATable.leaseItem).json,
                    "ConditionExpression": .string("attribute_not_exists(holder) OR lease_expires < :now"),
                    "UpdateExpression": .string(
                        "SET holder = :me, lease_expires = :expires, fence = if_not_exists(fence, :zero) + :one"
                    ),
                    "ExpressionAttributeValues": .object([
                        ":me": AttributeValue.string(replica).json, ":now": Self.milliseconds(now).json,
                        ":expires": Self.milliseconds(now.addingTimeInterval(duration)).json,
                        ":zero": AttributeValue.integer(0).json, ":one": AttributeValue.integer(1).json,
                    ]),
                    "ReturnValues": .string("ALL_NEW"),
                ],
                // Repeated after a success, the condition fails: the term is then never used, which is safe.
                safeToRepeat: false
            )
            return try Self.term(DynamoDBItem(json: answer["Attributes"]))
        } catch  where error.kind == .conditionFailed {
            return nil
        }
    }

    /// Extends `term` to `now` + ``duration``.
    ///
    /// - Returns: The renewed term, or `nil` when the lease is no longer `term`'s (another replica took it).
    public func renew(_ term: LeaderTerm, now: Date) async throws(DynamoDBError) -> LeaderTerm? {
        let expires = now.addingTimeInterval(duration)
        do {
            _ = try await table.client.call(
                .updateItem,
                [
                    "TableName": .string(table.name), "Key": table.key(HATable.leaseItem).json,
                    "ConditionExpression": .string("holder = :me AND fence = :fence"),
                    "UpdateExpression": .string("SET lease_expires = :expires"),
                    "ExpressionAttributeValues": .object([
                        ":me": AttributeValue.string(replica).json, ":fence": AttributeValue.integer(term.fence).json,
                        ":expires": Self.milliseconds(expires).json,
                    ]),
                ],
                safeToRepeat: true
            )
        } catch  where error.kind == .conditionFailed {
            return nil
        }
        var renewed = term
        renewed.expires = expires
        return renewed
    }

    /// Ends `term` now (a clean stop), if it is still current: a standby takes over at its next look.
    public func release(_ term: LeaderTerm, now: Date) async throws(DynamoDBError) {
        do {
            _ = try await table.client.call(
                .updateItem,
                [
                    "TableName": .string(table.name), "Key": table.key(HATable.leaseItem).json,
                    "ConditionExpression": .string("holder = :me AND fence = :fence"),
                    "UpdateExpression": .string("SET lease_expires = :now"),
                    "ExpressionAttributeValues": .object([
                        ":me": AttributeValue.string(replica).json, ":fence": AttributeValue.integer(term.fence).json,
                        ":now": Self.milliseconds(now).json,
                    ]),
                ],
                safeToRepeat: true
            )
        } catch  where error.kind == .conditionFailed {
            return
        }
    }

    /// The lease as it stands (strongly consistent), or `nil` when nobody ever held it.
    public func current() async throws(DynamoDBError) -> LeaderTerm? {
        guard let item = try await table.get(HATable.leaseItem) else { return nil }
        return try Self.term(item)
    }

    static func milliseconds(_ date: Date) -> AttributeValue {
        .integer(UInt64(max(0, (date.timeIntervalSince1970 * 1000).rounded())))
    }

    static func term(_ item: DynamoDBItem?) throws(DynamoDBError) -> LeaderTerm {
        guard let item, let holder = item["holder"]?.stringValue, let fence = item["fence"]?.integerValue,
            let expires = item["lease_expires"]?.integerValue
        else {
            throw DynamoDBError(.other, message: "the lease item lacks holder, fence or lease_expires")
        }
        return LeaderTerm(holder: holder, fence: fence, expires: Date(timeIntervalSince1970: Double(expires) / 1000))
    }
}
