#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to the process's standard output or standard error with `write(2)`, unbuffered, for the
/// commands' output and the log (docs/behaviour.md §4.1).
///
/// A reader that went away is not an error of ours: SIGPIPE is ignored (``ProcessSignals``), `write`
/// answers `EPIPE`, and the rest of the text is dropped — the command carries on and exits with its
/// own status, where Foundation's `FileHandle.write` would stop the process.
public enum StandardStream {
    /// Writes all of `text` to `descriptor` (1 or 2), retrying on `EINTR`; drops it on any other failure.
    public static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }
}
