/// An error from the journal's storage layer (``FileJournal``, ``StateDirectoryLock``).
///
/// ``message`` says what happened and what the operator can do about it; it is written to be shown as is
/// (in a log line, in `STATUS=`, on stderr before exiting 1). ``cause`` carries the underlying system error, if
/// any, for example `EIO (Input/output error)`.
public struct JournalError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; switch on it to decide how to react.
    public enum Code: Sendable, Equatable, CustomStringConvertible {
        /// Another open file description (another sandboxd, or another ``StateDirectoryLock`` in this process)
        /// holds the state directory's lock. `pid` is the holder's pid as written in the lock file, if readable.
        case lockHeld(pid: Int32?)
        /// The journal is damaged in a way that is not a torn tail: a bad record followed by valid ones, a bad
        /// segment header or snapshot, a sequence gap, or segments from different journals. Never repaired
        /// automatically.
        case corrupted
        /// The journal was written by a newer, incompatible version of sandboxd.
        case unsupportedFormat
        /// `fsync`/`fdatasync` failed. Fatal: the journal refuses every later call (see ``FileJournal``); the
        /// process should exit and recover from the journal on restart. Never retried.
        case fsyncFailed
        /// An earlier fatal error (``fsyncFailed``) made this journal unusable.
        case unusable
        /// The journal was closed with ``FileJournal/close()``.
        case closed
        /// The payload exceeds ``FileJournal/maximumPayloadLength``.
        case payloadTooLarge
        /// Any other system call failed (open, write, rename, …); see ``JournalError/cause``.
        case io

        /// The code's name, for logs.
        public var description: String {
            switch self {
            case .lockHeld(let pid): "lockHeld(pid: \(pid.map(String.init) ?? "unknown"))"
            case .corrupted: "corrupted"
            case .unsupportedFormat: "unsupportedFormat"
            case .fsyncFailed: "fsyncFailed"
            case .unusable: "unusable"
            case .closed: "closed"
            case .payloadTooLarge: "payloadTooLarge"
            case .io: "io"
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What happened and what the operator should do, in one or two sentences.
    public var message: String
    /// The file or directory concerned, if any.
    public var path: String?
    /// The byte offset in ``path`` where the problem was found, for ``Code/corrupted``.
    public var offset: UInt64?
    /// The underlying system error, for example `EIO (Input/output error)`, if any.
    public var cause: String?
    /// The source file that raised the error (`#fileID`).
    public var fileID: String
    /// The source line that raised the error (`#line`).
    public var line: Int

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What kind of failure this is.
    ///   - message: What happened and what the operator should do.
    ///   - path: The file or directory concerned.
    ///   - offset: The byte offset in `path` where the problem was found.
    ///   - cause: The underlying system error.
    public init(
        code: Code,
        message: String,
        path: String? = nil,
        offset: UInt64? = nil,
        cause: String? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.offset = offset
        self.cause = cause
        self.fileID = fileID
        self.line = line
    }

    /// The message, followed by the cause in brackets when there is one.
    public var description: String {
        guard let cause else { return message }
        return "\(message) [\(cause)]"
    }
}
