public import Foundation
import Glibc

/// A tiny HTTP/1.1 server on 127.0.0.1 for tests, written on POSIX sockets.
///
/// It listens on an ephemeral port of the loopback address only, records every request it reads,
/// and answers each with what `handler` returns. It speaks enough HTTP/1.1 for `URLSession`:
/// kept-alive connections (several requests per connection), `Content-Length` and chunked request
/// bodies, `Expect: 100-continue`, and several connections at once (one thread per connection).
/// A malformed request gets a 400 and the connection is closed.
///
/// ```swift
/// let server = try LoopbackHTTPServer { request in
///     .response(status: 200, headers: ["Content-Type": "text/plain"], body: request.body)
/// }
/// defer { server.stop() }
/// let url = server.baseURL.appending(path: "echo")
/// ```
///
/// - Important: The handler runs on the Swift concurrency pool while the connection's thread
///   waits for it; a handler may sleep (to test timeouts) without holding up other connections.
public final class LoopbackHTTPServer: Sendable {
    /// Why the server could not start listening.
    public struct StartError: Error, Sendable, CustomStringConvertible {
        /// The system call that failed (`socket`, `bind`, …).
        public var call: String
        /// The `errno` it set.
        public var code: Int32

        /// The call, the error text and what to check.
        public var description: String {
            "LoopbackHTTPServer: \(call) failed: \(String(cString: strerror(code))) (errno \(code)); "
                + "check that the loopback interface is up and file descriptors are not exhausted"
        }
    }

    private let listener: Listener

    /// The port the server listens on, chosen by the system.
    public let port: UInt16

    /// Starts listening on 127.0.0.1 with an ephemeral port.
    /// - Parameter handler: Decides the reply to each request, in the order requests arrive on a
    ///   connection; requests on different connections may be handled concurrently.
    /// - Throws: ``StartError`` if the socket cannot be set up.
    public init(handler: @escaping @Sendable (RecordedRequest) async -> ServerReply) throws {
        let (descriptor, port) = try Self.listen()
        self.port = port
        listener = Listener(descriptor: descriptor, handler: handler)
        listener.start()
    }

    deinit {
        listener.stop()
    }

    /// The server's root URL, `http://127.0.0.1:PORT`.
    public var baseURL: URL {
        URL(string: "http://127.0.0.1:\(port)")!
    }

    /// Every request read so far, in the order they were read.
    public var requests: [RecordedRequest] {
        listener.requests
    }

    /// Stops the server: closes the listening socket (before returning) and shuts down every open
    /// connection. Requests already in a handler finish, but their replies are not delivered.
    /// Calling it again does nothing.
    public func stop() {
        listener.stop()
    }

    /// Opens, binds and starts the listening socket on 127.0.0.1, port 0.
    private static func listen() throws(StartError) -> (Int32, UInt16) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw StartError(call: "socket", code: errno) }
        var succeeded = false
        defer { if !succeeded { close(descriptor) } }

        var reuse: Int32 = 1
        guard setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size)) == 0
        else { throw StartError(call: "setsockopt(SO_REUSEADDR)", code: errno) }

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)  // 127.0.0.1, never anything else
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw StartError(call: "bind(127.0.0.1:0)", code: errno) }
        guard Glibc.listen(descriptor, 128) == 0 else { throw StartError(call: "listen", code: errno) }

        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw StartError(call: "getsockname", code: errno) }
        succeeded = true
        return (descriptor, UInt16(bigEndian: address.sin_port))
    }
}
