/// Sends one HTTP request and returns the server's response.
///
/// This is the port both API clients (AWS Service Catalog and GitHub) use, so tests can put a
/// fake or a loopback server behind it. An implementation:
/// - returns every response the server sends, whatever its status (a 302 is returned, not
///   followed; a 304 is returned, not answered from a cache);
/// - sends the caller's headers and body bytes unchanged;
/// - gives up after ``HTTPRequest/timeout`` with ``HTTPTransportError/timedOut(_:)``;
/// - throws only ``HTTPTransportError``, whose ``HTTPTransportError/isRetryable`` tells the caller
///   whether trying again may help. Retrying is the caller's job: a transport never retries.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and waits for the complete response.
    /// - Parameter request: The request to send.
    /// - Returns: The response, for any status code.
    /// - Throws: ``HTTPTransportError`` when no complete response arrived.
    func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse
}
