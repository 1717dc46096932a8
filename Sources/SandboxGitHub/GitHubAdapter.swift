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
///   sandboxd's own account (`GET /user`, or a GitHub App's bot), never someone else's.
/// - Requests under the repository follow it when it moves (`GitHubAdapter+Repository.swift`), and a
///   `404` is read as "no such pull request" only once the repository itself is seen.
/// - ``postComment(pullRequest:body:)`` and ``editComment(_:body:)`` write through the issue
///   comments endpoints, one at a time and paced (``GitHubClient``). Bodies come from
///   `NotificationRenderer`, already escaped and within GitHub's size limit.
///
/// Build one with ``fromEnvironment(repository:credentials:apiURL:stateDirectory:now:transport:report:)``.
public struct GitHubAdapter: GitHubPort {
    /// The repository whose pull requests are checked and commented on, as configured.
    public let repository: GitHubRepository
    /// The REST client.
    public let client: GitHubClient
    /// Where the repository is now (it may have moved).
    let location: RepositoryLocation
    /// Where a notice for the operator goes (a repository that moved): the daemon's log.
    let report: @Sendable (String) -> Void

    /// Creates an adapter.
    /// - Parameters:
    ///   - repository: The repository (`GITHUB_REPOSITORY`).
    ///   - client: The REST client.
    ///   - report: Where a notice for the operator goes (logged as a warning by the commands).
    public init(
        repository: GitHubRepository,
        client: GitHubClient,
        report: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.repository = repository
        self.client = client
        self.report = report
        location = RepositoryLocation(
            path: "/repos/\(GitHubClient.segment(repository.owner))/\(GitHubClient.segment(repository.name))"
        )
    }

    /// sandboxd's own comments about `request` on the pull request, oldest first (docs/behaviour.md
    /// §3.15): every page of its comments, kept when the author is sandboxd's own account (``GitHubAccount``:
    /// the token's user, or the App's bot) — another person's comment holding the same marker never counts.
    /// Each page is read conditionally, so an unchanged one costs no rate limit.
    /// - Throws: ``GitHubError``: `notFound` when the pull request does not exist, `misconfigured` when
    ///   the repository cannot be seen.
    public func ownComments(pullRequest: Int, request: RequestID) async throws(GitHubError) -> [OwnComment] {
        let own = try await client.authenticatedAccount()
        let comments = try await list(
            GitHubPayload.Comment.self,
            suffix: "/issues/\(pullRequest)/comments",
            doing: "listing the comments of pull request #\(pullRequest)"
        )
        let bodies = comments.filter { $0.user?.id == own.id }.sorted { $0.id < $1.id }.compactMap { comment in
            comment.body.map { (CommentReference(id: comment.id, url: comment.htmlURL), $0) }
        }
        return OwnComment.found(for: request, in: bodies)
    }

    /// Posts a new comment on the pull request.
    ///
    /// It is sent only with GitHub's `201` (or `200`) and the new comment's id; anything else throws,
    /// and nothing is recorded as sent (docs/behaviour.md §6):
    /// - a move of the repository is followed (``onRepository(_:doing:_:)``);
    /// - a `404` is `misconfigured` when the repository cannot be seen, `notFound` when the pull
    ///   request is gone (GitHub shows the repository, not the pull request), else `unavailable`;
    /// - a `2xx` without an id is `unavailable` (the executor looks for the comment by its marker
    ///   before posting again).
    /// - Parameters:
    ///   - pullRequest: The pull request's number.
    ///   - body: The rendered comment, marker included.
    /// - Returns: The new comment.
    /// - Throws: ``GitHubError``.
    public func postComment(pullRequest: Int, body: String) async throws(GitHubError) -> CommentReference {
        let doing = "posting a comment on pull request #\(pullRequest)"
        let (response, _) = try await onRepository("/issues/\(pullRequest)/comments", doing: doing) {
            path throws(GitHubError) in
            try await client.write(method: "POST", path: path, json: GitHubPayload.CommentBody(body: body))
        }
        switch response.status {
        case 200, 201:
            let comment = try GitHubClient.decode(GitHubPayload.Comment.self, from: response, doing: doing)
            guard comment.id > 0 else {
                throw GitHubError(.unavailable, message: "\(doing): GitHub's answer has no comment id")
            }
            return CommentReference(id: comment.id, url: comment.htmlURL)
        case 404:
            try await requireVisibleRepository(doing: doing)
            try await requirePullRequest(pullRequest, doing: doing)
            throw GitHubError(
                .unavailable,
                message: "\(doing): GitHub answered 404 though the pull request exists; trying again later"
            )
        default:
            throw GitHubClient.failure(response, doing: doing)
        }
    }

    /// Replaces the body of a comment sandboxd posted before.
    /// - Parameters:
    ///   - comment: The comment.
    ///   - body: The new body.
    /// - Throws: ``GitHubError``; `notFound` when the comment is gone, `misconfigured` when the
    ///   repository cannot be seen.
    public func editComment(_ comment: CommentReference, body: String) async throws(GitHubError) {
        let doing = "editing comment \(comment.id)"
        let (response, _) = try await onRepository("/issues/comments/\(comment.id)", doing: doing) {
            path throws(GitHubError) in
            try await client.write(method: "PATCH", path: path, json: GitHubPayload.CommentBody(body: body))
        }
        guard response.status == 200 else {
            if response.status == 404 { try await requireVisibleRepository(doing: doing) }
            throw GitHubClient.failure(response, doing: doing)
        }
    }

    /// Every item of a list under the repository; a `404` is first checked against the repository's visibility.
    func list<Item: Decodable>(
        _ type: Item.Type,
        suffix: String,
        query: [URLQueryItem] = GitHubClient.firstPageQuery,
        doing: String
    ) async throws(GitHubError) -> [Item] {
        let (first, path) = try await onRepository(suffix, doing: doing) { path throws(GitHubError) in
            try await client.get(path: path, query: query)
        }
        if first.status == 404 { try await requireVisibleRepository(doing: doing) }
        return try await client.list(type, firstPage: first, url: client.url(path: path, query: query), doing: doing)
    }

    /// Throws `notFound` when GitHub has no pull request `number` in the (visible) repository.
    func requirePullRequest(_ number: Int, doing: String) async throws(GitHubError) {
        let (response, _) = try await onRepository("/pulls/\(number)", doing: doing) { path throws(GitHubError) in
            try await client.get(path: path)
        }
        if response.status == 404 {
            throw GitHubError(.notFound, message: "\(doing): pull request #\(number) no longer exists")
        }
    }
}
