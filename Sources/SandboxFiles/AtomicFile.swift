public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Replaces a file atomically and durably: the one writer of whole files outside the journal.
///
/// A crash at any instruction leaves either the old file or the new one, never a mix.
public enum AtomicFile {
    /// Writes `data` to a temporary file beside `url`, fsyncs it, renames it over `url` and fsyncs the
    /// directory. Creates the directory (0700) when missing; the file is 0600 unless `mode` says otherwise
    /// (set with `fchmod`, so the process's umask does not narrow it: the metrics file, docs/behaviour.md §8).
    ///
    /// - Throws: ``AtomicFileError`` naming the system call, the path and the error.
    public static func write(_ data: Data, to url: URL, mode: mode_t = 0o600) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(
            at: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let temporary = temporaryURL(for: url).path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AtomicFileError(call: "open", path: temporary, code: errno) }
        var closed = false
        defer { if !closed { close(fd) } }
        if mode != 0o600, fchmod(fd, mode) != 0 { throw AtomicFileError(call: "fchmod", path: temporary, code: errno) }
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw AtomicFileError(call: "write", path: temporary, code: errno)
                }
                offset += written
            }
        }
        guard fsync(fd) == 0 else { throw AtomicFileError(call: "fsync", path: temporary, code: errno) }
        closed = true
        guard close(fd) == 0 else { throw AtomicFileError(call: "close", path: temporary, code: errno) }
        guard rename(temporary, url.path) == 0 else {
            throw AtomicFileError(call: "rename", path: temporary, code: errno)
        }
        try syncDirectory(directory.path)
    }

    /// The temporary file ``write(_:to:)`` writes before renaming it over `url`: `.<name>.tmp` beside it.
    public static func temporaryURL(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
    }

    /// Flushes a directory, so that a rename in it survives a power cut.
    private static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw AtomicFileError(call: "open", path: path, code: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw AtomicFileError(call: "fsync", path: path, code: errno) }
    }
}
