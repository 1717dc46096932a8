public import Foundation

/// What the journal remembers of one request: the source of truth for what was already done.
public struct RequestRecord: Hashable, Sendable, Codable {
    public var id: RequestID
    /// The last valid version of the request file (a later invalid edit never replaces it). Once the request
    /// is past verification, a new version only brings its `lease`: who asked and where stay as verified.
    public var spec: RequestSpec
    /// ``RequestSpec/fingerprint`` of the last valid version of the file seen.
    public var fingerprint: String
    /// When sandboxd first saw the file.
    public var firstSeen: Date
    /// Queue order: the order in which sandboxd first saw request files.
    public var order: UInt64
    /// Where the request is, with that phase's facts.
    public var phase: RequestPhase

    /// What the verifier said, and when.
    public var verification: Verification?
    /// How many times it was rejected (the counter of the `rejected` comment).
    public var rejections: Int
    /// How many `expiring` comments were owed so far (the counter of the next one).
    public var expiryWarnings: Int

    /// Comments posted, by event.
    public var notifications: [NotificationEvent: NotificationLog]
    /// When its pull request's comments were last read for what sandboxd told (docs/behaviour.md §3.15);
    /// `nil`: never, by this journal.
    public var pullRequestRead: Date?
    /// When the file of the finished request was seen removed (docs/behaviour.md §3.16).
    public var retired: Date?

    /// A request first seen at `firstSeen`, `order`-th in the queue, pending its verification.
    public init(spec: RequestSpec, firstSeen: Date, order: UInt64) {
        self.id = spec.id
        self.spec = spec
        self.fingerprint = spec.fingerprint
        self.firstSeen = firstSeen
        self.order = order
        self.phase = .pending(Pending())
        self.verification = nil
        self.rejections = 0
        self.expiryWarnings = 0
        self.notifications = [:]
    }

    /// Who this is for the one-live-sandbox rule: GitHub's numeric id when known, else the login.
    public var identity: String {
        if case .verified(let userId, _, _)? = verification {
            return Self.identity(userId: userId, login: spec.requester)
        }
        return Self.identity(userId: nil, login: spec.requester)
    }

    /// The identity of a person (docs/behaviour.md §3.3): GitHub's numeric id when known, else the login
    /// compared ignoring case.
    public static func identity(userId: Int64?, login: String) -> String {
        userId.map { "id:\($0)" } ?? "login:\(login.lowercased())"
    }
}

/// A verifier's answer as recorded.
public enum Verification: Hashable, Sendable, Codable {
    /// Verified as GitHub user `userId` (`login` at the time), against the policy with this fingerprint.
    case verified(userId: Int64, login: String, at: Date)
    /// Offline: GitHub checks skipped.
    case skipped(at: Date)

    /// When the answer was given.
    public var at: Date {
        switch self {
        case .verified(_, _, let at), .skipped(let at): return at
        }
    }

    /// The `verification` value of `status --json`.
    public var label: String {
        switch self {
        case .verified: return "verified"
        case .skipped: return "skipped"
        }
    }
}

/// What was posted for one event.
public struct NotificationLog: Hashable, Sendable, Codable {
    /// How many comments of this event were confirmed posted.
    public var posted: Int
    /// The last comment (the queued comment is edited in place).
    public var comment: CommentReference?
    /// The queue position the queued comment shows.
    public var position: Int?
    /// The occurrence whose posting was started but not confirmed (a crash in between).
    public var unconfirmed: Int?

    public init(posted: Int = 0, comment: CommentReference? = nil, position: Int? = nil, unconfirmed: Int? = nil) {
        self.posted = posted
        self.comment = comment
        self.position = position
        self.unconfirmed = unconfirmed
    }
}

/// What was posted about one request file that does not validate (docs/behaviour.md §2.5, §6.1).
///
/// An *open* notice is the comment telling the file's current invalid version: it is edited in place
/// when the problems change. The file becoming valid (or going) closes it; the next invalid version is
/// told by a new comment, the next occurrence.
public struct InvalidNotice: Hashable, Sendable, Codable {
    /// How many `invalid` comments were confirmed posted (the last one's occurrence).
    public var posted: Int
    /// Whether the last comment tells the file as it is now invalid (not closed by a valid version).
    public var open: Bool
    /// The pull request the last comment is on.
    public var pullRequest: Int?
    /// The fingerprint of the problems the last comment shows.
    public var problems: String?
    /// The last comment (id 0: the pull request could not take it).
    public var comment: CommentReference?
    /// The occurrence whose posting was started but not confirmed (a crash in between).
    public var unconfirmed: Int?

    public init(
        posted: Int = 0,
        open: Bool = false,
        pullRequest: Int? = nil,
        problems: String? = nil,
        comment: CommentReference? = nil,
        unconfirmed: Int? = nil
    ) {
        self.posted = posted
        self.open = open
        self.pullRequest = pullRequest
        self.problems = problems
        self.comment = comment
        self.unconfirmed = unconfirmed
    }

    /// A short fingerprint of `problems` as a comment shows them (position and text), so an edit of the
    /// file that changes what is wrong edits the comment, and one that does not changes nothing.
    public static func problemsFingerprint(_ problems: [Diagnostic]) -> String {
        let text = problems.map { "\($0.line ?? 0):\($0.column ?? 0):\($0.detail)" }.joined(separator: "\n")
        return String(SandboxDigest.hex(of: text).prefix(16))
    }
}
