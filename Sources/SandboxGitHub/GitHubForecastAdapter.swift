import Foundation
public import SandboxCore

/// The real ``ForecastPort`` (docs/behaviour.md §6.9): the open pull requests of the repository, their
/// files and the files' content at their head, verification's facts, and the forecast comment and
/// `sandboxd/forecast` status, through the same client as everything else (its ETags, rate-limit gate
/// and write pacing) and the ``GitHubAdapter``'s repository handling (a move followed, a `404` read as
/// GitHub means it).
///
/// Every call runs under its ``ForecastBudget``: the forecasts' share of the rate limit.
public struct GitHubForecastAdapter: ForecastPort {
    /// The adapter whose repository, client and calls this one shares.
    public let github: GitHubAdapter
    public let budget: ForecastBudget

    /// - Parameters:
    ///   - github: The repository's adapter.
    ///   - budget: The share of the rate limit forecasts may use.
    public init(github: GitHubAdapter, budget: ForecastBudget) {
        self.github = github
        self.budget = budget
    }

    public var repository: String { github.repository.description }

    /// `GET …/pulls?state=open`, every page, conditionally.
    public func openPullRequests() async throws(GitHubError) -> [OpenPullRequest] {
        try await budget.metered { () throws(GitHubError) in
            let pulls = try await github.list(
                GitHubPayload.OpenPull.self,
                suffix: "/pulls",
                query: [URLQueryItem(name: "state", value: "open")] + GitHubClient.firstPageQuery,
                doing: "listing the open pull requests"
            )
            return pulls.map { pull in
                OpenPullRequest(
                    number: pull.number,
                    headCommit: pull.head.sha,
                    author: pull.user.map { PullRequestFacts.Author(id: $0.id, login: $0.login) }
                )
            }
        }
    }

    /// `GET …/pulls/{n}/files`, every page, conditionally (verification's own reading).
    public func changedFiles(of pullRequest: Int) async throws(GitHubError) -> (files: [ChangedFile], capped: Bool) {
        let fact = try await answer(.changedFiles(pullRequest: pullRequest, path: ""))
        guard case .changedFiles(let files, let capped) = fact else { return ([], false) }
        return (files, capped)
    }

    /// `GET …/contents/{path}?ref={commit}`: the file as the commit holds it; `nil` for a `404`. Read
    /// unconditionally (see below): once per head commit and process.
    public func content(of path: String, at commit: String) async throws(GitHubError) -> FileContent? {
        try await budget.metered { () throws(GitHubError) in
            let doing = "reading \(path) at \(commit.prefix(12))"
            let segments = path.split(separator: "/").map { GitHubClient.segment(String($0)) }.joined(separator: "/")
            let query = [URLQueryItem(name: "ref", value: commit)]
            let (response, _) = try await github.onRepository("/contents/\(segments)", doing: doing) {
                path throws(GitHubError) in
                // A commit's file never changes, and the runner keeps it per commit: no validator is
                // stored for it, so the state directory's ETags do not grow with every push.
                try await github.client.perform(
                    method: "GET",
                    url: github.client.url(path: path, query: query),
                    body: nil,
                    cache: nil,
                    retrying: true
                )
            }
            if response.status == 404 { return nil }
            guard response.status == 200 else { throw GitHubClient.failure(response, doing: doing) }
            return Self.fileContent(try GitHubClient.decode(GitHubPayload.Content.self, from: response, doing: doing))
        }
    }

    /// What a contents answer holds, as the desired state's reader would see the file.
    static func fileContent(_ content: GitHubPayload.Content) -> FileContent {
        switch content.type {
        case "file":
            guard content.encoding == "base64", let text = content.content,
                let data = Data(base64Encoded: text.filter { !$0.isWhitespace })
            else {
                return .tooLarge(size: content.size ?? 0)
            }
            return .bytes(Array(data))
        case "symlink": return .symbolicLink
        case "dir": return .notRegularFile(kind: "a directory")
        default: return .notRegularFile(kind: "a \(content.type)")
        }
    }

    public func answer(_ question: VerificationQuestion) async throws(GitHubError) -> VerificationFact {
        try await budget.metered { () throws(GitHubError) in try await github.answer(question) }
    }

    /// sandboxd's own comment ending with the forecast marker, the oldest if several.
    public func forecastComment(on pullRequest: Int) async throws(GitHubError) -> PostedForecast? {
        try await budget.metered { () throws(GitHubError) in
            let own = try await github.client.authenticatedAccount()
            let comments = try await github.list(
                GitHubPayload.Comment.self,
                suffix: "/issues/\(pullRequest)/comments",
                doing: "listing the comments of pull request #\(pullRequest)"
            )
            return comments.filter { $0.user?.id == own.id }.sorted { $0.id < $1.id }.lazy.compactMap { comment in
                guard let body = comment.body, body.hasSuffix(ForecastComment.marker) else { return nil }
                return PostedForecast(comment: CommentReference(id: comment.id, url: comment.htmlURL), body: body)
            }.first
        }
    }

    public func postComment(on pullRequest: Int, body: String) async throws(GitHubError) -> CommentReference {
        try await budget.metered { () throws(GitHubError) in
            try await github.postComment(pullRequest: pullRequest, body: body)
        }
    }

    public func editComment(_ comment: CommentReference, body: String) async throws(GitHubError) {
        try await budget.metered { () throws(GitHubError) in try await github.editComment(comment, body: body) }
    }

    /// `GET …/commits/{sha}/statuses`, conditionally: the newest `sandboxd/forecast` status of the commit.
    public func forecastStatus(commit: String) async throws(GitHubError) -> ForecastStatus? {
        try await budget.metered { () throws(GitHubError) in
            let statuses = try await github.list(
                GitHubPayload.CommitStatus.self,
                suffix: "/commits/\(GitHubClient.segment(commit))/statuses",
                doing: "reading the statuses of \(commit.prefix(12))"
            )
            guard let newest = statuses.first(where: { $0.context == ForecastStatus.context }),
                let state = ForecastStatus.State(rawValue: newest.state)
            else { return nil }
            return ForecastStatus(state: state, description: newest.description ?? "")
        }
    }

    /// `POST …/statuses/{sha}` with the context `sandboxd/forecast`.
    public func setStatus(_ status: ForecastStatus, commit: String) async throws(GitHubError) {
        try await budget.metered { () throws(GitHubError) in
            let doing = "setting the sandboxd/forecast status of \(commit.prefix(12))"
            let body = GitHubPayload.StatusBody(
                state: status.state.rawValue,
                description: status.description,
                context: ForecastStatus.context
            )
            let (response, _) = try await github.onRepository("/statuses/\(GitHubClient.segment(commit))", doing: doing)
            {
                path throws(GitHubError) in
                try await github.client.write(method: "POST", path: path, json: body)
            }
            guard response.status == 201 || response.status == 200 else {
                throw GitHubClient.failure(response, doing: doing)
            }
        }
    }
}
