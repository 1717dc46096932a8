#if canImport(Glibc)
import Glibc
#endif

/// A file could not be replaced: which system call failed, on which path, and why.
public struct AtomicFileError: Error, CustomStringConvertible, Sendable {
    /// The system call that failed (`open`, `write`, `fsync`, `close`, `rename`).
    public var call: String
    /// The path it was called on.
    public var path: String
    /// `errno` after the call.
    public var code: Int32

    /// Creates the error for a failed call.
    public init(call: String, path: String, code: Int32) {
        self.call = call
        self.path = path
        self.code = code
    }

    /// `fsync /state/x.tmp failed: No space left on device (errno 28)`.
    public var description: String {
        "\(call) \(path) failed: \(String(cString: strerror(code))) (errno \(code))"
    }
}
