public import Foundation

/// What one replica last saw of the pool's lease (docs/behaviour.md §12.6): its `replica#<id>` item, which
/// `sandboxd status --ha-table` lists. Informational only — never read to decide anything — and written without a
/// condition; the table's TTL (`expires_at`) deletes the item of a replica that stopped writing it.
public struct ReplicaView: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable {
        case leader
        case standby
    }

    /// The replica's `--ha-id`.
    public var id: String
    public var role: Role
    /// The leader it saw (itself when leading); `nil` when no replica held the lease yet.
    public var leader: String?
    /// The fencing token of the term it last saw.
    public var term: UInt64
    /// When it last read (standby) or renewed (leader) the lease.
    public var seenAt: Date
    /// When the lease it saw expires: when a standby may take over.
    public var leaseExpires: Date?
    /// The table seq of the last record in its local journal cache.
    public var cachedSeq: UInt64
    /// When the item expires (the TTL).
    public var expiresAt: Date

    public init(
        id: String,
        role: Role,
        leader: String?,
        term: UInt64,
        seenAt: Date,
        leaseExpires: Date?,
        cachedSeq: UInt64,
        expiresAt: Date
    ) {
        self.id = id
        self.role = role
        self.leader = leader
        self.term = term
        self.seenAt = seenAt
        self.leaseExpires = leaseExpires
        self.cachedSeq = cachedSeq
        self.expiresAt = expiresAt
    }
}

extension HATable {
    /// Writes `view` as the replica's item (`PutItem`, no condition).
    public func write(_ view: ReplicaView) async throws(DynamoDBError) {
        var item = key(Self.replicaItem(view.id))
        item["role"] = .string(view.role.rawValue)
        if let leader = view.leader { item["leader"] = .string(leader) }
        item["term"] = .integer(view.term)
        item["seen_at"] = HALease.milliseconds(view.seenAt)
        if let expires = view.leaseExpires { item["lease_expires"] = HALease.milliseconds(expires) }
        item["cached_seq"] = .integer(view.cachedSeq)
        item[Self.timeToLiveAttribute] = .integer(UInt64(max(0, view.expiresAt.timeIntervalSince1970.rounded())))
        _ = try await client.call(.putItem, ["TableName": .string(name), "Item": item.json], safeToRepeat: true)
    }

    /// Every replica's item not yet expired at `now` (DynamoDB deletes expired items only eventually), by id.
    public func replicas(now: Date) async throws(DynamoDBError) -> [ReplicaView] {
        let items = try await query(from: Self.replicaItem(""), to: Self.replicaItem("\u{10FFFF}"))
        return items.compactMap { item -> ReplicaView? in
            guard let sortKey = item[Self.sortKey]?.stringValue, sortKey.hasPrefix("replica#"),
                let role = item["role"]?.stringValue.flatMap(ReplicaView.Role.init(rawValue:)),
                let seen = item["seen_at"]?.integerValue, let expiresAt = item[Self.timeToLiveAttribute]?.integerValue
            else { return nil }
            let view = ReplicaView(
                id: String(sortKey.dropFirst("replica#".count)),
                role: role,
                leader: item["leader"]?.stringValue,
                term: item["term"]?.integerValue ?? 0,
                seenAt: Date(timeIntervalSince1970: Double(seen) / 1000),
                leaseExpires: item["lease_expires"]?.integerValue.map {
                    Date(timeIntervalSince1970: Double($0) / 1000)
                },
                cachedSeq: item["cached_seq"]?.integerValue ?? 0,
                expiresAt: Date(timeIntervalSince1970: Double(expiresAt))
            )
            return view.expiresAt > now ? view : nil
        }.sorted { $0.id < $1.id }
    }
}
