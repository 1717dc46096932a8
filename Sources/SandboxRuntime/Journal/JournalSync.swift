import Glibc

/// The two flush calls the journal makes, as a seam so tests can simulate a failing disk.
///
/// Each closure takes a file descriptor and returns `0` on success or an `errno` value on failure.
/// Production code uses ``system``.
struct JournalSync: Sendable {
    /// Flushes a file's data and the metadata needed to read it back (`fdatasync`); used after each append.
    var syncData: @Sendable (CInt) -> CInt
    /// Flushes a file or directory completely (`fsync`); used for new files, snapshots and directories.
    var syncAll: @Sendable (CInt) -> CInt

    /// The real `fdatasync(2)` and `fsync(2)`.
    static let system = JournalSync(
        syncData: { fd in retryingOnInterrupt { fdatasync(fd) } },
        syncAll: { fd in retryingOnInterrupt { fsync(fd) } }
    )

    /// Runs `call` until it does not fail with `EINTR`; returns `0` or the `errno` it failed with.
    private static func retryingOnInterrupt(_ call: () -> CInt) -> CInt {
        while true {
            if call() == 0 { return 0 }
            if errno != EINTR { return errno }
        }
    }
}
