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
    /// What is wrong with the request file (`invalid`), each as `line L, column C: field: message`, at most
    /// ``maximumProblemsShown`` of them.
    public var problems: [String]
    /// How many problems the file has in all (`invalid`: the rest are counted, not quoted).
    public var problemCount: Int
    /// Whether a last valid version of the file stays in force (`invalid`: the edit is ignored).
    public var lastValidInForce: Bool

    /// The most problems an `invalid` comment quotes (docs/behaviour.md §6.1).
    public static let maximumProblemsShown = 5

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
        requestPath: String? = nil,
        problems: [String] = [],
        problemCount: Int? = nil,
        lastValidInForce: Bool = false
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
        self.problems = Array(problems.prefix(Self.maximumProblemsShown))
        self.problemCount = max(problemCount ?? problems.count, self.problems.count)
        self.lastValidInForce = lastValidInForce
    }

    /// A problem as an `invalid` comment quotes it: `line 3, column 5: lease: …` (the file is named once).
    public static func problemLine(_ diagnostic: Diagnostic) -> String {
        let place = diagnostic.line.map { line in
            "line \(line)" + (diagnostic.column.map { ", column \($0)" } ?? "") + ": "
        }
        return (place ?? "") + diagnostic.detail
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
