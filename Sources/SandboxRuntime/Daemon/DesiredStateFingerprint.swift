#if canImport(Glibc)
import Glibc
#endif

/// What the desired-state files look like from outside: the identity of the directory itself and the name, size,
/// modification time and inode of every entry of the top directory, `requests/` and `templates/`.
///
/// Two fingerprints differ when a file was added, removed, renamed over or rewritten, or when the directory was
/// swapped for another one (a symlink pointed elsewhere); the daemon then passes (docs/behaviour.md §7). It is
/// what ``DesiredStateWatcher`` compares when it polls. Files are not read: a rewrite that keeps the size and the
/// modification time to the nanosecond (and the inode) goes unseen.
public struct DesiredStateFingerprint: Equatable, Sendable {
    /// One entry as `stat(2)` sees it (symlinks followed); every field is zero for an entry that vanished
    /// between listing and `stat`.
    struct Entry: Equatable, Sendable {
        var device: UInt64 = 0
        var inode: UInt64 = 0
        var size: Int64 = 0
        var modifiedSeconds: Int = 0
        var modifiedNanoseconds: Int = 0
    }

    /// Keyed by `sub/name`: `/pool.json`, `requests/alice.json`.
    var entries: [String: Entry] = [:]
    /// The directories that cannot be listed (missing, not a directory, no permission): `""`, `requests`,
    /// `templates`.
    var unlisted: Set<String> = []
    /// The directory itself (after symlinks), `nil` when it is missing.
    var directoryIdentity: Entry?

    /// Looks at `directory` now.
    public init(directory: String) {
        directoryIdentity = Self.entry(at: directory)
        for sub in ["", "requests", "templates"] {
            let path = sub.isEmpty ? directory : directory + "/" + sub
            guard let names = Self.names(in: path) else {
                unlisted.insert(sub)
                continue
            }
            for name in names {
                entries[sub + "/" + name] = Self.entry(at: path + "/" + name) ?? Entry()
            }
        }
    }

    /// The names in a directory (without `.` and `..`), or `nil` when it cannot be opened.
    static func names(in path: String) -> [String]? {
        guard let handle = opendir(path) else { return nil }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// `stat(2)` of a path, `nil` when it fails.
    static func entry(at path: String) -> Entry? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Entry(
            device: UInt64(info.st_dev),
            inode: UInt64(info.st_ino),
            size: Int64(info.st_size),
            modifiedSeconds: Int(info.st_mtim.tv_sec),
            modifiedNanoseconds: Int(info.st_mtim.tv_nsec)
        )
    }
}
