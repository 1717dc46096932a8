public import Foundation

/// The parts of an HTTP request that Signature Version 4 covers.
///
/// A minimal stand-in for the `SandboxHTTP` request value: build one from the request about to be sent, sign it with
/// ``SigV4Signer``, and copy the headers back (or use ``SigV4Signer/sign(_:credentials:date:)`` in place).
public struct SigV4Request: Sendable {
    /// The HTTP method, e.g. `POST`.
    public var method: String
    /// The full URL; its host (and non-default port), path and query are signed.
    public var url: URL
    /// The headers, in order, with their original spelling. Names compare case-insensitively.
    public var headers: [(String, String)]
    /// The exact body bytes that will be sent.
    public var body: [UInt8]

    /// Creates a request.
    ///
    /// - Parameters:
    ///   - method: The HTTP method.
    ///   - url: The full URL.
    ///   - headers: The headers before signing, e.g. `Content-Type` and `X-Amz-Target`.
    ///   - body: The exact body bytes.
    public init(method: String, url: URL, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}
