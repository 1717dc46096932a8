import Foundation
import Glibc

/// Small wrappers around the POSIX calls the journal uses, turning failures into ``JournalError``s.
///
/// Every file the journal creates gets mode 0600 and every directory 0700, set with `fchmod`/`chmod` after
/// creation so the umask does not matter. Paths are plain strings (file system representation).
enum JournalIO {
    /// The mode of every file the journal creates.
    static let fileMode: mode_t = 0o600
    /// The mode of every directory the journal creates.
    static let directoryMode: mode_t = 0o700

    /// The file system path of `url`, without a trailing slash (except for `/`).
    static func path(of url: URL) -> String {
        var path = url.path(percentEncoded: false)
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// `directory` + `/` + `name`.
    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The parent directory of `path`.
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Describes an `errno` value as `NAME (message)`, for ``JournalError/cause``.
    static func describe(errno code: CInt) -> String {
        let names: [CInt: String] = [
            EPERM: "EPERM", ENOENT: "ENOENT", EIO: "EIO", EBADF: "EBADF", EAGAIN: "EAGAIN", ENOMEM: "ENOMEM",
            EACCES: "EACCES", EEXIST: "EEXIST", ENOTDIR: "ENOTDIR", EISDIR: "EISDIR", EINVAL: "EINVAL",
            ENFILE: "ENFILE", EMFILE: "EMFILE", EFBIG: "EFBIG", ENOSPC: "ENOSPC", EROFS: "EROFS",
            ELOOP: "ELOOP", ENAMETOOLONG: "ENAMETOOLONG", EDQUOT: "EDQUOT", EINTR: "EINTR", ENOLCK: "ENOLCK",
        ]
        let name = names[code] ?? "errno \(code)"
        return "\(name) (\(String(cString: strerror(code))))"
    }

    /// A ``JournalError`` for a failed system call, with the current `errno` as its cause.
    static func failure(
        _ code: JournalError.Code,
        _ message: String,
        path: String,
        errno saved: CInt = errno,
        fileID: String = #fileID,
        line: Int = #line
    ) -> JournalError {
        JournalError(
            code: code,
            message: message,
            path: path,
            cause: describe(errno: saved),
            fileID: fileID,
            line: line
        )
    }

    /// Opens `path`, retrying on `EINTR`. With `O_CREAT` the file is given mode 0600 explicitly. A symbolic link
    /// as the last path component is refused (`O_NOFOLLOW`): journal files are never links.
    ///
    /// - Returns: The descriptor, or `nil` when `nilIfMissing` is set and the file does not exist.
    static func open(
        _ path: String,
        flags: CInt,
        nilIfMissing: Bool = false,
        purpose: String
    ) throws(JournalError) -> CInt? {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC | O_NOFOLLOW, fileMode)
            if fd >= 0 {
                if flags & O_CREAT != 0 && fchmod(fd, fileMode) != 0 {
                    let saved = errno
                    Glibc.close(fd)
                    throw failure(.io, "cannot set mode 0600 on \(path) (\(purpose))", path: path, errno: saved)
                }
                return fd
            }
            let saved = errno
            if saved == EINTR { continue }
            if saved == ENOENT && nilIfMissing { return nil }
            if saved == ELOOP { throw symbolicLink(path) }
            throw failure(
                .io,
                "cannot open \(path) (\(purpose)); check that the state directory is writable by sandboxd's user",
                path: path,
                errno: saved
            )
        }
    }

    /// Closes `fd`, ignoring errors (the journal never relies on `close` to flush).
    static func close(_ fd: CInt) {
        _ = Glibc.close(fd)
    }

    /// Writes all of `bytes` at the file's current position (or its end, with `O_APPEND`).
    ///
    /// - Returns: `0` on success, or the `errno` of the failed `write`. A failure may leave part of `bytes`
    ///   written.
    static func writeAll(_ fd: CInt, _ bytes: [UInt8]) -> CInt {
        bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let count = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if count == 0 { return EIO }
                done += count
            }
            return 0
        }
    }

    /// Reads the whole file at `path`.
    ///
    /// - Returns: The bytes, or `nil` if the file does not exist.
    static func readFile(_ path: String) throws(JournalError) -> [UInt8]? {
        guard let fd = try open(path, flags: O_RDONLY, nilIfMissing: true, purpose: "reading the journal") else {
            return nil
        }
        defer { close(fd) }
        // One buffer of the file's size, read into directly: growing one chunk by chunk copied it several times
        // and could hold twice its size (a snapshot of 100,000 requests is 77 MB).
        var info = stat()
        let size = fstat(fd, &info) == 0 ? max(Int(info.st_size), 0) : 0
        var failed = false
        var bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, count in
            count = 0
            while count < buffer.count {
                let read = Glibc.read(fd, buffer.baseAddress! + count, buffer.count - count)
                if read < 0 && errno == EINTR { continue }
                if read <= 0 {
                    failed = read < 0
                    return
                }
                count += read
            }
        }
        if failed { throw failure(.io, "cannot read \(path)", path: path) }
        if bytes.count <= size { return bytes }
        // The file grew while it was read: the rest, chunk by chunk.
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(.io, "cannot read \(path)", path: path)
            }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    /// The names in `directory` (without `.` and `..`), or `nil` if it does not exist.
    static func listDirectory(_ directory: String) throws(JournalError) -> [String]? {
        var info = stat()
        if lstat(directory, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK { throw symbolicLink(directory) }
        guard let stream = opendir(directory) else {
            if errno == ENOENT { return nil }
            throw failure(.io, "cannot list \(directory)", path: directory)
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// A link where the journal keeps its files (docs/behaviour.md §4.5): refused, never followed. Two state
    /// directories sharing one journal through a linked `journal/` would each undo the other's work, and
    /// the lock guards only its own directory.
    static func symbolicLink(_ path: String) -> JournalError {
        JournalError(
            code: .io,
            message: "\(path) is a symbolic link, and sandboxd follows no link in its state directory (two state "
                + "directories must never share a journal): replace the link with the directory or file itself",
            path: path
        )
    }

    /// Whether something exists at `path` (without following a final symlink).
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// The inode number of `path`, or `nil` if it does not exist; used to notice a file being replaced.
    static func inode(_ path: String) -> UInt64? {
        var info = stat()
        return lstat(path, &info) == 0 ? UInt64(info.st_ino) : nil
    }

    /// Removes the file at `path`; a missing file is not an error.
    static func remove(_ path: String) throws(JournalError) {
        if unlink(path) != 0 && errno != ENOENT {
            throw failure(.io, "cannot remove \(path)", path: path)
        }
    }

    /// Renames `source` to `destination` (atomic on one file system).
    static func rename(_ source: String, to destination: String) throws(JournalError) {
        if Glibc.rename(source, destination) != 0 {
            throw failure(.io, "cannot rename \(source) to \(destination)", path: source)
        }
    }

    /// Flushes `fd` with `sync`, throwing ``JournalError/Code/fsyncFailed`` on failure.
    static func sync(
        _ fd: CInt,
        path: String,
        with sync: @Sendable (CInt) -> CInt
    ) throws(JournalError) {
        let result = sync(fd)
        guard result == 0 else {
            throw failure(
                .fsyncFailed,
                "flushing \(path) to disk failed; data written since the last flush may be lost. sandboxd stops "
                    + "using the journal; check the disk and the kernel log, then restart sandboxd, which "
                    + "recovers from what reached the disk",
                path: path,
                errno: result
            )
        }
    }

    /// Opens the directory at `path` and flushes it, so that entries created, renamed or removed in it are
    /// durable.
    ///
    /// The directory may be a symbolic link (a state directory often is), so it is followed.
    static func syncDirectory(_ path: String, with sync: @Sendable (CInt) -> CInt) throws(JournalError) {
        var fd: CInt
        repeat { fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw failure(.io, "cannot open directory \(path) to flush it", path: path) }
        defer { close(fd) }
        try JournalIO.sync(fd, path: path, with: sync)
    }

    /// Creates the directory at `path` with mode 0700 (and any missing parents, also 0700), flushing each parent
    /// so the new entry is durable. An existing directory is left as it is.
    ///
    /// - Returns: Whether `path` was created.
    @discardableResult
    static func makeDirectory(_ path: String, sync: @Sendable (CInt) -> CInt) throws(JournalError) -> Bool {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw JournalError(code: .io, message: "\(path) exists but is not a directory", path: path)
            }
            return false
        }
        let parent = parent(of: path)
        if parent != path { try makeDirectory(parent, sync: sync) }
        if mkdir(path, directoryMode) != 0 {
            if errno == EEXIST { return false }
            throw failure(.io, "cannot create directory \(path)", path: path)
        }
        if chmod(path, directoryMode) != 0 {
            throw failure(.io, "cannot set mode 0700 on \(path)", path: path)
        }
        try syncDirectory(parent, with: sync)
        return true
    }
}

extension JournalIO {
    /// Creates the file at `path` (which must not exist) with mode 0600, writes `bytes`, flushes it and closes it.
    ///
    /// On a write failure the partial file is removed. The directory is not flushed; do that after renaming.
    static func writeNewFile(_ path: String, bytes: [UInt8], sync: @Sendable (CInt) -> CInt) throws(JournalError) {
        guard let fd = try open(path, flags: O_WRONLY | O_CREAT | O_EXCL, purpose: "writing a new file") else {
            return
        }
        defer { close(fd) }
        let result = writeAll(fd, bytes)
        guard result == 0 else {
            try? remove(path)
            throw failure(.io, "cannot write \(path); check free space and the disk", path: path, errno: result)
        }
        try JournalIO.sync(fd, path: path, with: sync)
    }
}
