import Foundation
import SandboxHTTP
import SandboxTesting
import Testing

/// Real round trips over loopback: `URLSessionTransport` (libcurl) against `LoopbackHTTPServer`.
@Suite("HTTP transport round trips over loopback")
struct HTTPTransportRoundTripTests {
    /// Headers swift-corelibs-foundation / libcurl may add on their own. Anything else on the wire
    /// must have come from the caller.
    static let platformHeaders: Set<String> = [
        "host", "accept", "accept-encoding", "accept-language", "connection", "content-length", "user-agent",
    ]

    @Test("GET delivers status, headers and body, and the server sees method, path and query")
    func getRoundTrip() async throws {
        let server = try LoopbackHTTPServer { _ in
            .response(status: 200, headers: ["Content-Type": "text/plain", "X-Reply": "yes"], body: Data("hello".utf8))
        }
        defer { server.stop() }
        let transport = URLSessionTransport()

        let response = try await transport.send(
            HTTPRequest(
                url: URL(string: "\(server.baseURL)/repos/o/r/pulls/7?per_page=100")!,
                headers: ["Accept": "application/vnd.github+json"]
            )
        )

        #expect(response.status == 200)
        #expect(response.body == Data("hello".utf8))
        #expect(response.headers["x-reply"] == "yes")
        #expect(response.headers["Content-Type"] == "text/plain")
        let recorded = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(recorded.method == "GET")
        #expect(recorded.path == "/repos/o/r/pulls/7?per_page=100")
        #expect(recorded.headers.values(for: "Accept") == ["application/vnd.github+json"])
        #expect(recorded.body.isEmpty)
    }

    @Test("POST sends the exact body and Content-Type, and adds only the platform's headers")
    func postSendsHeadersAsGiven() async throws {
        let server = try LoopbackHTTPServer { request in
            .response(status: 201, headers: ["Content-Type": "application/octet-stream"], body: request.body)
        }
        defer { server.stop() }
        let transport = URLSessionTransport()
        let body = Data(#"{"ProductId":"prod-abc","ProvisionToken":"t-1"}"#.utf8)
        let headers: HTTPHeaders = [
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWS242ServiceCatalogService.ProvisionProduct",
            "X-Amz-Date": "20240115T120000Z",
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20240115/us-east-1/servicecatalog/aws4_request",
            "User-Agent": "sandboxd/0.1",
        ]

        let response = try await transport.send(
            HTTPRequest(method: "POST", url: server.baseURL, headers: headers, body: body)
        )

        #expect(response.status == 201)
        #expect(response.body == body)
        let recorded = try #require(server.requests.first)
        #expect(recorded.method == "POST")
        #expect(recorded.body == body)
        for field in headers {
            #expect(recorded.headers.values(for: field.name) == [field.value], "header \(field.name)")
        }
        let callerNames = Set(headers.map { $0.name.lowercased() })
        let added = recorded.headers.map { $0.name.lowercased() }.filter { !callerNames.contains($0) }
        #expect(Set(added).isSubset(of: Self.platformHeaders), "unexpected headers added: \(added)")
        #expect(recorded.headers["Content-Length"] == "\(body.count)")
        #expect(!recorded.headers.contains("Expect"))
    }

    @Test("sequential requests reuse one kept-alive connection")
    func keepAliveReusesConnection() async throws {
        let server = try LoopbackHTTPServer { request in
            .response(status: 200, body: Data(request.path.utf8))
        }
        defer { server.stop() }
        let transport = URLSessionTransport()

        for index in 1...5 {
            let method = index.isMultiple(of: 2) ? "POST" : "GET"
            let body = method == "POST" ? Data("n=\(index)".utf8) : Data()
            let response = try await transport.send(
                HTTPRequest(
                    method: method,
                    url: server.baseURL.appending(path: "n\(index)"),
                    headers: ["Content-Type": "text/plain"],
                    body: body
                )
            )
            #expect(response.status == 200)
            #expect(response.body == Data("/n\(index)".utf8))
        }

        #expect(server.requests.map(\.path) == ["/n1", "/n2", "/n3", "/n4", "/n5"])
        #expect(server.requests.map(\.connection) == [1, 1, 1, 1, 1])
    }

    @Test("a 302 is returned with its Location, not followed")
    func redirectIsNotFollowed() async throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/orgs/acme/members/alice"
                ? .response(
                    status: 302,
                    headers: ["Location": "/orgs/acme/public_members/alice"],
                    body: Data("moved".utf8)
                )
                : .response(status: 204)
        }
        defer { server.stop() }
        let transport = URLSessionTransport()

