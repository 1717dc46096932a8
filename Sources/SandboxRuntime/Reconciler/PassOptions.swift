public import Foundation
public import SandboxCore

/// How one pass runs (docs/behaviour.md §4).
public struct PassOptions: Sendable {
    /// Where the comments owed go out.
    public enum Comments: Sendable, Hashable {
        /// Not in the pass: the daemon's comment lane sends them.
        case ownLane
        /// After the catalog work, for at most this many seconds; what is left goes out next time.
        case within(TimeInterval)
    }

    /// `--allow-mass-release` or the allow file: lets this pass past the safety brake.
    public var allowMassRelease: Bool
    /// The pass's id in the logs.
    public var reconcileID: String
    /// No call starts at or after this time (`reconcile --timeout`).
    public var deadline: Date?
    /// Where the comments go.
    public var comments: Comments

    /// How long a pass may spend on comments by default: a pass is never held longer by them.
    public static let defaultCommentBudget: TimeInterval = 25

    public init(
        allowMassRelease: Bool = false,
        reconcileID: String = "",
        deadline: Date? = nil,
        comments: Comments = .within(PassOptions.defaultCommentBudget)
    ) {
        self.allowMassRelease = allowMassRelease
        self.reconcileID = reconcileID
        self.deadline = deadline
        self.comments = comments
    }
}

/// How late a timed step was: an expiry warning or a lease's termination, measured when it was
/// carried out against when it fell due (docs/behaviour.md §8: `sandboxd_expiry_lateness_seconds`).
public struct Lateness: Hashable, Sendable {
    /// What was late.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case warning
        case termination
    }

    public var kind: Kind
    /// The request.
    public var request: RequestID
    /// Seconds after it fell due (never negative: nothing is done early).
    public var seconds: TimeInterval

    public init(kind: Kind, request: RequestID, seconds: TimeInterval) {
        self.kind = kind
        self.request = request
        self.seconds = seconds
    }
}
