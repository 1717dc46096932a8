public import Foundation

/// The port through which sandboxd learns about requesters and notifies them (docs/behaviour.md §5, §6):
/// GitHub's REST API, or the offline stand-in behind `--local`.
///
/// The port answers questions with facts and decides nothing: ``VerificationPolicy`` decides
/// (docs/behaviour.md §5), and `Verifier` in SandboxRuntime runs the two together.
public protocol GitHubPort: Sendable {
    /// Whether requesters are checked at all: `false` offline without facts (`--local` without
    /// `local/github.json`), where verification is `skipped`.
    var checksRequesters: Bool { get }
    /// Answers one verification question with what GitHub says.
    /// - Throws: ``GitHubError`` when it cannot be asked (the request then stays pending, never rejected).
    func answer(_ question: VerificationQuestion) async throws(GitHubError) -> VerificationFact
    /// The comments of sandboxd's own account on the pull request that carry a marker of `request`,
    /// oldest first: the pull request's record of what sandboxd told (docs/behaviour.md §3.15). Comments
    /// by anyone else never count, whatever they hold.
    func ownComments(pullRequest: Int, request: RequestID) async throws(GitHubError) -> [OwnComment]
    /// Posts a new comment.
    func postComment(pullRequest: Int, body: String) async throws(GitHubError) -> CommentReference
    /// Replaces the body of a comment sandboxd posted before.
    func editComment(_ comment: CommentReference, body: String) async throws(GitHubError)
}

extension GitHubPort {
    /// The oldest of sandboxd's own comments on the pull request whose marker is exactly `marker`.
    public func findComment(pullRequest: Int, marker: String) async throws(GitHubError) -> CommentReference? {
        guard let wanted = NotificationMarker(marker) else { return nil }
        return try await ownComments(pullRequest: pullRequest, request: wanted.request)
            .first { $0.event == wanted.event && $0.occurrence == wanted.occurrence }?.comment
    }
}

/// One comment sandboxd wrote about a request, as found on its pull request: its marker's event and
/// occurrence (``NotificationMarker``), and the comment.
public struct OwnComment: Hashable, Sendable, Codable {
    public var event: NotificationEvent
    public var occurrence: Int
    public var comment: CommentReference

    public init(event: NotificationEvent, occurrence: Int, comment: CommentReference) {
        self.event = event
        self.occurrence = occurrence
        self.comment = comment
    }

    /// The comments of `request` among `bodies` (comment and body, oldest first), one per marker.
    public static func found(
        for request: RequestID,
        in bodies: [(comment: CommentReference, body: String)]
    ) -> [OwnComment] {
        bodies.flatMap { comment, body in
            NotificationMarker.markers(in: body).filter { $0.request == request }.map { marker in
                OwnComment(event: marker.event, occurrence: marker.occurrence, comment: comment)
            }
        }
    }
}

/// What the verifier is asked about one request.
public struct VerificationRequest: Hashable, Sendable {
    public var spec: RequestSpec
    /// The request file's path in the repository: `<prefix>/requests/<id>.json`.
    public var repositoryPath: String
    public var policy: VerificationPolicy
    /// When sandboxd first saw the file (the unmerged-PR grace runs from here).
    public var firstSeen: Date
    public var now: Date

    public init(spec: RequestSpec, repositoryPath: String, policy: VerificationPolicy, firstSeen: Date, now: Date) {
        self.spec = spec
        self.repositoryPath = repositoryPath
        self.policy = policy
        self.firstSeen = firstSeen
        self.now = now
    }
}

/// The verifier's answer.
public enum VerificationOutcome: Hashable, Sendable, Codable {
    /// Everything checked out; `userId` is GitHub's numeric id for the person.
    case verified(userId: Int64, login: String)
    /// Offline (`--local`): GitHub checks were skipped.
    case skipped
    /// Refused, with a reason a person understands.
    case rejected(reason: String, userId: Int64?)
    /// Cannot tell yet (unmerged PR within its grace, GitHub unreachable or rate-limited): ask again at `retryAt`.
    case pending(reason: String, retryAt: Date?)
}

/// A comment sandboxd posted.
public struct CommentReference: Hashable, Sendable, Codable {
    public var id: Int64
    public var url: String?

    public init(id: Int64, url: String? = nil) {
        self.id = id
        self.url = url
    }
}

/// Why a GitHub call failed.
public struct GitHubError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// Rate limited, 5xx or unreachable: try again at `retryAt` or a later pass.
        case unavailable
        /// The token is missing, invalid or lacks a permission.
        case unauthorized
        /// sandboxd's GitHub setup is wrong: its credentials cannot see the repository, the App is not
        /// installed, a key or token file is unreadable, GitHub redirected to another host. The operator
        /// must fix it; nothing is decided meanwhile (a request stays pending, a comment unsent).
        case misconfigured
        /// The pull request or comment does not exist.
        case notFound
        /// Anything else GitHub refused.
        case rejected
    }

    public var kind: Kind
    public var message: String
    /// When GitHub said to come back (rate-limit reset or `Retry-After`).
    public var retryAt: Date?
    /// Whether an `unavailable` error is GitHub's rate limit (primary or secondary) rather than an outage.
    public var isRateLimit: Bool

    public init(_ kind: Kind, message: String, retryAt: Date? = nil, isRateLimit: Bool = false) {
        self.kind = kind
        self.message = message
        self.retryAt = retryAt
        self.isRateLimit = isRateLimit
    }

    public var description: String { message }
}
