import Foundation
import SandboxHTTP
import SandboxTesting
import Testing

/// The fake GitHub's repository resource, its `/repositories/{id}` paths, a token that cannot see it, and
/// moves (redirects), through plain HTTP.
@Suite("the fake GitHub's repository")
struct FakeGitHubRepositoryTests {
    /// A fake with pull request 7 by alice, with one comment of hers.
    private static func fake(pathPrefix: String = "") throws -> FakeGitHubServer {
        let fake = try FakeGitHubServer(pathPrefix: pathPrefix)
        fake.addAccount(.init(id: 101, login: "alice", createdAt: Date(timeIntervalSince1970: 1_420_070_400)))
        fake.addPullRequest(.init(number: 7, authorID: 101, files: [.init("desired-state/requests/req-alice.json")]))
        fake.addComment(pullRequest: 7, authorID: 101, body: "hello")
        return fake
    }

    @Test("GET /repos/{owner}/{repo} and /repositories/{id} answer the repository")
    func resource() async throws {
        let fake = try Self.fake()
        defer { fake.stop() }
        let http = FakeGitHubRequests(fake: fake)
        for path in ["/repos/octo-org/sandboxes", "/repos/Octo-Org/Sandboxes", "/repositories/1296269"] {
            let response = try await http.send(path, token: fake.token)
            #expect(response.status == 200, "\(path)")
            #expect(response.headers["ETag"] != nil)
            let json = FakeGitHubRequests.object(response)
            #expect(json["id"] as? Int == 1_296_269)
            #expect(json["name"] as? String == "sandboxes")
            #expect(json["full_name"] as? String == "octo-org/sandboxes")
            #expect(json["private"] as? Bool == true)
            #expect(json["default_branch"] as? String == "main")
            #expect(json["html_url"] as? String == "https://github.example/octo-org/sandboxes")
            let owner = json["owner"] as? [String: Any]
            #expect(owner?["login"] as? String == "octo-org")
            #expect(owner?["id"] as? Int == 9_919)
            #expect(owner?["type"] as? String == "Organization")
        }
        #expect(try await http.send("/repositories/1296270", token: fake.token).status == 404)
        #expect(try await http.send("/repos/octo-org/other", token: fake.token).status == 404)
        #expect(fake.repositoryID == 1_296_269)
    }

