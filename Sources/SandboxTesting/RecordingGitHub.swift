import Foundation
public import SandboxCore
import SandboxLocking

/// Wraps a ``GitHubPort`` and counts the comments posted per marker, so a test can prove none was
/// posted twice.
public final class RecordingGitHub: GitHubPort {
    let wrapped: any GitHubPort
    private let posted = Locked<[String: Int]>([:])

    public init(_ wrapped: any GitHubPort) {
        self.wrapped = wrapped
    }

    /// How many times a comment with each marker was posted (edits not counted).
    public var postsByMarker: [String: Int] { posted.withLock { $0 } }

    /// The wrapped port's.
    public var checksRequesters: Bool { wrapped.checksRequesters }

    /// The wrapped port's answer.
    public func answer(_ question: VerificationQuestion) async throws(GitHubError) -> VerificationFact {
        try await wrapped.answer(question)
    }

    public func ownComments(pullRequest: Int, request: RequestID) async throws(GitHubError) -> [OwnComment] {
        try await wrapped.ownComments(pullRequest: pullRequest, request: request)
    }

    public func postComment(pullRequest: Int, body: String) async throws(GitHubError) -> CommentReference {
        let reference = try await wrapped.postComment(pullRequest: pullRequest, body: body)
        let marker =
            body.range(of: "<!-- sandboxd:", options: .backwards).map { String(body[$0.lowerBound...]) } ?? body
        posted.withLock { $0[marker, default: 0] += 1 }
        return reference
    }

    public func editComment(_ comment: CommentReference, body: String) async throws(GitHubError) {
        try await wrapped.editComment(comment, body: body)
    }
}
