public import Foundation
import SandboxFiles
import SandboxLocking

/// An ``ETagStore`` kept in one JSON file in the state directory, `github-etags.json`, so
/// conditional reads stay conditional across restarts.
///
/// The file is rewritten whole on every change with ``AtomicFile``: a temporary file is written and
/// flushed (`fsync`), renamed over the old one, and the directory is flushed, so a crash leaves
/// either the old file or the new one. It is created with mode `0600`.
///
/// The store is small and bounded: at most ``maximumEntries`` answers (256 by default) and ``maximumBytes`` of
/// bodies; the least recently used are dropped first, and a body larger than
/// ``maximumEntryBytes`` is not kept at all. A file that cannot be read or parsed is ignored (the
/// store starts empty and replaces it at the next change); a failed write is remembered in
/// ``lastWriteError`` and the store goes on from memory. Either way only rate limit is lost.
public final class FileETagStore: ETagStore {
    /// The name of the file in the state directory.
    public static let fileName = "github-etags.json"
    /// The most answers kept by default.
    public static let defaultMaximumEntries = 256
    /// The most body bytes kept, all answers together.
    public static let maximumBytes = 4 << 20
    /// The largest body kept.
    public static let maximumEntryBytes = 1 << 20

    private struct Stored {
        var entry: ETagEntry
        var lastUsed: UInt64
    }

    private struct State {
        var entries: [String: Stored] = [:]
        var clock: UInt64 = 0
        var lastWriteError: String?

        mutating func tick() -> UInt64 {
            clock += 1
            return clock
        }
    }

    /// The file's layout: entries, least recently used first.
    private struct FileContents: Codable {
        struct Item: Codable {
            var url: String
            var entry: ETagEntry
        }

        var version: Int
        var entries: [Item]
    }

    /// The file the store is kept in.
    public let file: URL
    /// The most answers kept.
    public let maximumEntries: Int
    private let state: Locked<State>

    /// Opens the store in `stateDirectory`, reading what an earlier process left.
    /// - Parameters:
    ///   - stateDirectory: sandboxd's state directory.
    ///   - maximumEntries: The most answers kept.
    public init(stateDirectory: URL, maximumEntries: Int = FileETagStore.defaultMaximumEntries) {
        file = stateDirectory.appendingPathComponent(Self.fileName)
        self.maximumEntries = max(maximumEntries, 1)
        var initial = State()
        if let data = FileManager.default.contents(atPath: file.path),
            let contents = try? JSONDecoder().decode(FileContents.self, from: data), contents.version == 1
        {
            for item in contents.entries {
                initial.entries[item.url] = Stored(entry: item.entry, lastUsed: initial.tick())
            }
        }
        state = Locked(initial)
    }

    /// The stored answer for `url`, if there is one.
    public func entry(for url: String) -> ETagEntry? {
        state.withLock { state in
            guard var stored = state.entries[url] else { return nil }
            stored.lastUsed = state.tick()
            state.entries[url] = stored
            return stored.entry
        }
    }

    /// Stores (or replaces) the answer for `url` and rewrites the file.
    public func save(_ entry: ETagEntry, for url: String) {
        state.withLock { state in
            if entry.body.count > Self.maximumEntryBytes {
                guard state.entries.removeValue(forKey: url) != nil else { return }
            } else {
                if state.entries[url]?.entry == entry { return }
                state.entries[url] = Stored(entry: entry, lastUsed: state.tick())
                Self.evict(&state, maximumEntries: maximumEntries)
            }
            persist(&state)
        }
    }

    /// Forgets the answer for `url` and rewrites the file.
    public func removeEntry(for url: String) {
        state.withLock { state in
            guard state.entries.removeValue(forKey: url) != nil else { return }
            persist(&state)
        }
    }

    /// How many answers are stored.
    public var count: Int { state.withLock { $0.entries.count } }

    /// Why the last write of the file failed, or `nil` when it succeeded.
    public var lastWriteError: String? { state.withLock { $0.lastWriteError } }

    private static func evict(_ state: inout State, maximumEntries: Int) {
        var bytes = state.entries.values.reduce(0) { $0 + $1.entry.body.count }
        guard state.entries.count > maximumEntries || bytes > maximumBytes else { return }
        for (url, stored) in state.entries.sorted(by: { $0.value.lastUsed < $1.value.lastUsed }) {
            guard state.entries.count > maximumEntries || bytes > maximumBytes else { break }
            state.entries[url] = nil
            bytes -= stored.entry.body.count
        }
    }

    private func persist(_ state: inout State) {
        let items = state.entries.sorted { $0.value.lastUsed < $1.value.lastUsed }
            .map { FileContents.Item(url: $0.key, entry: $0.value.entry) }
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(FileContents(version: 1, entries: items))
            try AtomicFile.write(data, to: file)
            state.lastWriteError = nil
        } catch {
            state.lastWriteError = "\(error)"
        }
    }
}
