public import Foundation
public import SandboxHTTP

/// What ``LoopbackHTTPServer`` does with a request: answer it, or fail in a chosen way.
public enum ServerReply: Sendable, Hashable {
    /// Answers with `status`, `headers` and `body`.
    ///
    /// The server writes `Content-Length` itself (any `Content-Length`, `Transfer-Encoding` or
    /// `Connection` in `headers` is dropped; `Connection: close` in `headers` still closes the
    /// connection after the response). A 1xx, 204 or 304 response is sent without a body, and so is
    /// the answer to a `HEAD`.
    case response(status: Int, headers: HTTPHeaders = [:], body: Data = Data())
    /// Closes the connection without answering: the client sees the connection drop.
    case dropConnection
    /// Sends the status line and headers with a `Content-Length` for all of `body`, then half of
    /// `body`, then closes the connection: the client sees the response cut off mid-body.
    case dropMidResponse(status: Int, headers: HTTPHeaders, body: Data)
    /// Sends the status line and headers with `Transfer-Encoding: chunked`, then 64 KiB chunks of
    /// `x` without a last chunk — until the client closes the connection, or 32 MiB have gone out (so a
    /// test that goes wrong still stops by itself, and costs the other tests of the process nothing).
    case endlessChunks(status: Int, headers: HTTPHeaders = [:])
}
