import SandboxLocking

/// An ``ETagStore`` kept in memory: for tests, and for a client whose answers need not outlive it.
public final class InMemoryETagStore: ETagStore {
    private let entries = Locked<[String: ETagEntry]>([:])

    /// Creates an empty store.
    public init() {}

    /// The stored answer for `url`, if there is one.
    public func entry(for url: String) -> ETagEntry? {
        entries.withLock { $0[url] }
    }

    /// Stores (or replaces) the answer for `url`.
    public func save(_ entry: ETagEntry, for url: String) {
        entries.withLock { $0[url] = entry }
    }

    /// Forgets the answer for `url`.
    public func removeEntry(for url: String) {
        entries.withLock { $0[url] = nil }
    }

    /// How many answers are stored.
    public var count: Int { entries.withLock { $0.count } }
}
