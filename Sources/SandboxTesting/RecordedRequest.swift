public import Foundation
public import SandboxHTTP

/// One request as ``LoopbackHTTPServer`` received it.
public struct RecordedRequest: Sendable, Hashable {
    /// The request method, as sent (`GET`, `POST`, …).
    public var method: String
    /// The request target as sent: the path with its query, e.g. `/repos/o/r/pulls/1?x=y`.
    public var path: String
    /// The header fields with names spelled as sent, in the order sent.
    public var headers: HTTPHeaders
    /// The body, decoded from `Transfer-Encoding: chunked` if it was sent that way.
    public var body: Data
    /// Which connection carried the request: 1 for the first connection the server accepted, 2 for
    /// the next, and so on. Requests with the same number shared a kept-alive connection.
    public var connection: Int
    /// When the server had read the whole request (before its handler ran), by the test process's wall
    /// clock — the same clock a child process reads, so tests can time a child's calls from it.
    public var receivedAt: Date

    /// Creates a recorded request (the server makes these; tests rarely need to).
    /// - Parameters:
    ///   - method: The request method.
    ///   - path: The request target.
    ///   - headers: The header fields.
    ///   - body: The body.
    ///   - connection: The connection's ordinal, from 1.
    ///   - receivedAt: When it was read; now by default.
    public init(
        method: String,
        path: String,
        headers: HTTPHeaders,
        body: Data,
        connection: Int,
        receivedAt: Date = Date()
    ) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.connection = connection
        self.receivedAt = receivedAt
    }
}
