import SandboxLocking

/// Durable storage of journal records: bytes in, bytes out. ``FileJournal`` is the real one; in high-availability
/// mode it is SandboxHA's DynamoDB store, whose calls go over the network (hence `async`, docs/behaviour.md §12).
public protocol JournalStore: AnyObject, Sendable {
    /// The journal's identity, made when it was created.
    var lineage: String { get }
    /// Appends one record; durable when it returns. Returns its sequence number.
    func append(_ payload: [UInt8]) async throws -> UInt64
    /// Appends records in order, all durable when it returns, with one flush where the store can (the group
    /// commit, docs/behaviour.md §3.13); a failure may leave a prefix of them stored. Returns the last one's
    /// sequence number.
    func append(contentsOf payloads: [[UInt8]]) async throws -> UInt64
    /// Replaces everything so far by a snapshot.
    func compact(snapshot payload: [UInt8]) async throws
}

extension JournalStore {
    /// One ``append(_:)`` per record, for stores where a flush costs nothing.
    public func append(contentsOf payloads: [[UInt8]]) async throws -> UInt64 {
        var seq: UInt64 = 0
        for payload in payloads { seq = try await append(payload) }
        return seq
    }
}

/// A journal kept in memory, for tests and for planning without a state directory.
public final class InMemoryJournalStore: JournalStore {
    private struct Contents {
        var snapshot: [UInt8]?
        var records: [[UInt8]] = []
        var seq: UInt64 = 0
    }

    public let lineage: String
    private let contents = Locked(Contents())

    public init(lineage: String) {
        self.lineage = lineage
    }

    public func append(_ payload: [UInt8]) throws -> UInt64 {
        contents.withLock {
            $0.records.append(payload)
            $0.seq += 1
            return $0.seq
        }
    }

    public func compact(snapshot payload: [UInt8]) throws {
        contents.withLock {
            $0.snapshot = payload
            $0.records = []
        }
    }

    /// The snapshot and the records after it.
    public var stored: (snapshot: [UInt8]?, records: [[UInt8]]) {
        contents.withLock { ($0.snapshot, $0.records) }
    }
}
