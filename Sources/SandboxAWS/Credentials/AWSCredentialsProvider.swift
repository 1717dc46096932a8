import SandboxHTTP

/// Providers that fetch (STS, SSO, a process, the container endpoint, instance metadata) do not cache: wrap them in
/// a ``CachingCredentialsProvider``, which refreshes temporary credentials before they expire.
public protocol AWSCredentialsProvider: Sendable {
    func credentials() async throws(AWSConfigurationError) -> AWSCredentials
}

/// Keys from the environment or a shared file.
public struct StaticCredentialsProvider: AWSCredentialsProvider {
    private let value: AWSCredentials

    public init(_ credentials: AWSCredentials) {
        value = credentials
    }

    public func credentials() async throws(AWSConfigurationError) -> AWSCredentials {
        value
    }
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
        refusal: (HTTPResponse) -> AWSConfigurationError
    ) async throws(AWSConfigurationError) -> HTTPResponse {
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
