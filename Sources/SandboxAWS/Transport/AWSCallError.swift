public import SandboxHTTP

/// Why an AWS call ended without a successful response, before it becomes the caller's error type.
public enum AWSCallError: Error, Sendable {
    /// The service answered with an error status (after any retries); `attempts` counts the first.
    case response(HTTPResponse, attempts: Int)
    /// No complete response arrived (after any retries).
    case transport(HTTPTransportError, attempts: Int)
    case credentials(AWSConfigurationError)
}