        let response = try await transport.send(
            HTTPRequest(url: server.baseURL.appending(path: "orgs/acme/members/alice"))
        )

        #expect(response.status == 302)
        #expect(response.headers["Location"] == "/orgs/acme/public_members/alice")
        #expect(server.requests.map(\.path) == ["/orgs/acme/members/alice"])
    }

    @Test("a 304 answering If-None-Match reaches the caller as 304, not as a cached 200")
    func notModifiedIsDelivered() async throws {
        let etag = #""abc123""#
        let server = try LoopbackHTTPServer { request in
            if request.headers["If-None-Match"] == etag {
                return .response(status: 304, headers: ["ETag": etag])
            }
            return .response(
                status: 200,
                headers: ["ETag": etag, "Cache-Control": "public, max-age=600", "Content-Type": "application/json"],
                body: Data(#"{"number":1}"#.utf8)
            )
        }
        defer { server.stop() }
        let transport = URLSessionTransport()
        let url = server.baseURL.appending(path: "repos/o/r/pulls/1")

        let first = try await transport.send(HTTPRequest(url: url))
        let second = try await transport.send(HTTPRequest(url: url, headers: ["If-None-Match": etag]))
        let third = try await transport.send(HTTPRequest(url: url))

        #expect(first.status == 200)
        #expect(second.status == 304)
        #expect(second.body.isEmpty)
        #expect(second.headers["ETag"] == etag)
        #expect(third.status == 200)
        #expect(server.requests.count == 3, "every request must reach the server; nothing is cached")
    }

    @Test("a connection closed without an answer is a retryable connectionFailed")
    func droppedConnectionFails() async throws {
        let server = try LoopbackHTTPServer { _ in .dropConnection }
        defer { server.stop() }
        let transport = URLSessionTransport()

        let error = await failure(of: HTTPRequest(url: server.baseURL.appending(path: "x")), on: transport)

        guard case .connectionFailed(let url, _)? = error else {
            Issue.record("expected connectionFailed, got \(String(describing: error))")
            return
        }
        #expect(url.path == "/x")
        #expect(error?.isRetryable == true)
    }

    @Test("a kept-alive connection dropped before the answer: libcurl resends a body-less request once")
    func droppedReusedConnectionWithoutBody() async throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/drop" ? .dropConnection : .response(status: 200)
        }
        defer { server.stop() }
        let transport = URLSessionTransport()
        _ = try await transport.send(HTTPRequest(url: server.baseURL.appending(path: "warm-up")))

        let error = await failure(
            of: HTTPRequest(method: "DELETE", url: server.baseURL.appending(path: "drop")),
            on: transport
        )

        guard case .connectionFailed? = error else {
            Issue.record("expected connectionFailed, got \(String(describing: error))")
            return
        }
        // libcurl's own retry on a reused connection: the server sees the request twice, on two
        // connections. If this changes with a new toolchain, update URLSessionTransport's docs.
        let drops = server.requests.filter { $0.path == "/drop" }
        #expect(drops.count == 2)
        #expect(drops.map(\.connection) == [1, 2])
    }

    @Test("a kept-alive connection dropped before the answer: a request with a body ends retryable within its timeout")
    func droppedReusedConnectionWithBody() async throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/drop" ? .dropConnection : .response(status: 200)
        }
        defer { server.stop() }
        let transport = URLSessionTransport()
        _ = try await transport.send(HTTPRequest(url: server.baseURL.appending(path: "warm-up")))
        let request = HTTPRequest(
            method: "POST",
            url: server.baseURL.appending(path: "drop"),
            headers: ["Content-Type": "application/json"],
            body: Data("{}".utf8),
            timeout: .milliseconds(500)
        )

        var error: HTTPTransportError?
        let elapsed = await ContinuousClock().measure {
            error = await failure(of: request, on: transport)
        }

        // libcurl wants to resend on a new connection but cannot rewind the body Foundation gave it,
        // so it stalls until our deadline: a timeout, never a hang and never a second POST.
        #expect(error?.isRetryable == true, "got \(String(describing: error))")
        // Generous (the suite runs in parallel on 2 cores); the point is that it ends, not how fast.
        #expect(elapsed < .seconds(30))
        #expect(server.requests.filter { $0.path == "/drop" }.count == 1)
    }

    @Test("a response cut off mid-body is an error, not a truncated success")
    func truncatedResponseFails() async throws {
        let body = Data(repeating: UInt8(ascii: "z"), count: 10_000)
        let server = try LoopbackHTTPServer { _ in
            .dropMidResponse(status: 200, headers: ["Content-Type": "application/json"], body: body)
        }
        defer { server.stop() }
        let transport = URLSessionTransport()

        let error = await failure(of: HTTPRequest(url: server.baseURL), on: transport)

        guard case .connectionFailed? = error else {
            Issue.record("expected connectionFailed, got \(String(describing: error))")
            return
        }
        #expect(error?.isRetryable == true)
    }

    @Test("an endless chunked body ends the request at the transport's limit, not in memory exhaustion")
    func endlessBodyIsCut() async throws {
        let server = try LoopbackHTTPServer { _ in
            .endlessChunks(status: 200, headers: ["Content-Type": "application/json"])
        }
        defer { server.stop() }
        let transport = URLSessionTransport(maximumResponseBytes: 1 << 20)

        let error = await failure(of: HTTPRequest(url: server.baseURL, timeout: .seconds(60)), on: transport)

        guard case .responseTooLarge(_, let limit)? = error else {
            Issue.record("expected responseTooLarge, got \(String(describing: error))")
            return
        }
        #expect(limit == 1 << 20)
        #expect(error?.isRetryable == false)
        #expect("\(error!)".contains("larger than 1048576 bytes"))
    }

    @Test("a body just under the limit arrives whole")
    func bodyUnderLimitArrives() async throws {
        let body = Data(repeating: UInt8(ascii: "y"), count: 100_000)
        let server = try LoopbackHTTPServer { _ in .response(status: 200, body: body) }
        defer { server.stop() }
        let transport = URLSessionTransport(maximumResponseBytes: 100_000)

        let response = try await transport.send(HTTPRequest(url: server.baseURL))

        #expect(response.body == body)
    }

    @Test("a handler slower than the request timeout yields timedOut, on time")
    func slowServerTimesOut() async throws {
        let server = try LoopbackHTTPServer { _ in
            try? await Task.sleep(for: .seconds(60))
            return .response(status: 200)
        }
        defer { server.stop() }
        let transport = URLSessionTransport()
        let request = HTTPRequest(url: server.baseURL.appending(path: "slow"), timeout: .milliseconds(500))

        var error: HTTPTransportError?
        let elapsed = await ContinuousClock().measure {
            error = await failure(of: request, on: transport)
        }

        guard case .timedOut(let url)? = error else {
            Issue.record("expected timedOut, got \(String(describing: error))")
            return
        }
        #expect(url == request.url)
        #expect(error?.isRetryable == true)
        #expect(elapsed >= .milliseconds(450))
        // Generous: the suite runs in parallel on 2 cores. The point is not waiting for the 60 s server.
        #expect(elapsed < .seconds(30), "the 0.5 s timeout must end the call long before the server answers")
    }

    @Test("a 1 MiB body goes and comes back intact, without Expect: 100-continue")
    func largeBodyRoundTrip() async throws {
        let server = try LoopbackHTTPServer { request in
            .response(status: 200, headers: ["Content-Type": "application/octet-stream"], body: request.body)
        }
        defer { server.stop() }
        let transport = URLSessionTransport()
        var generator = SystemRandomNumberGenerator()
        let body = Data((0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) })

        let response = try await transport.send(
            HTTPRequest(
                method: "PUT",
                url: server.baseURL,
                headers: ["Content-Type": "application/octet-stream"],
                body: body
            )
        )

        #expect(response.status == 200)
        #expect(response.body.count == body.count)
        #expect(response.body == body)
        let recorded = try #require(server.requests.first)
        #expect(recorded.body == body)
        #expect(recorded.headers["Content-Length"] == "\(1 << 20)")
        #expect(!recorded.headers.contains("Expect"), "libcurl's Expect: 100-continue should be suppressed")
        #expect(!recorded.headers.contains("Transfer-Encoding"))
    }

    @Test("20 concurrent requests all get their own answers")
    func concurrentRequests() async throws {
        let server = try LoopbackHTTPServer { request in
            .response(status: 200, body: Data("reply to \(request.path)".utf8))
        }
        defer { server.stop() }
        let transport = URLSessionTransport()

        let replies = try await withThrowingTaskGroup(of: (Int, HTTPResponse).self) { group in
            for index in 0..<20 {
                group.addTask {
                    (index, try await transport.send(HTTPRequest(url: server.baseURL.appending(path: "r\(index)"))))
                }
            }
            var replies: [Int: HTTPResponse] = [:]
            for try await (index, response) in group {
                replies[index] = response
            }
            return replies
        }

        #expect(replies.count == 20)
        for index in 0..<20 {
            #expect(replies[index]?.status == 200)
            #expect(replies[index]?.body == Data("reply to /r\(index)".utf8))
        }
        #expect(Set(server.requests.map(\.path)) == Set((0..<20).map { "/r\($0)" }))
        #expect(server.requests.count == 20)
    }

    @Test("a stopped server refuses connections: connectionFailed")
    func stoppedServerRefuses() async throws {
        let server = try LoopbackHTTPServer { _ in .response(status: 200) }
        let url = server.baseURL
        server.stop()
        let transport = URLSessionTransport()

        let error = await failure(of: HTTPRequest(url: url, timeout: .seconds(5)), on: transport)

        guard case .connectionFailed? = error else {
            Issue.record("expected connectionFailed, got \(String(describing: error))")
            return
        }
    }

    @Test(
        "requests the platform would mangle are refused before sending",
        arguments: [
            (HTTPRequest(url: URL(string: "ftp://example.invalid/file")!), "invalidURL"),
            (HTTPRequest(url: URL(string: "http://127.0.0.1:9/")!, headers: ["X-Bad": "a\r\nInjected: 1"]), "other"),
            (HTTPRequest(method: "GET", url: URL(string: "http://127.0.0.1:9/")!, body: Data("x".utf8)), "other"),
            (HTTPRequest(url: URL(string: "http://127.0.0.1:9/")!, timeout: .zero), "other"),
        ]
    )
    func refusedRequests(request: HTTPRequest, expected: String) async {
        let error = await failure(of: request, on: URLSessionTransport())
        switch (error, expected) {
        case (.invalidURL?, "invalidURL"), (.other?, "other"):
            #expect(error?.isRetryable == false)
        default:
            Issue.record("expected \(expected), got \(String(describing: error))")
        }
    }

    @Test("cancelling the caller cancels the request")
    func cancellationStopsTheRequest() async throws {
        let started = Gate()
        let release = Gate()
        let server = try LoopbackHTTPServer { _ in
            started.open()
            await release.wait()
            return .response(status: 200)
        }
        defer {
            release.open()
            server.stop()
        }
        let transport = URLSessionTransport()

        let task = Task { await failure(of: HTTPRequest(url: server.baseURL), on: transport) }
        await started.wait()
        task.cancel()
        let error = await task.value

        guard case .other? = error else {
            Issue.record("expected other (cancelled), got \(String(describing: error))")
            return
        }
    }

    /// Sends `request` expecting a transport error; records an issue and returns nil on success.
    private func failure(of request: HTTPRequest, on transport: some HTTPTransport) async -> HTTPTransportError? {
        do {
            let response = try await transport.send(request)
            Issue.record("expected a transport error, got status \(response.status) with \(response.body.count) bytes")
            return nil
        } catch {
            return error
        }
    }
}
