public import Foundation

/// Everything one notification comment says, decided by the caller (docs/behaviour.md §6).
///
/// The renderer reads no clock and no files: the lease end is already computed, the queue
/// position already ranked, the outputs already filtered by the pool's `outputs` list.
///
/// - Important: ``requester``, ``purpose``, ``reason`` and every ``outputs`` key, value and
///   description are untrusted; ``NotificationRenderer`` escapes them with ``MarkdownEscaping``.
public struct NotificationContext: Hashable, Sendable {
    /// The request the comment is about.
    public var request: RequestID
    /// The GitHub login in the request file.
    public var requester: String
    /// What happened.
    public var event: NotificationEvent
    /// Which time `event` happens for this request, from 1 (an `expiring` after an extension is 2).
    public var occurrence: Int
    /// The pull request the comment goes on.
    public var pullRequest: Int
    /// When the lease ends (`ready`, `expiring`, `ended`).
    public var leaseEnd: Date?
    /// The 1-based rank among queued requests (`queued`).
    public var queuePosition: Int?
    /// Why: the rejection reason (`rejected`), or the last error (`failed`, `quarantined`, `lost`).
    public var reason: String?
    /// Whether the lease ran out or the file was removed (`ended`).
    public var endReason: EndReason?
    /// The product outputs to publish, already filtered by the pool's `outputs` (`ready`).
    public var outputs: [ProductOutput]
    /// The provisioned product's name, `<namePrefix><request-id>`.
    public var productName: String?
    /// The request file's `purpose`.
    public var purpose: String?
    /// The request's lease (its own, or the pool's default).
    public var lease: LeaseDuration?
    /// The pool's `maxLease`, the most `lease` can be raised to (`expiring`, `ready`).
    public var maxLease: LeaseDuration?
    /// The pool's name (`--pool-name`).
    public var poolName: String
    /// The request file's path in the repository, `<prefix>/requests/<id>.json`; `nil` means
    /// `desired-state/requests/<id>.json`.
    public var requestPath: String?

    /// Creates a context; only what every event needs is required.
    public init(
        request: RequestID,
        requester: String,
        event: NotificationEvent,
        occurrence: Int = 1,
        pullRequest: Int,
        leaseEnd: Date? = nil,
        queuePosition: Int? = nil,
        reason: String? = nil,
        endReason: EndReason? = nil,
        outputs: [ProductOutput] = [],
        productName: String? = nil,
        purpose: String? = nil,
        lease: LeaseDuration? = nil,
        maxLease: LeaseDuration? = nil,
        poolName: String = "default",
        requestPath: String? = nil
    ) {
        self.request = request
        self.requester = requester
        self.event = event
        self.occurrence = occurrence
        self.pullRequest = pullRequest
        self.leaseEnd = leaseEnd
        self.queuePosition = queuePosition
        self.reason = reason
        self.endReason = endReason
        self.outputs = outputs
        self.productName = productName
        self.purpose = purpose
        self.lease = lease
        self.maxLease = maxLease
        self.poolName = poolName
        self.requestPath = requestPath
    }

    /// The marker the comment carries.
    public var marker: NotificationMarker {
        NotificationMarker(request: request, event: event, occurrence: occurrence)
    }

    /// ``requestPath``, or `desired-state/requests/<id>.json` when it is not known.
    public var requestFilePath: String {
        requestPath ?? "desired-state/requests/\(request.rawValue).json"
    }
}
