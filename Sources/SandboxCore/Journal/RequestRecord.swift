public import Foundation

/// What the journal remembers of one request: the source of truth for what was already done.
///
/// Its fields live in one shared box, copied only when a copy that shares it is changed (copy-on-write): the
/// planner and the fold pass records by value, and a copy costs one retain instead of one per field.
public struct RequestRecord: Hashable, Sendable, Codable {
    /// The fields, shared by the copies of a record until one of them changes.
    private var storage: Storage

    /// The request's id (its file's name without `.json`).
    public var id: RequestID {
        get { storage.id }
        _modify {
            makeUnique()
            yield &storage.id
        }
    }
    /// The last valid version of the request file (a later invalid edit never replaces it). Once the request
    /// is past verification, a new version only brings its `lease`: who asked and where stay as verified.
    public var spec: RequestSpec {
        get { storage.spec }
        _modify {
            makeUnique()
            yield &storage.spec
        }
    }
    /// ``RequestSpec/fingerprint`` of the last valid version of the file seen.
    public var fingerprint: String {
        get { storage.fingerprint }
        _modify {
            makeUnique()
            yield &storage.fingerprint
        }
    }
    /// When sandboxd first saw the file.
    public var firstSeen: Date {
        get { storage.firstSeen }
        _modify {
            makeUnique()
            yield &storage.firstSeen
        }
    }
    /// Queue order: the order in which sandboxd first saw request files.
    public var order: UInt64 {
        get { storage.order }
        _modify {
            makeUnique()
            yield &storage.order
        }
    }
    /// Where the request is, with that phase's facts.
    public var phase: RequestPhase {
        get { storage.phase }
        _modify {
            makeUnique()
            yield &storage.phase
        }
    }
    /// What the verifier said, and when.
    public var verification: Verification? {
        get { storage.verification }
        _modify {
            makeUnique()
            yield &storage.verification
        }
    }
    /// How many times it was rejected (the counter of the `rejected` comment).
    public var rejections: Int {
        get { storage.rejections }
        _modify {
            makeUnique()
            yield &storage.rejections
        }
    }
    /// How many `expiring` comments were owed so far (the counter of the next one).
    public var expiryWarnings: Int {
        get { storage.expiryWarnings }
        _modify {
            makeUnique()
            yield &storage.expiryWarnings
        }
    }
    /// Comments posted, by event.
    public var notifications: [NotificationEvent: NotificationLog] {
        get { storage.notifications }
        _modify {
            makeUnique()
            yield &storage.notifications
        }
    }
    /// When its pull request's comments were last read for what sandboxd told (docs/behaviour.md §3.15);
    /// `nil`: never, by this journal.
    public var pullRequestRead: Date? {
        get { storage.pullRequestRead }
        _modify {
            makeUnique()
            yield &storage.pullRequestRead
        }
    }
    /// When the file of the finished request was seen removed (docs/behaviour.md §3.16).
    public var retired: Date? {
        get { storage.retired }
        _modify {
            makeUnique()
            yield &storage.retired
        }
    }

    /// A request first seen at `firstSeen`, `order`-th in the queue, pending its verification.
    public init(spec: RequestSpec, firstSeen: Date, order: UInt64) {
        storage = Storage(spec: spec, firstSeen: firstSeen, order: order)
    }

    /// Gives this copy a box of its own before it changes, unless it is the box's only owner.
    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(copying: storage) }
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

    public static func == (lhs: RequestRecord, rhs: RequestRecord) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) {
        storage.fields.hash(into: &hasher)
    }

    private enum CodingKeys: String, CodingKey {
        case id, spec, fingerprint, firstSeen, order, phase, verification, rejections, expiryWarnings, notifications
        case pullRequestRead, retired
    }

    /// Reads a record as its fields were written (the keys of the stored properties it had before its box).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            spec: try container.decode(RequestSpec.self, forKey: .spec),
            firstSeen: try container.decode(Date.self, forKey: .firstSeen),
            order: try container.decode(UInt64.self, forKey: .order)
        )
        id = try container.decode(RequestID.self, forKey: .id)
        fingerprint = try container.decode(String.self, forKey: .fingerprint)
        phase = try container.decode(RequestPhase.self, forKey: .phase)
        verification = try container.decodeIfPresent(Verification.self, forKey: .verification)
        rejections = try container.decode(Int.self, forKey: .rejections)
        expiryWarnings = try container.decode(Int.self, forKey: .expiryWarnings)
        notifications = try container.decode([NotificationEvent: NotificationLog].self, forKey: .notifications)
        pullRequestRead = try container.decodeIfPresent(Date.self, forKey: .pullRequestRead)
        retired = try container.decodeIfPresent(Date.self, forKey: .retired)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(spec, forKey: .spec)
        try container.encode(fingerprint, forKey: .fingerprint)
        try container.encode(firstSeen, forKey: .firstSeen)
        try container.encode(order, forKey: .order)
        try container.encode(phase, forKey: .phase)
        try container.encodeIfPresent(verification, forKey: .verification)
        try container.encode(rejections, forKey: .rejections)
        try container.encode(expiryWarnings, forKey: .expiryWarnings)
        try container.encode(notifications, forKey: .notifications)
        try container.encodeIfPresent(pullRequestRead, forKey: .pullRequestRead)
        try container.encodeIfPresent(retired, forKey: .retired)
    }

    /// The box of a record's fields. Changed only by a record that owns it alone (``makeUnique()``), so
    /// sharing it between threads is safe.
    private final class Storage: @unchecked Sendable {
        var id: RequestID
        var spec: RequestSpec
        var fingerprint: String
        var firstSeen: Date
        var order: UInt64
        var phase: RequestPhase
        var verification: Verification?
        var rejections: Int
        var expiryWarnings: Int
        var notifications: [NotificationEvent: NotificationLog]
        var pullRequestRead: Date?
        var retired: Date?

        init(spec: RequestSpec, firstSeen: Date, order: UInt64) {
            id = spec.id
            self.spec = spec
            fingerprint = spec.fingerprint
            self.firstSeen = firstSeen
            self.order = order
            phase = .pending(Pending())
            verification = nil
            rejections = 0
            expiryWarnings = 0
            notifications = [:]
        }

        init(copying other: Storage) {
            id = other.id
            spec = other.spec
            fingerprint = other.fingerprint
            firstSeen = other.firstSeen
            order = other.order
            phase = other.phase
            verification = other.verification
            rejections = other.rejections
            expiryWarnings = other.expiryWarnings
            notifications = other.notifications
            pullRequestRead = other.pullRequestRead
            retired = other.retired
        }

        /// The fields, for equality and hashing.
        var fields: Fields {
            Fields(
                id: id,
                spec: spec,
                fingerprint: fingerprint,
                firstSeen: firstSeen,
                order: order,
                phase: phase,
                verification: verification,
                rejections: rejections,
                expiryWarnings: expiryWarnings,
                notifications: notifications,
                pullRequestRead: pullRequestRead,
                retired: retired
            )
        }
    }

    /// A record's fields as one value (what equality and hashing compare).
    private struct Fields: Hashable {
        var id: RequestID
        var spec: RequestSpec
        var fingerprint: String
        var firstSeen: Date
        var order: UInt64
        var phase: RequestPhase
        var verification: Verification?
        var rejections: Int
        var expiryWarnings: Int
        var notifications: [NotificationEvent: NotificationLog]
        var pullRequestRead: Date?
        var retired: Date?
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
