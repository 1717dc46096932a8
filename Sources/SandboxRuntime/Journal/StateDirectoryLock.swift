public import Foundation
import Glibc
import SandboxLocking

/// The single-writer lock on a state directory: `flock(LOCK_EX | LOCK_NB)` on `DIR/lock`.
///
/// Whoever holds it may write the state directory (append to the journal, repair a torn tail, compact); readers
/// (`status`, `plan`) never take it. The holder writes its pid into the lock file so that a second sandboxd can
/// say who is in the way.
///
/// The lock belongs to the open file description, not the process: a second ``acquire(stateDirectory:)`` on
/// the same directory fails even within one process. It is released by ``release()``, when the value is
/// deinitialized, and by the kernel when the process dies, so a crash never leaves a stale lock behind (a stale
/// pid in the file is harmless: it is only read when the lock is actually held).
public final class StateDirectoryLock: Sendable {
    /// The state directory this lock guards.
    public let stateDirectory: URL
    /// The state directory's file system path.
    let directoryPath: String
    /// The lock file's descriptor; `-1` once released.
    private let descriptor: Locked<CInt>

    /// The name of the lock file inside the state directory.
    static let fileName = "lock"

    private init(stateDirectory: URL, directoryPath: String, descriptor: CInt) {
        self.stateDirectory = stateDirectory
        self.directoryPath = directoryPath
        self.descriptor = Locked(descriptor)
    }

    deinit {
        release()
    }

    /// How many 5 ms waits a lock held under this process's own pid gets (see ``acquire(stateDirectory:)``).
    static let ownLockRetries = 200

    /// Takes the lock on `stateDirectory`, creating the directory (mode 0700) and the lock file (mode 0600)
    /// if they are missing, and writes this process's pid into the lock file.
    ///
    /// - Parameter stateDirectory: The state directory (`--state-dir`).
    /// - Returns: The held lock; keep it alive for as long as you write the directory.
    /// - Throws: ``JournalError`` with ``JournalError/Code/lockHeld(pid:)`` if someone else holds the lock, or
    ///   ``JournalError/Code/io`` if the directory or file cannot be created or opened.
    public static func acquire(stateDirectory: URL) throws(JournalError) -> StateDirectoryLock {
        let directory = JournalIO.path(of: stateDirectory)
        try JournalIO.makeDirectory(directory, sync: JournalSync.system.syncAll)
        let path = JournalIO.join(directory, fileName)
        guard let fd = try JournalIO.open(path, flags: O_RDWR | O_CREAT, purpose: "the state directory lock") else {
            throw JournalError(code: .io, message: "cannot open \(path)", path: path)
        }
        var ownRetries = 0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let saved = errno
            if saved == EINTR { continue }
            if saved == EWOULDBLOCK {
                let pid = readPID(fd)
                // Held under this process's own pid: a lock this process released a moment ago whose file
                // is still open in a child being spawned (between fork and exec, before close-on-exec).
                // That lasts microseconds; wait for it rather than report ourselves as another sandboxd.
                if pid == getpid(), ownRetries < Self.ownLockRetries {
                    ownRetries += 1
                    usleep(5_000)
                    continue
                }
                JournalIO.close(fd)
                throw JournalError(
                    code: .lockHeld(pid: pid),
                    message: "state directory \(directory) is in use by another sandboxd "
                        + "(pid \(pid.map(String.init) ?? "unknown")); stop it or use another --state-dir",
                    path: path
                )
            }
            JournalIO.close(fd)
            throw JournalIO.failure(.io, "cannot lock \(path)", path: path, errno: saved)
        }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) != 0 || pid.withUnsafeBytes({ pwrite(fd, $0.baseAddress!, $0.count, 0) }) != pid.count {
            let saved = errno
            JournalIO.close(fd)
            throw JournalIO.failure(.io, "cannot write this process's pid into \(path)", path: path, errno: saved)
        }
        return StateDirectoryLock(stateDirectory: stateDirectory, directoryPath: directory, descriptor: fd)
    }

    /// Whether this value still holds the lock.
    public var isHeld: Bool {
        descriptor.withLock { $0 >= 0 }
    }

    /// Releases the lock (by closing the lock file). Calling it again does nothing. The pid stays in the file;
    /// it is only read while someone holds the lock.
    public func release() {
        descriptor.withLock { fd in
            guard fd >= 0 else { return }
            JournalIO.close(fd)
            fd = -1
        }
    }

    /// The pid the holder wrote into the lock file, if it is there yet.
    private static func readPID(_ fd: CInt) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text)
    }
}
