/// A problem with the AWS settings or credentials: something missing, contradictory or malformed in the environment
/// or the shared files, or an SSO login to renew, found at start-up; or a credential source that could not be
/// reached or refused, met when credentials are fetched.
///
/// ``message`` is one line that says what is wrong and what to do, printed before exiting 1 (docs/behaviour.md §4:
/// start-up fails fast on missing configuration). It never contains a secret.
public struct AWSConfigurationError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        case missingRegion, invalidRegion, noCredentials, partialCredentials, profileNotFound
        /// Settings that contradict each other or point at something that does not exist.
        case invalidProfile
        /// `aws login` or MFA, which a daemon cannot do.
        case unsupportedCredentialSource
        /// Someone must run `aws sso login`.
        case ssoLoginRequired
        case invalidEndpoint, invalidValue, unreadableFile, malformedFile
        /// A credential source could not be reached or failed transiently (timeout, 5xx, throttling): trying later
        /// may help.
        case credentialsUnavailable
        /// A credential source refused or answered nonsense (access denied, a malformed answer, an unreadable token).
        case credentialsRefused

        public var description: String { rawValue }
    }

    public var code: Code
    public var message: String
    /// When a file could not be read.
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }

    /// Further problems found in the same look at the settings, so that one run names them all
    /// (docs/behaviour.md §4.6): the region and the credentials are looked at independently.
    public var others: [AWSConfigurationError] = []

    /// Every problem's message, this one first, one line each.
    public var messages: [String] { [message] + others.flatMap(\.messages) }

    /// This problem with `other` also found.
    func adding(_ other: AWSConfigurationError?) -> Self {
        var combined = self
        if let other { combined.others.append(other) }
        return combined
    }

    static func invalidProfile(_ message: String) -> Self { Self(.invalidProfile, message) }
    static func invalidValue(_ message: String) -> Self { Self(.invalidValue, message) }
    static func invalidEndpoint(_ message: String) -> Self { Self(.invalidEndpoint, message) }
    static func invalidRegion(_ message: String) -> Self { Self(.invalidRegion, message) }
    static func noCredentials(_ message: String) -> Self { Self(.noCredentials, message) }
    static func partialCredentials(_ message: String) -> Self { Self(.partialCredentials, message) }
    static func unsupported(_ message: String) -> Self { Self(.unsupportedCredentialSource, message) }
    static func refused(_ message: String) -> Self { Self(.credentialsRefused, message) }
    static func unavailable(_ message: String) -> Self { Self(.credentialsUnavailable, message) }
}
