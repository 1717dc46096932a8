public import Foundation
public import SandboxHTTP

extension GitHubAdapter {
    /// The adapter for a real run: validates the settings and wires the client, a `URLSession`
    /// transport and the ETag store in the state directory.
    ///
    /// - Parameters:
    ///   - repository: `OWNER/NAME` (`--github-repository` / `GITHUB_REPOSITORY`).
    ///   - token: The token (see ``GitHubToken/load(file:environment:)``).
    ///   - apiURL: `GITHUB_API_URL`; `nil` or empty means `https://api.github.com`. GitHub Enterprise
    ///     Server's `https://HOST/api/v3` works the same. `https` is required, except for a loopback
    ///     host (`127.0.0.1`, `::1`, `localhost`), so the token never travels in clear text.
    ///   - stateDirectory: sandboxd's state directory; the validators of conditional reads are kept
    ///     in its `github-etags.json` (``FileETagStore``).
    ///   - now: The clock (rate-limit times, write spacing).
    ///   - transport: Where requests go; a new ``URLSessionTransport`` by default.
    /// - Returns: The adapter.
    /// - Throws: ``GitHubConfigurationError`` (`invalidRepository`, `invalidAPIURL`), whose message
    ///   says what to set.
    public static func fromEnvironment(
        repository: String,
        token: GitHubToken,
        apiURL: String?,
        stateDirectory: URL,
        now: @escaping @Sendable () -> Date = { Date() },
        transport: any HTTPTransport = URLSessionTransport()
    ) throws(GitHubConfigurationError) -> GitHubAdapter {
        let repository = try GitHubRepository(repository)
        let baseURL = try apiBaseURL(apiURL)
        let client = GitHubClient(
            configuration: GitHubClient.Configuration(baseURL: baseURL, token: token),
            transport: transport,
            etags: FileETagStore(stateDirectory: stateDirectory),
            now: now
        )
        return GitHubAdapter(repository: repository, client: client)
    }

    /// Parses `GITHUB_API_URL`.
    static func apiBaseURL(_ text: String?) throws(GitHubConfigurationError) -> URL {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            return GitHubClient.Configuration.defaultBaseURL
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
