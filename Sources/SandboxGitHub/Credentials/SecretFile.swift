import Foundation
import Glibc
import SandboxLocking

/// A file holding a secret (a token, a private key) that an operator may replace while sandboxd runs
/// (docs/behaviour.md §4, "Rotation"): read again whenever it changed.
///
/// Whether it changed is told by its identity and times (device, inode, size, modification and
/// status-change times, to the nanosecond), taken with one `stat` before each use: a file replaced
/// by rename, rewritten in place, or a systemd credential refreshed is read again, an unchanged one
/// costs a `stat`. Its content never appears in an error.
final class SecretFile: Sendable {
    /// The path, as configured.
    let path: String
    /// Where the path came from, for messages: `--github-token-file`, `$CREDENTIALS_DIRECTORY/github-app-key`, …
    let setting: String
    /// What the file holds, for messages: "GitHub token", "GitHub App private key".
    let what: String

    /// The most a secret file may hold: a token is under 1 KiB, a 16384-bit key's PEM under 13 KiB.
    static let maximumBytes = 64 * 1024

    private struct Stamp: Hashable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: timespec
        var changed: timespec

        static func == (lhs: Stamp, rhs: Stamp) -> Bool {
            lhs.device == rhs.device && lhs.inode == rhs.inode && lhs.size == rhs.size
                && lhs.modified.tv_sec == rhs.modified.tv_sec && lhs.modified.tv_nsec == rhs.modified.tv_nsec
                && lhs.changed.tv_sec == rhs.changed.tv_sec && lhs.changed.tv_nsec == rhs.changed.tv_nsec
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(inode)
            hasher.combine(size)
        }
    }

    private let last = Locked<Stamp?>(nil)

    /// - Parameters:
    ///   - path: The file.
    ///   - setting: Where the path came from.
    ///   - what: What it holds.
    init(path: String, setting: String, what: String) {
        self.path = path
        self.setting = setting
        self.what = what
    }

    /// The file's text when it changed since the last call that returned it (always on the first call), else `nil`.
    ///
    /// - Throws: ``GitHubConfigurationError`` (`unreadableTokenFile`) naming the file and why.
    func textIfChanged() throws(GitHubConfigurationError) -> String? {
        let stamp = try currentStamp()
        if last.withLock({ $0 == stamp }) { return nil }
        let text = try read()
        last.withLock { $0 = stamp }
        return text
    }

    /// Forgets what was read, so the next ``textIfChanged()`` reads the file even if it did not change.
    func forget() {
        last.withLock { $0 = nil }
    }

    private func currentStamp() throws(GitHubConfigurationError) -> Stamp {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = errno == ENOENT ? "it does not exist" : String(cString: strerror(errno))
            throw unreadable(reason)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw unreadable((info.st_mode & S_IFMT) == S_IFDIR ? "it is a directory" : "it is not a regular file")
        }
        return Stamp(
            device: UInt64(info.st_dev),
            inode: UInt64(info.st_ino),
            size: Int64(info.st_size),
            modified: info.st_mtim,
            changed: info.st_ctim
        )
    }

    private func read() throws(GitHubConfigurationError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw unreadable(access(path, R_OK) != 0 ? "permission denied" : "it cannot be opened")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: Self.maximumBytes + 1) ?? Data()
        } catch {
            throw unreadable("it cannot be read")
        }
        guard data.count <= Self.maximumBytes else {
            throw unreadable("it is larger than \(Self.maximumBytes / 1024) KiB, which no \(what) is")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw GitHubConfigurationError(.invalidToken, "the \(what) file \(path) (\(setting)) is not UTF-8 text")
        }
        return text
    }

    private func unreadable(_ reason: String) -> GitHubConfigurationError {
        GitHubConfigurationError(
            .unreadableTokenFile,
            "cannot read the \(what) file \(path) (\(setting)): \(reason); check the path and its permissions"
        )
    }
}
