/// Supplies the credentials a request is signed with, fetching or refreshing them as needed.
///
/// Providers that fetch over HTTP (STS, the container endpoint, instance metadata) do not cache: wrap them in a
/// ``CachingCredentialsProvider``, which refreshes temporary credentials before they expire.
public protocol AWSCredentialsProvider: Sendable {
    /// Returns credentials to sign the next request with.
    ///
    /// - Throws: ``AWSCredentialsError`` when none can be had.
    func credentials() async throws(AWSCredentialsError) -> AWSCredentials
}

/// Why credentials could not be obtained. The message never contains a secret.
public struct AWSCredentialsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Whether trying again later may help.
    public enum Kind: String, Sendable, Hashable {
        /// The credential source could not be reached or failed transiently (timeout, 5xx, throttling).
        case unavailable
        /// The source refused or answered nonsense (access denied, a malformed answer, an unreadable token file).
        case refused
    }

    /// Whether trying again later may help.
    public var kind: Kind
    /// What went wrong and what to check, in one line.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - kind: Whether trying again later may help.
    ///   - message: What went wrong and what to check.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