    @Test("every route of the repository is served under /repositories/{id} too")
    func byID() async throws {
        let fake = try Self.fake()
        defer { fake.stop() }
        let http = FakeGitHubRequests(fake: fake)
        let pull = try await http.send("/repositories/1296269/pulls/7", token: fake.token)
        #expect(pull.status == 200)
        #expect(FakeGitHubRequests.object(pull)["number"] as? Int == 7)
        let files = try await http.send("/repositories/1296269/pulls/7/files", token: fake.token)
        #expect(
            FakeGitHubRequests.array(files).first?["filename"] as? String == "desired-state/requests/req-alice.json"
        )
        let posted = try await http.send(
            "/repositories/1296269/issues/7/comments",
            method: "POST",
            token: fake.token,
            json: ["body": "from sandboxd"]
        )
        #expect(posted.status == 201)
        let id = try #require(FakeGitHubRequests.object(posted)["id"] as? Int)
        let edited = try await http.send(
            "/repositories/1296269/issues/comments/\(id)",
            method: "PATCH",
            token: fake.token,
            json: ["body": "edited"]
        )
        #expect(edited.status == 200)
        let comments = try await http.send("/repositories/1296269/issues/7/comments", token: fake.token)
        #expect(FakeGitHubRequests.array(comments).map { $0["body"] as? String } == ["hello", "edited"])
    }

    @Test("a hidden repository answers 404 on every route of it, as GitHub answers a token without access")
    func hidden() async throws {
        let fake = try Self.fake()
        defer { fake.stop() }
        let http = FakeGitHubRequests(fake: fake)
        let comment = try #require(fake.comments(on: 7).first).id
        fake.hideRepository()
        let requests: [(String, String, [String: Any]?)] = [
            ("GET", "/repos/octo-org/sandboxes", nil),
            ("GET", "/repositories/1296269", nil),
            ("GET", "/repos/octo-org/sandboxes/pulls/7", nil),
            ("GET", "/repositories/1296269/pulls/7/files", nil),
            ("GET", "/repos/octo-org/sandboxes/issues/7/comments", nil),
            ("POST", "/repos/octo-org/sandboxes/issues/7/comments", ["body": "x"]),
            ("PATCH", "/repos/octo-org/sandboxes/issues/comments/\(comment)", ["body": "x"]),
        ]
        for (method, path, json) in requests {
            let response = try await http.send(path, method: method, token: fake.token, json: json)
            #expect(response.status == 404, "\(method) \(path)")
            #expect(FakeGitHubRequests.message(response) == "Not Found")
        }
        #expect(try await http.send("/users/alice", token: fake.token).status == 200)
        #expect(fake.comments(on: 7).map(\.body) == ["hello"])

        fake.hideRepository(false)
        #expect(try await http.send("/repos/octo-org/sandboxes/pulls/7", token: fake.token).status == 200)
    }

    @Test("after a move the old paths redirect to /repositories/{id}: 301 for GET, 307 otherwise, for free")
    func moved() async throws {
        let fake = try Self.fake(pathPrefix: "/api/v3")
        defer { fake.stop() }
        let http = FakeGitHubRequests(fake: fake)
        fake.moveRepository(toOwner: "new-org", name: "pool", ownerID: 77)
        #expect(fake.owner == "new-org")
        #expect(fake.repository == "pool")
        let base = fake.apiURL.absoluteString

        let before = fake.costlyCalls
        let get = try await http.send(
            "/repos/octo-org/sandboxes/issues/7/comments?per_page=100&page=1",
            token: fake.token
        )
        #expect(get.status == 301)
        let location = "\(base)/repositories/1296269/issues/7/comments?per_page=100&page=1"
        #expect(get.headers["Location"] == location)
        let body = FakeGitHubRequests.object(get)
        #expect(body["message"] as? String == "Moved Permanently")
        #expect(body["url"] as? String == location)
        #expect(
            body["documentation_url"] as? String
                == "https://docs.github.com/rest/overview/resources-in-the-rest-api#http-redirects"
        )
        let post = try await http.send(
            "/repos/octo-org/sandboxes/issues/7/comments",
            method: "POST",
            token: fake.token,
            json: ["body": "x"]
        )
        #expect(post.status == 307)
        #expect(post.headers["Location"] == "\(base)/repositories/1296269/issues/7/comments")
        let patch = try await http.send(
            "/repos/octo-org/sandboxes/issues/comments/1",
            method: "PATCH",
            token: fake.token
        )
        #expect(patch.status == 307)
        let repository = try await http.send("/repos/octo-org/sandboxes", token: fake.token)
        #expect(repository.headers["Location"] == "\(base)/repositories/1296269")
        #expect(fake.costlyCalls == before, "a redirect cost a call")
        #expect(fake.comments(on: 7).count == 1, "a redirected POST was served")

        let followed = try await http.send("", token: fake.token, url: URL(string: location)!)
        #expect(followed.status == 200)
        #expect(FakeGitHubRequests.array(followed).count == 1)
        let renamed = try await http.send("/repos/new-org/pool", token: fake.token)
        #expect(renamed.status == 200)
        #expect(FakeGitHubRequests.object(renamed)["full_name"] as? String == "new-org/pool")
        #expect((FakeGitHubRequests.object(renamed)["owner"] as? [String: Any])?["id"] as? Int == 77)
        #expect(try await http.send("/repos/new-org/pool/pulls/7", token: fake.token).status == 200)

        fake.hideRepository()
        #expect(try await http.send("/repos/octo-org/sandboxes/pulls/7", token: fake.token).status == 404)
        #expect(try await http.send("/repos/octo-org/sandboxes/pulls/7", token: "wrong").status == 401)
    }

    @Test("a repository moved to another host redirects there; the fake records every request")
    func anotherHost() async throws {
        let fake = try Self.fake()
        defer { fake.stop() }
        let elsewhere = try LoopbackHTTPServer { _ in .response(status: 418) }
        defer { elsewhere.stop() }
        let http = FakeGitHubRequests(fake: fake)
        fake.moveRepositoryToAnotherHost(elsewhere.baseURL.appending(path: "api"))

        let get = try await http.send("/repos/octo-org/sandboxes/pulls/7?x=1", token: fake.token)
        #expect(get.status == 301)
        #expect(get.headers["Location"] == "\(elsewhere.baseURL.absoluteString)/api/repositories/1296269/pulls/7?x=1")
        let post = try await http.send("/repos/octo-org/sandboxes/issues/7/comments", method: "POST", token: fake.token)
        #expect(post.status == 307)
        #expect(elsewhere.requests.isEmpty)
        #expect(fake.requests.filter { $0.path.hasPrefix("/repos/octo-org/sandboxes/") }.count == 2)
        #expect(try await http.send("/repositories/1296269/pulls/7", token: fake.token).status == 200)

        fake.moveRepository(toOwner: "octo-org", name: "sandboxes")
        #expect(try await http.send("/repos/octo-org/sandboxes/pulls/7", token: fake.token).status == 200)
    }

    @Test("a standing fault on .repository applies under both of its paths")
    func faulted() async throws {
        let fake = try Self.fake()
        defer { fake.stop() }
        let http = FakeGitHubRequests(fake: fake, transport: URLSessionTransport(maximumResponseBytes: 1 << 16))
        fake.injectFault(.endlessBody, on: .repository)
        for path in ["/repos/octo-org/sandboxes", "/repositories/1296269"] {
            await #expect(throws: HTTPTransportError.self, "\(path)") {
                _ = try await http.send(path, token: fake.token)
            }
        }
        #expect(try await http.send("/repositories/1296269/pulls/7", token: fake.token).status == 200)
        fake.injectFault(.clear, on: .repository)
        #expect(try await http.send("/repositories/1296269", token: fake.token).status == 200)
    }
}
