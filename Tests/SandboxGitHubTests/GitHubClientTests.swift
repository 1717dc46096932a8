import Foundation
import SandboxCore
import SandboxGitHub
import SandboxHTTP
import SandboxRuntime
import SandboxTesting
import SandboxLocking
import Testing

/// A transport that answers from a closure, for answers the fake does not give.
struct ScriptedTransport: HTTPTransport {
    let answer: @Sendable (HTTPRequest) -> HTTPResponse

    func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        answer(request)
    }
}

@Suite("the GitHub client over HTTP")
struct GitHubClientTests {
    @Test("every request carries GitHub's headers and the token; a GHES base URL with a path works")
    func headersAndEnterpriseBaseURL() async throws {
        let scene = try Scene(pathPrefix: "/api/v3", apiSuffix: "/")
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        #expect(
            await scene.adapter.verify(scene.verification(spec("alice", pr: 100)))
                == .verified(userId: 101, login: "alice")
        )
        let requests = scene.fake.requests
        #expect(requests.count == 3)
        #expect(requests.allSatisfy { $0.path.hasPrefix("/api/v3/") && !$0.path.hasPrefix("/api/v3//") })
        for request in requests {
            #expect(request.headers["Accept"] == "application/vnd.github+json")
            #expect(request.headers["X-GitHub-Api-Version"] == "2022-11-28")
            #expect(request.headers["User-Agent"] == "sandboxd/0.1")
            #expect(request.headers["Authorization"] == "Bearer \(scene.fake.token)")
        }
        #expect(scene.fake.refusedForHeaders == 0)
    }

    @Test("a pull request's files are read across pages by following Link headers")
    func filesArePaginated() async throws {
        let scene = try Scene()
        scene.fake.maximumPageSize = 2
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice", extraFiles: ["a", "b", "c", "d"])
        #expect(
            await scene.adapter.verify(scene.verification(spec("alice", pr: 100)))
                == .verified(userId: 101, login: "alice")
        )
        let filePages = scene.fake.requests.filter { $0.path.contains("/pulls/100/files") }
        #expect(filePages.count == 3)
        #expect(filePages.last?.path.contains("page=3") == true)
    }

    @Test("comments are found across pages, then read again at no rate cost")
    func commentsPaginatedAndConditional() async throws {
        let scene = try Scene()
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        for index in 0..<230 {
            scene.fake.addComment(pullRequest: 100, authorID: 101, body: "comment \(index)")
        }
        let own = scene.fake.addComment(
            pullRequest: 100,
            authorID: scene.fake.viewer.id,
            body: "text\n<!-- sandboxd:req-alice:queued -->"
        )
        let marker = "<!-- sandboxd:req-alice:queued -->"
        #expect(try await scene.adapter.findComment(pullRequest: 100, marker: marker)?.id == own)
        #expect(scene.fake.costlyCalls == 4)  // GET /user and three pages
        #expect(try await scene.adapter.findComment(pullRequest: 100, marker: marker)?.id == own)
        #expect(scene.fake.costlyCalls == 4)
        #expect(scene.fake.notModifiedCalls == 3)
    }

    @Test("a full last page answered 304 is read again, so a comment on a new page is not missed")
    func fullLastPageIsRefreshed() async throws {
        let scene = try Scene()
        scene.fake.maximumPageSize = 100
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        for index in 0..<100 { scene.fake.addComment(pullRequest: 100, authorID: 101, body: "c\(index)") }
        let marker = "<!-- sandboxd:req-alice:ready -->"
        #expect(try await scene.adapter.findComment(pullRequest: 100, marker: marker) == nil)
        let own = scene.fake.addComment(pullRequest: 100, authorID: scene.fake.viewer.id, body: "x\n\(marker)")
        #expect(try await scene.adapter.findComment(pullRequest: 100, marker: marker)?.id == own)
    }

    @Test("5xx answers to reads are retried with short pauses, then reported as unavailable")
    func serverErrorsRetried() async throws {
        let scene = try Scene()
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        scene.fake.failNext(2)
        #expect(
            await scene.adapter.verify(scene.verification(spec("alice", pr: 100)))
                == .verified(userId: 101, login: "alice")
        )
        #expect(scene.sleeps.recorded == [.milliseconds(500), .seconds(2)])

        scene.fake.failNext(3, status: 503)
        let outcome = await scene.adapter.verify(scene.verification(spec("alice", pr: 100)))
        guard case .pending(let reason, _) = outcome else {
            Issue.record("expected pending, got \(outcome)")
            return
        }
        #expect(reason.contains("HTTP 503"))

        // The outage is met once: for the next 30 seconds calls fail at once, without a request.
        let calls = scene.fake.requests.count
        #expect(await scene.adapter.verify(scene.verification(spec("alice", pr: 100))).isPending)
        #expect(scene.fake.requests.count == calls)
        scene.clock.advance(by: 31)
        #expect(
            await scene.adapter.verify(scene.verification(spec("alice", pr: 100)))
                == .verified(userId: 101, login: "alice")
        )
    }

    @Test("a post that meets a 502 is not repeated: the executor looks for it by marker instead")
    func postIsNeverRepeated() async throws {
        let scene = try Scene()
        scene.pullRequest(100, by: 101, adding: "req-alice")
        scene.fake.failNext(1)
        await #expect(throws: GitHubError.self) {
            _ = try await scene.adapter.postComment(pullRequest: 100, body: "hi <!-- sandboxd:req-alice:ready -->")
        }
        #expect(scene.fake.requests.filter { $0.method == "POST" }.count == 1)
    }

    @Test("writes are serialized and spaced at least a second apart")
    func writesArePaced() async throws {
        let scene = try Scene()
        scene.pullRequest(100, by: 101, adding: "req-alice")
        let adapter = scene.adapter
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<3 {
                group.addTask {
                    _ = try await adapter.postComment(
                        pullRequest: 100,
                        body: "n\(index) <!-- sandboxd:req-alice:ready -->"
                    )
                }
            }
            try await group.waitForAll()
        }
        #expect(scene.fake.allComments.count == 3)
        // The clock does not move in this test, so each later write waits the whole second.
        #expect(scene.sleeps.recorded == [.seconds(1), .seconds(1)])
        let reference = try #require(scene.fake.allComments.first.map { CommentReference(id: $0.id) })
        try await adapter.editComment(reference, body: "edited <!-- sandboxd:req-alice:ready -->")
        #expect(scene.sleeps.recorded.count == 3)
        #expect(scene.fake.allComments.first?.body.hasPrefix("edited") == true)
    }

    @Test("once the rate limit is used up, calls fail at once with the reset time, without a request")
    func rateLimitFailsFast() async throws {
        let scene = try Scene()
        scene.pullRequest(100, by: 101, adding: "req-alice")
        let reset = scene.clock.now().addingTimeInterval(900)
        scene.fake.setRateLimit(remaining: 1, reset: reset)
        // The last unit is used by this post; the answer says 0 remain, so the gate closes.
        _ = try await scene.adapter.postComment(pullRequest: 100, body: "x <!-- sandboxd:req-alice:ready -->")
        let calls = scene.fake.requests.count
        do {
            _ = try await scene.adapter.postComment(pullRequest: 100, body: "x <!-- sandboxd:req-alice:ready -->")
            Issue.record("expected a rate-limit error")
        } catch {
            #expect(error.kind == .unavailable)
            #expect(error.retryAt.map { abs($0.timeIntervalSince(reset)) < 1 } == true)
        }
        await #expect(throws: GitHubError.self) {
            _ = try await scene.adapter.findComment(pullRequest: 100, marker: "<!-- sandboxd:req-alice:ready -->")
        }
        #expect(scene.fake.requests.count == calls)
        #expect(scene.sleeps.recorded.isEmpty)

        scene.clock.set(reset.addingTimeInterval(1))
        _ = try await scene.adapter.postComment(pullRequest: 100, body: "x <!-- sandboxd:req-alice:ready -->")
        #expect(scene.fake.requests.count == calls + 1)
    }

    @Test("the token appears in no error, and a wrong token is unauthorized")
    func tokenNeverInErrors() async throws {
        let scene = try Scene()
        let secret = "ghp_wrongTokenValue123"
        let client = GitHubClient(
            configuration: GitHubClient.Configuration(baseURL: scene.fake.apiURL, token: try GitHubToken(secret)),
            transport: scene.transport,
            now: { scene.clock.now() },
            sleep: { _ in }
        )
        let adapter = GitHubAdapter(repository: try GitHubRepository("octo-org/sandboxes"), client: client)
        do {
            _ = try await adapter.postComment(pullRequest: 1, body: "x")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .unauthorized)
            #expect(!"\(error)".contains(secret) && !String(reflecting: error).contains(secret))
        }
        let outcome = await adapter.verify(scene.verification(spec("alice", pr: 100)))
        #expect(!"\(outcome)".contains(secret))
        #expect("\(try GitHubToken(secret))" == "<redacted>")
        #expect(!String(reflecting: try GitHubToken(secret)).contains(secret))
        var dumped = ""
        dump(try GitHubToken(secret), to: &dumped)
        #expect(!dumped.contains(secret))
    }

    @Test("a next-page link to another host is refused: the token is never sent there")
    func foreignLinkRefused() async throws {
        let seen = Locked<[URL]>([])
        let transport = ScriptedTransport { request in
            seen.withLock { $0.append(request.url) }
            if request.url.path == "/user" {
                return HTTPResponse(status: 200, body: Data(#"{"login":"bot","id":1,"type":"User"}"#.utf8))
            }
            return HTTPResponse(
                status: 200,
                headers: ["Link": "<https://evil.example/page2>; rel=\"next\""],
                body: Data("[]".utf8)
            )
        }
        let client = GitHubClient(
            configuration: GitHubClient.Configuration(
                baseURL: URL(string: "https://api.github.com")!,
                token: try GitHubToken("t0ken")
            ),
            transport: transport,
            sleep: { _ in }
        )
        let adapter = GitHubAdapter(repository: try GitHubRepository("o/r"), client: client)
        await #expect(throws: GitHubError.self) {
            _ = try await adapter.findComment(pullRequest: 1, marker: "<!-- sandboxd:a:ready -->")
        }
        #expect(seen.withLock { $0 }.allSatisfy { $0.host == "api.github.com" })
        #expect(
            seen.withLock { $0 }.last?.absoluteString
                == "https://api.github.com/repos/o/r/issues/1/comments?per_page=100"
        )
    }

    @Test("a 404 on the pull request's comments is notFound (the executor stops trying)")
    func missingPullRequestIsNotFound() async throws {
        let scene = try Scene()
        do {
            _ = try await scene.adapter.postComment(pullRequest: 77, body: "x")
            Issue.record("expected notFound")
        } catch {
            #expect(error.kind == .notFound)
        }
    }
}

extension VerificationOutcome {
    var isPending: Bool {
        if case .pending = self { return true }
        return false
    }
}
