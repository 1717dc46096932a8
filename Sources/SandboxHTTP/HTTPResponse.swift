public import Foundation

/// One HTTP response, as a value: the status, headers and complete body.
///
/// A transport returns a response for every status the server sent, including 3xx (redirects are
/// never followed) and 304; only a failure to get a complete response is an error.
public struct HTTPResponse: Sendable, Hashable {
    /// The status code (`200`, `302`, `304`, `404`, …).
    public var status: Int
    /// The response header fields.
    public var headers: HTTPHeaders
    /// The complete body; empty when the response has none.
    public var body: Data

    /// Creates a response.
    /// - Parameters:
    ///   - status: The status code.
    ///   - headers: The header fields; none by default.
    ///   - body: The body; empty by default.
    public init(status: Int, headers: HTTPHeaders = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
