public import Foundation

/// One HTTP request, as a value: what ``HTTPTransport/send(_:)`` puts on the wire.
///
/// The transport sends ``headers`` as given (see ``URLSessionTransport`` for the few headers
/// the platform adds) and ``body`` as exactly these bytes, so a signature computed over them
/// (AWS SigV4) stays valid.
public struct HTTPRequest: Sendable, Hashable {
    /// The request method, upper-case (`GET`, `POST`, `PATCH`, …).
    public var method: String
    /// The absolute `http` or `https` URL, including any query.
    public var url: URL
    /// The header fields to send, in order.
    public var headers: HTTPHeaders
    /// The exact body bytes; empty for no body.
    public var body: Data
    /// The longest the whole exchange (connect, send, wait, receive) may take before the
    /// transport gives up with ``HTTPTransportError/timedOut(_:)``.
    public var timeout: Duration

    /// Creates a request.
    /// - Parameters:
    ///   - method: The request method; `GET` by default.
    ///   - url: The absolute URL.
    ///   - headers: The header fields; none by default.
    ///   - body: The body bytes; empty by default.
    ///   - timeout: The limit for the whole exchange; 30 seconds by default.
    public init(
        method: String = "GET",
        url: URL,
        headers: HTTPHeaders = [:],
        body: Data = Data(),
        timeout: Duration = .seconds(30)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
