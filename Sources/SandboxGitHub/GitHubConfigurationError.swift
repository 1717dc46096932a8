/// Why the GitHub adapter cannot be set up: missing or bad configuration, reported at start-up
/// as one line saying what to set (docs/behaviour.md §4).
///
/// The message never holds a token or a key.
public struct GitHubConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public enum Code: String, Sendable, Hashable {
        /// No token from `--github-token-file`, `GITHUB_TOKEN` or `$CREDENTIALS_DIRECTORY/github-token`.
        case missingToken
        /// The token file cannot be read.
        case unreadableTokenFile
        /// The token file (or `GITHUB_TOKEN`) is empty, or the token holds characters a header cannot.
        case invalidToken
        /// The GitHub App's private key file holds no usable RSA private key.
        case invalidPrivateKey
        /// The GitHub App's settings are incomplete or malformed (an id without a key, a bad installation id).
        case invalidApp
        /// `--github-repository` / `GITHUB_REPOSITORY` is not `OWNER/NAME`.
        case invalidRepository
        /// `GITHUB_API_URL` is not an absolute http(s) URL.
        case invalidAPIURL
    }

    /// What is wrong.
    public var code: Code
    /// What went wrong and what to set.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: What is wrong.
    ///   - message: What went wrong and what to set.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
