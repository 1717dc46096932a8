/// The port through which the daemon forecasts on open pull requests (docs/behaviour.md §6.9): what
/// they change, the file as they hold it, the facts verification asks for, and the one forecast comment
/// and commit status written on each. GitHub's REST API behind it; none in `--local` mode.
///
/// Like ``GitHubPort`` it decides nothing: ``Forecast`` does. Every read is conditional where GitHub
/// allows it, so an unchanged repository costs no rate limit.
public protocol ForecastPort: Sendable {
    /// The repository, `owner/name` (named in verification's reasons).
    var repository: String { get }
    /// The repository's open pull requests.
    func openPullRequests() async throws(GitHubError) -> [OpenPullRequest]
    /// The files a pull request changes, and whether GitHub's list stops at its cap.
    func changedFiles(of pullRequest: Int) async throws(GitHubError) -> (files: [ChangedFile], capped: Bool)
    /// The file at `path` (in the repository) as commit `commit` holds it; `nil` when it has none there.
    func content(of path: String, at commit: String) async throws(GitHubError) -> FileContent?
    /// Answers one verification question, as ``GitHubPort/answer(_:)``.
    func answer(_ question: VerificationQuestion) async throws(GitHubError) -> VerificationFact
    /// sandboxd's own forecast comment on the pull request (marked ``ForecastComment/marker``), if any.
    func forecastComment(on pullRequest: Int) async throws(GitHubError) -> PostedForecast?
    /// Posts the forecast comment.
    func postComment(on pullRequest: Int, body: String) async throws(GitHubError) -> CommentReference
    /// Replaces the forecast comment's body.
    func editComment(_ comment: CommentReference, body: String) async throws(GitHubError)
    /// The `sandboxd/forecast` status `commit` has (the newest one set), if any; read conditionally, after a
    /// restart, so that an unchanged forecast writes nothing.
    func forecastStatus(commit: String) async throws(GitHubError) -> ForecastStatus?
    /// Sets the `sandboxd/forecast` status of `commit`.
    func setStatus(_ status: ForecastStatus, commit: String) async throws(GitHubError)
}

/// An open pull request, as a forecast reads it.
public struct OpenPullRequest: Hashable, Sendable {
    public var number: Int
    /// The commit at its head: what merging it would bring.
    public var headCommit: String
    /// Who opened it; `nil` when that account was deleted.
    public var author: PullRequestFacts.Author?
    /// How many files it changes, as GitHub counts them (0 when not said).
    public var changedFiles: Int

    public init(number: Int, headCommit: String, author: PullRequestFacts.Author?, changedFiles: Int = 0) {
        self.number = number
        self.headCommit = headCommit
        self.author = author
        self.changedFiles = changedFiles
    }
}

/// The forecast comment as found on a pull request.
public struct PostedForecast: Hashable, Sendable {
    public var comment: CommentReference
    public var body: String

    public init(comment: CommentReference, body: String) {
        self.comment = comment
        self.body = body
    }
}
