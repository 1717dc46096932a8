import SandboxHTTP

/// Why an AWS call ended without a successful response, before it becomes the caller's error type.
enum AWSCallError: Error, Sendable {
    /// The service answered with an error status (after any retries).
    case response(AWSErrorResponseEnvelope)
    /// No complete response arrived (after any retries).
    case transport(HTTPTransportError, attempts: Int)
    case credentials(AWSCredentialsError)
    /// The request could not be built (a bad endpoint URL).
    case invalidRequest(String)
}

/// The last error response, and how many attempts were made, the first included.
struct AWSErrorResponseEnvelope: Sendable {
    var response: HTTPResponse
    var attempts: Int
}
