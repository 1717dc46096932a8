import SandboxHTTP

/// Why an AWS call ended without a successful response, before it is turned into the caller's error type.
enum AWSCallError: Error, Sendable {
    /// The service answered with an error status (after any retries).
    case response(AWSErrorResponseEnvelope)
    /// No complete response arrived (after any retries).
    case transport(HTTPTransportError, attempts: Int)
    /// The credentials could not be obtained.
    case credentials(AWSCredentialsError)
    /// The request could not be built (a bad endpoint URL).
    case invalidRequest(String)
}

/// A final error response with how many attempts were made.
struct AWSErrorResponseEnvelope: Sendable {
    /// The last response.
    var response: HTTPResponse
    /// Attempts made, the first included.
    var attempts: Int
}
