/// Supplies the credentials a request is signed with, fetching or refreshing them as needed.
///
/// Providers that fetch (STS, SSO, a process, the container endpoint, instance metadata) do not cache: wrap them in
/// a ``CachingCredentialsProvider``, which refreshes temporary credentials before they expire.
public protocol AWSCredentialsProvider: Sendable {
    func credentials() async throws(AWSCredentialsError) -> AWSCredentials
}

/// Returns the same credentials every time: keys from the environment or a shared file.
public struct StaticCredentialsProvider: AWSCredentialsProvider {
    private let value: AWSCredentials

    public init(_ credentials: AWSCredentials) {
        value = credentials
    }

    public func credentials() async throws(AWSCredentialsError) -> AWSCredentials {
        value
    }
}

/// Why credentials could not be obtained. The message never contains a secret.
public struct AWSCredentialsError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The source could not be reached or failed transiently (timeout, 5xx, throttling): trying later may help.
        case unavailable
        /// The source refused or answered nonsense (access denied, a malformed answer, an unreadable token file).
        case refused
    }

    public var kind: Kind
    /// What went wrong and what to check, in one line.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func refused(_ message: String) -> Self { Self(.refused, message) }
    static func unavailable(_ message: String) -> Self { Self(.unavailable, message) }
}
