import SandboxHTTP

/// Providers that fetch (STS, SSO, a process, the container endpoint, instance metadata) do not cache: wrap them in
/// a ``CachingCredentialsProvider``, which refreshes temporary credentials before they expire.
public protocol AWSCredentialsProvider: Sendable {
    func credentials() async throws(AWSCredentialsError) -> AWSCredentials
}

/// Keys from the environment or a shared file.
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
    /// One line: what went wrong and what to check.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func refused(_ message: String) -> Self { Self(.refused, message) }
    static func unavailable(_ message: String) -> Self { Self(.unavailable, message) }
}

extension AWSRetryingSender {
    /// A call for credentials (STS, the SSO portal), retried like any AWS call: asking again is harmless. An error
    /// response becomes `refusal(response)`.
    static func credentialsCall(
        _ call: String,
        transport: any HTTPTransport,
        policy: AWSRetryPolicy,
        makeRequest: () throws(AWSCallError) -> HTTPRequest,
        classify: (HTTPResponse) -> Classification,
        refusal: (HTTPResponse) -> AWSCredentialsError
    ) async throws(AWSCredentialsError) -> HTTPResponse {
        do throws(AWSCallError) {
            return try await AWSRetryingSender(transport: transport, policy: policy, quota: AWSRetryQuota()).send(
                safeToRepeat: true,
                makeRequest: { (_, _) throws(AWSCallError) in try makeRequest() },
                classify: classify
            )
        } catch {
            switch error {
            case .response(let response, _): throw refusal(response)
            case .transport(let failure, let attempts):
                throw .unavailable("\(call) failed after \(attempts) attempt(s): \(failure)")
            case .credentials(let failure): throw failure
            }
        }
    }
}
