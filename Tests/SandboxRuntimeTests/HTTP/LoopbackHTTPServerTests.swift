import Foundation
import SandboxHTTP
import SandboxTesting
import Testing

/// The loopback server's HTTP/1.1 handling, checked byte by byte with a raw socket client.
@Suite("LoopbackHTTPServer wire behaviour")
struct LoopbackHTTPServerTests {
    private static func echoServer() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            .response(status: 200, headers: ["Content-Type": "text/plain"], body: request.body)
        }
    }

    @Test("a chunked request body is decoded")
    func chunkedBody() async throws {
        let server = try Self.echoServer()
        defer { server.stop() }

        let transcript = await RawHTTPClient.run(
            port: server.port,
            [
                .send("POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"),
                .send("5;ext=1\r\nhello\r\n"),
                .send("7\r\n, world\r\n0\r\nTrailer-Field: t\r\n\r\n"),
                .receiveUntilClosed,
            ]
        )

        #expect(transcript.completed)
        #expect(transcript.received.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(transcript.received.contains("Content-Length: 12\r\n"))
        #expect(transcript.received.hasSuffix("\r\n\r\nhello, world"))
        #expect(server.requests.first?.body == Data("hello, world".utf8))
    }

    @Test("Expect: 100-continue is answered before the body is read")
    func expectContinue() async throws {
        let server = try Self.echoServer()
        defer { server.stop() }

        let transcript = await RawHTTPClient.run(
            port: server.port,
            [
                .send(
                    "PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                        + "Expect: 100-continue\r\nConnection: close\r\n\r\n"
                ),
                .receive("HTTP/1.1 100 Continue\r\n\r\n"),
                .send("body"),
                .receiveUntilClosed,
            ]
        )

        #expect(transcript.completed, "the server must send 100 Continue without waiting for the body")
        #expect(transcript.received.hasPrefix("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"))
        #expect(transcript.received.hasSuffix("\r\n\r\nbody"))
    }

    @Test("pipelined requests on one connection are answered in order, as one connection")
    func keepAliveSequence() async throws {
        let server = try LoopbackHTTPServer { request in .response(status: 200, body: Data(request.path.utf8)) }
        defer { server.stop() }

        let transcript = await RawHTTPClient.run(
            port: server.port,
            [
                .send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"),
                .receive("\r\n\r\n/b"),
                .send("GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                .receiveUntilClosed,
            ]
        )

        #expect(transcript.completed)
        #expect(transcript.received.components(separatedBy: "HTTP/1.1 200 OK").count == 4)
        #expect(transcript.received.hasSuffix("Connection: close\r\n\r\n/c"))
        #expect(server.requests.map(\.path) == ["/a", "/b", "/c"])
        #expect(server.requests.map(\.connection) == [1, 1, 1])
    }

    @Test("header names keep their spelling and order")
    func headersAsSent() async throws {
        let server = try Self.echoServer()
        defer { server.stop() }

        _ = await RawHTTPClient.run(
            port: server.port,
            [
                .send(
                    "GET / HTTP/1.1\r\nHost: x\r\nx-lower: 1\r\nX-Mixed-Case:  two \r\nx-lower: 3\r\n"
                        + "Connection: close\r\n\r\n"
                ),
                .receiveUntilClosed,
            ]
        )

        let headers = try #require(server.requests.first).headers
        #expect(headers.fields.map(\.name) == ["Host", "x-lower", "X-Mixed-Case", "x-lower", "Connection"])
        #expect(headers.values(for: "X-LOWER") == ["1", "3"])
        #expect(headers["x-mixed-case"] == "two")
    }

    @Test(
        "a malformed request gets 400 and the connection is closed",
        arguments: [
            "NONSENSE\r\n\r\n",
            "GET / HTTP/2.0\r\nHost: x\r\n\r\n",
            "GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\n folded: value\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        ]
    )
    func malformedRequest(raw: String) async throws {
        let server = try Self.echoServer()
        defer { server.stop() }

        let transcript = await RawHTTPClient.run(port: server.port, [.send(raw), .receiveUntilClosed])

        #expect(transcript.completed)
        #expect(transcript.received.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(server.requests.isEmpty)
    }

    @Test("204 and 304 carry no body; HEAD gets headers only")
    func bodylessResponses() async throws {
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/204": .response(status: 204, body: Data("ignored".utf8))
            case "/304": .response(status: 304, headers: ["ETag": "\"e\""], body: Data("ignored".utf8))
            default: .response(status: 200, body: Data("full".utf8))
            }
        }
        defer { server.stop() }

        let transcript = await RawHTTPClient.run(
            port: server.port,
            [
                .send(
                    "GET /204 HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /304 HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "HEAD /200 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                ),
                .receiveUntilClosed,
            ]
        )

        #expect(transcript.completed)
        #expect(
            transcript.received
                == "HTTP/1.1 204 No Content\r\n\r\n"
                + "HTTP/1.1 304 Not Modified\r\nETag: \"e\"\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\n"
        )
    }

    @Test("a client that disconnects mid-request does not stop the server")
    func clientDisconnectMidRequest() async throws {
        let server = try Self.echoServer()
        defer { server.stop() }

        let abandoned = await RawHTTPClient.run(
            port: server.port,
            [
                .send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part")
            ]
        )
        let next = await RawHTTPClient.run(
            port: server.port,
            [
                .send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"),
                .receiveUntilClosed,
            ]
        )

        #expect(abandoned.completed)
        #expect(next.completed)
        #expect(next.received.hasSuffix("\r\n\r\nok"))
        #expect(server.requests.map(\.body) == [Data("ok".utf8)])
    }

    @Test(
        "status lines carry the standard reason phrases",
        arguments: [
            (200, "OK"), (201, "Created"), (302, "Found"), (400, "Bad Request"), (403, "Forbidden"),
            (404, "Not Found"), (422, "Unprocessable Content"), (429, "Too Many Requests"),
            (500, "Internal Server Error"), (502, "Bad Gateway"), (503, "Service Unavailable"),
        ]
    )
    func reasonPhrases(status: Int, reason: String) async throws {
        let server = try LoopbackHTTPServer { _ in .response(status: status) }
        defer { server.stop() }

        let transcript = await RawHTTPClient.run(
            port: server.port,
            [
                .send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                .receiveUntilClosed,
            ]
        )

        #expect(transcript.received.hasPrefix("HTTP/1.1 \(status) \(reason)\r\n"))
    }

    @Test("the server listens on 127.0.0.1 only")
    func listensOnLoopback() throws {
        let server = try Self.echoServer()
        defer { server.stop() }
        #expect(server.baseURL.host == "127.0.0.1")
        #expect(server.baseURL.port == Int(server.port))
        #expect(server.port != 0)
    }
}
