import Foundation
public import SandboxCore

/// The real ``GitHubPort``: answers verification questions (docs/behaviour.md §5) and comments on
/// their pull requests (docs/behaviour.md §6) through GitHub's REST API, in one repository.
///
/// - ``answer(_:)`` returns facts (a pull request, its files, an account, a membership) and
///   decides nothing; ``VerificationPolicy`` decides. A membership the token cannot see is
///   ``MembershipAnswer/cannotTell(reason:)``, never "not a member". See
///   `GitHubAdapter+Verification.swift` for the calls.
/// - ``findComment(pullRequest:marker:)`` reads the pull request's comments (issue comments,
///   every page, conditionally) and matches the exact marker only in comments whose author's id is
///   sandboxd's own account (`GET /user`), never someone else's.
/// - ``postComment(pullRequest:body:)`` and ``editComment(_:body:)`` write through the issue
///   comments endpoints, one at a time and paced (``GitHubClient``). Bodies come from
///   `NotificationRenderer`, already escaped and within GitHub's size limit.
///
/// Build one with ``fromEnvironment(repository:token:apiURL:stateDirectory:now:transport:)``.
public struct GitHubAdapter: GitHubPort {
    /// The repository whose pull requests are checked and commented on.
    public let repository: GitHubRepository
    /// The REST client.
    public let client: GitHubClient

    /// Creates an adapter.
    /// - Parameters:
    ///   - repository: The repository (`GITHUB_REPOSITORY`).
    ///   - client: The REST client.
    public init(repository: GitHubRepository, client: GitHubClient) {
        self.repository = repository
        self.client = client
    }

    /// `/repos/{owner}/{repo}`.
    var repositoryPath: String {
        "/repos/\(GitHubClient.segment(repository.owner))/\(GitHubClient.segment(repository.name))"
    }

    /// Looks for a comment of sandboxd's own account on the pull request whose body holds `marker`.
    ///
    /// Lists every comment (ascending ids, all pages, each read conditionally so an unchanged page
    /// costs nothing) and returns the oldest match.
    /// - Parameters:
    ///   - pullRequest: The pull request's number.
    ///   - marker: The exact marker, `<!-- sandboxd:<request-id>:<event>[:<n>] -->`.
    /// - Returns: The comment, or `nil` when sandboxd has not posted it.
    /// - Throws: ``GitHubError``: `notFound` when the pull request does not exist.
    public func findComment(pullRequest: Int, marker: String) async throws(GitHubError) -> CommentReference? {
        let own = try await client.authenticatedAccount()
        let comments = try await client.list(
            GitHubPayload.Comment.self,
            path: "\(repositoryPath)/issues/\(pullRequest)/comments",
            doing: "listing the comments of pull request #\(pullRequest)"
        )
        let exact = NotificationMarker(marker)
        let match = comments.filter { comment in
            guard comment.user?.id == own.id, let body = comment.body else { return false }
            return exact.map { $0.isPresent(in: body) } ?? body.contains(marker)
        }
        .min { $0.id < $1.id }
        return match.map { CommentReference(id: $0.id, url: $0.htmlURL) }
    }

    /// Posts a new comment on the pull request.
    /// - Parameters:
    ///   - pullRequest: The pull request's number.
    ///   - body: The rendered comment, marker included.
    /// - Returns: The new comment.
    /// - Throws: ``GitHubError``; `notFound` when the pull request does not exist.
    public func postComment(pullRequest: Int, body: String) async throws(GitHubError) -> CommentReference {
        let doing = "posting a comment on pull request #\(pullRequest)"
        let response = try await client.write(
            method: "POST",
            path: "\(repositoryPath)/issues/\(pullRequest)/comments",
            json: GitHubPayload.CommentBody(body: body)
        )
        guard response.status == 201 || response.status == 200 else {
            throw GitHubClient.failure(response, doing: doing)
        }
        let comment = try GitHubClient.decode(GitHubPayload.Comment.self, from: response, doing: doing)
        return CommentReference(id: comment.id, url: comment.htmlURL)
    }

    /// Replaces the body of a comment sandboxd posted before.
    /// - Parameters:
    ///   - comment: The comment.
    ///   - body: The new body.
    /// - Throws: ``GitHubError``; `notFound` when the comment is gone.
    public func editComment(_ comment: CommentReference, body: String) async throws(GitHubError) {
        let response = try await client.write(
            method: "PATCH",
            path: "\(repositoryPath)/issues/comments/\(comment.id)",
            json: GitHubPayload.CommentBody(body: body)
        )
        guard response.status == 200 else {
            throw GitHubClient.failure(response, doing: "editing comment \(comment.id)")
        }
    }
}
