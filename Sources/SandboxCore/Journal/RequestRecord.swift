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
    public var state: RequestState
    public var endReason: EndReason?
    /// Why it was rejected, failed, lost or quarantined, or why it is still pending.
    public var reason: String?

    /// What the verifier said, and when.
    public var verification: Verification?
    /// A pending verification is asked again no earlier than this.
    public var verifyRetryAt: Date?
    /// How many times it was rejected (the counter of the `rejected` comment).
    public var rejections: Int

    /// The current provisioning attempt and its progress.
    public var provisioning: ProvisioningProgress?
    /// The product, once Service Catalog named it.
    public var productId: String?
    /// The product name used (`<namePrefix><id>` at the time it was provisioned).
    public var productName: String?
    /// Outputs read when the product became available.
    public var outputs: [ProductOutput]
    public var leaseStart: Date?
    public var leaseEnd: Date?
    /// The lease end the last `expiring` comment warned about.
    public var warnedLeaseEnd: Date?
    /// How many `expiring` comments were owed so far (the counter of the next one).
    public var expiryWarnings: Int

    /// Comments posted, by event.
    public var notifications: [NotificationEvent: NotificationLog]

    public init(spec: RequestSpec, firstSeen: Date, order: UInt64) {
        self.id = spec.id
        self.spec = spec
        self.fingerprint = spec.fingerprint
        self.firstSeen = firstSeen
        self.order = order
        self.state = .pending
        self.endReason = nil
        self.reason = nil
        self.verification = nil
        self.verifyRetryAt = nil
        self.rejections = 0
        self.provisioning = nil
        self.productId = nil
        self.productName = nil
        self.outputs = []
        self.leaseStart = nil
        self.leaseEnd = nil
        self.warnedLeaseEnd = nil
        self.expiryWarnings = 0
        self.notifications = [:]
    }

    /// Who this is for the one-live-sandbox rule: GitHub's numeric id when known, else the login.
    public var identity: String {
        if case .verified(let userId, _, _)? = verification { return "id:\(userId)" }
        return "login:\(spec.requester.lowercased())"
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

/// The progress of the current provisioning attempt.
public struct ProvisioningProgress: Hashable, Sendable, Codable {
    /// 1, 2 or 3.
    public var attempt: Int
    /// The call made (or about to be made); repeating it after a crash is the same call.
    public var request: ProvisionRequest
    /// Set once Service Catalog accepted the call.
    public var recordId: String?
    /// A failed attempt's product is being cleaned up before the next attempt.
    public var failedReason: String?
    /// The next attempt starts no earlier than this.
    public var retryAt: Date?

    public init(attempt: Int, request: ProvisionRequest) {
        self.attempt = attempt
        self.request = request
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
