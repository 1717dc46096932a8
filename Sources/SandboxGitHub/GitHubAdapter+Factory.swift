public import Foundation
public import SandboxHTTP

extension GitHubAdapter {
    /// The adapter for a real run: validates the settings, reads the credentials' files once (so a
    /// mistake is reported at start-up), and wires the client, a `URLSession` transport and the ETag
    /// store in the state directory.
    ///
    /// - Parameters:
    ///   - repository: `OWNER/NAME` (`--github-repository` / `GITHUB_REPOSITORY`).
    ///   - credentials: A token or a GitHub App (see ``GitHubCredentials``).
    ///   - apiURL: `GITHUB_API_URL`; `nil` or empty means `https://api.github.com`. GitHub Enterprise
    ///     Server's `https://HOST/api/v3` works the same. `https` is required, except for a loopback
    ///     host (`127.0.0.1`, `::1`, `localhost`), so the token never travels in clear text.
    ///   - stateDirectory: sandboxd's state directory; the validators of conditional reads are kept
    ///     in its `github-etags.json` (``FileETagStore``).
    ///   - now: The clock (rate-limit times, write spacing, installation-token renewal).
    ///   - transport: Where requests go; a new ``URLSessionTransport`` by default.
    ///   - report: Where a notice for the operator goes (a repository that moved).
    /// - Returns: The adapter.
    /// - Throws: ``GitHubConfigurationError`` (`invalidRepository`, `invalidAPIURL`, an unreadable
    ///   token or key file), whose message says what to set.
    public static func fromEnvironment(
        repository: String,
        credentials: GitHubCredentials,
        apiURL: String?,
        stateDirectory: URL,
        now: @escaping @Sendable () -> Date = { Date() },
        transport: any HTTPTransport = URLSessionTransport(),
        report: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws(GitHubConfigurationError) -> GitHubAdapter {
        let repository = try GitHubRepository(repository)
        let baseURL = try apiBaseURL(apiURL)
        let client = GitHubClient(
            configuration: GitHubClient.Configuration(
                baseURL: baseURL,
                credentials: credentials,
                repository: repository
            ),
            transport: transport,
            etags: FileETagStore(stateDirectory: stateDirectory),
            now: now
        )
        try await client.validateCredentials()
        return GitHubAdapter(repository: repository, client: client, report: report)
    }

    /// Parses `GITHUB_API_URL`.
    static func apiBaseURL(_ text: String?) throws(GitHubConfigurationError) -> URL {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            return GitHubClient.Configuration.defaultBaseURL
        }
        // A URL with user info holds a secret: it is refused without being quoted (docs/behaviour.md §4.1).
        if URLUserInfo.isPresent(in: text) {
            throw GitHubConfigurationError(
                .invalidAPIURL,
                "GITHUB_API_URL holds credentials (USER:PASSWORD@ before the host): remove them and give the token "
                    + "with --github-token-file or GITHUB_TOKEN, or a GitHub App"
            )
        }
        let invalid = GitHubConfigurationError(
            .invalidAPIURL,
            "GITHUB_API_URL \"\(text)\" is not an https URL such as https://api.github.com or https://HOST/api/v3"
        )
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty, components.query == nil, components.fragment == nil,
            components.user == nil, components.password == nil,
            let url = components.url
        else { throw invalid }
        let isLoopback = ["127.0.0.1", "::1", "[::1]", "localhost"].contains(host.lowercased())
        guard scheme == "https" || (scheme == "http" && isLoopback) else { throw invalid }
        return GitHubClient.trimmingTrailingSlash(url)
    }
}
