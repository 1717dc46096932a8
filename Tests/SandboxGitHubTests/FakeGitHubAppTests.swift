import Foundation
import SandboxHTTP
import SandboxRuntime
import SandboxTesting
import Testing

/// The fake GitHub's credentials, through plain HTTP: personal access tokens (and their rotation), and a
/// GitHub App's installation and the tokens it mints. The JWT rules have their own suite (FakeGitHubJWTTests).
@Suite("the fake GitHub's tokens and App")
struct FakeGitHubAppTests {
    @Test("a rotated personal access token stops working at once; the new one works")
    func rotation() async throws {
        let fake = try FakeGitHubServer()
        defer { fake.stop() }
        let http = FakeGitHubRequests(fake: fake)
        #expect(try await http.send("/user", token: fake.token).status == 200)

        fake.rotateToken(to: "rotated-token-2")
        let old = try await http.send("/user", token: fake.token)
        #expect(old.status == 401)
        #expect(FakeGitHubRequests.message(old) == "Bad credentials")
        let new = try await http.send("/user", token: "rotated-token-2")
        #expect(new.status == 200)
        #expect(FakeGitHubRequests.object(new)["id"] as? Int == Int(fake.viewer.id))

        fake.acceptTokens(["rotated-token-2", "rotated-token-3"])
        #expect(try await http.send("/user", token: "rotated-token-3").status == 200)
        #expect(try await http.send("/user", token: "rotated-token-2").status == 200)
        #expect(fake.acceptedTokens == ["rotated-token-2", "rotated-token-3"])
        #expect(fake.refusedForHeaders == 1)
    }

    @Test("with its JWT the App reads itself and its installation, and mints tokens, all for free")
    func appRoutes() async throws {
        let scene = try AppScene()
        defer { scene.fake.stop() }
        let http = scene.http
        let app = try await http.send("/app", token: scene.jwt())
        #expect(app.status == 200)
        let json = FakeGitHubRequests.object(app)
        #expect(json["id"] as? Int == 1_024_001)
        #expect(json["slug"] as? String == "sandboxd-app")
        #expect(json["name"] as? String == "sandboxd")
        #expect(json["client_id"] as? String == AppScene.clientID)
        #expect((json["owner"] as? [String: Any])?["login"] as? String == "octo-org")
        #expect(json["permissions"] as? [String: String] == scene.app.permissions)

        for path in ["/repos/octo-org/sandboxes/installation", "/repositories/1296269/installation"] {
            let installation = try await http.send(path, token: scene.jwt())
            #expect(installation.status == 200, "\(path)")
            let json = FakeGitHubRequests.object(installation)
            #expect(json["id"] as? Int == 52_000_001)
            #expect(json["app_id"] as? Int == 1_024_001)
            #expect(json["app_slug"] as? String == "sandboxd-app")
            #expect(json["repository_selection"] as? String == "selected")
            let account = json["account"] as? [String: Any]
            #expect(account?["login"] as? String == "octo-org")
            #expect(account?["id"] as? Int == 9_919)
            #expect(account?["type"] as? String == "Organization")
        }

        let path = "/app/installations/52000001/access_tokens"
        let minted = try await http.send(path, method: "POST", token: scene.jwt())
        #expect(minted.status == 201)
        let token = FakeGitHubRequests.object(minted)
        let text = try #require(token["token"] as? String)
        #expect(text.hasPrefix("ghs_") && text.count == 40)
        #expect(token["expires_at"] as? String == "2027-01-15T09:00:00Z")
        #expect(token["permissions"] as? [String: String] == scene.app.permissions)
        #expect(token["repository_selection"] as? String == "selected")
        #expect(scene.fake.installationTokens.first?.expiresAt == scene.clock.now().addingTimeInterval(3_600))

        let fewer = try await http.send(
            path,
            method: "POST",
            token: scene.jwt(),
            json: ["permissions": ["pull_requests": "read"]]
        )
        #expect(fewer.status == 201)
        #expect(FakeGitHubRequests.object(fewer)["permissions"] as? [String: String] == ["pull_requests": "read"])
        #expect(FakeGitHubRequests.object(fewer)["token"] as? String != text)
        let more = try await http.send(
            path,
            method: "POST",
            token: scene.jwt(),
            json: ["permissions": ["administration": "write"]]
        )
        #expect(more.status == 422)
        let other = try await http.send("/app/installations/1/access_tokens", method: "POST", token: scene.jwt())
        #expect(other.status == 404)
        #expect(scene.fake.mintedTokens == 2)
        #expect(scene.fake.costlyCalls == 0, "the App's JWT routes cost nothing")

        // After a rename, the old installation path redirects for the JWT too.
        scene.fake.moveRepository(toOwner: "octo-org", name: "renamed")
        let moved = try await http.send("/repos/octo-org/sandboxes/installation", token: scene.jwt())
        #expect(moved.status == 301)
        let location = try #require(moved.headers["Location"])
        #expect(location == scene.fake.apiURL.absoluteString + "/repositories/1296269/installation")
        #expect(try await http.send("", token: scene.jwt(), url: URL(string: location)!).status == 200)
    }

    @Test("an installation token works until its expires_at by the fake's clock, then 401 Bad credentials")
    func tokenExpiry() async throws {
        let scene = try AppScene(tokenLifetime: 600)
        defer { scene.fake.stop() }
        scene.fake.addPullRequest(.init(number: 7, authorID: 9_000, files: []))
        let token = try await scene.mint()
        let pull = "/repos/octo-org/sandboxes/pulls/7"
        #expect(try await scene.http.send(pull, token: token).status == 200)
        scene.clock.advance(by: 599)
        #expect(try await scene.http.send(pull, token: token).status == 200)
        scene.clock.advance(by: 1)
        let expired = try await scene.http.send(pull, token: token)
        #expect(expired.status == 401)
        #expect(FakeGitHubRequests.message(expired) == "Bad credentials")
        #expect(scene.fake.costlyCalls == 2)

        let fresh = try await scene.mint()
        #expect(try await scene.http.send(pull, token: fresh).status == 200)
        scene.fake.revokeInstallationTokens()
        #expect(try await scene.http.send(pull, token: fresh).status == 401)
        #expect(scene.fake.installationTokens.map(\.isRevoked) == [true, true])
    }

    @Test("uninstalling revokes the tokens and hides the installation; installing again mints again")
    func uninstall() async throws {
        let scene = try AppScene()
        defer { scene.fake.stop() }
        let token = try await scene.mint()
        scene.fake.uninstall()
        #expect(try await scene.http.send("/users/sandboxd-bot", token: token).status == 401)
        let installation = try await scene.http.send("/repos/octo-org/sandboxes/installation", token: scene.jwt())
        #expect(installation.status == 404)
        await #expect(throws: AppScene.MintFailed.self) { _ = try await scene.mint() }
        #expect(try await scene.http.send("/app", token: scene.jwt()).status == 200)

        scene.fake.uninstall(false)
        let again = try await scene.mint()
        #expect(try await scene.http.send("/users/sandboxd-bot", token: again).status == 200)
    }

    @Test("an installation token writes as the bot, edits only the bot's comments, and is no user")
    func botIdentity() async throws {
        let scene = try AppScene()
        defer { scene.fake.stop() }
        let http = scene.http
        scene.fake.addPullRequest(.init(number: 7, authorID: 9_000, files: []))
        let viewers = scene.fake.addComment(pullRequest: 7, authorID: scene.fake.viewer.id, body: "the PAT's")
        let token = try await scene.mint()

        let posted = try await http.send(
            "/repos/octo-org/sandboxes/issues/7/comments",
            method: "POST",
            token: token,
            json: ["body": "hi"]
        )
        #expect(posted.status == 201)
        let user = FakeGitHubRequests.object(posted)["user"] as? [String: Any]
        #expect(user?["login"] as? String == "sandboxd-app[bot]")
        #expect(user?["id"] as? Int == 149_000_001)
        #expect(user?["type"] as? String == "Bot")
        let id = try #require(FakeGitHubRequests.object(posted)["id"] as? Int)
        #expect(scene.fake.comments(on: 7).last?.authorID == 149_000_001)

        let edit = "/repositories/1296269/issues/comments/"
        #expect(try await http.send(edit + "\(id)", method: "PATCH", token: token, json: ["body": "b"]).status == 200)
        #expect(
            try await http.send(edit + "\(viewers)", method: "PATCH", token: token, json: ["body": "b"]).status == 403
        )
        #expect(
            try await http.send(edit + "\(id)", method: "PATCH", token: scene.fake.token, json: ["body": "c"]).status
                == 403
        )
        #expect(scene.fake.comments(on: 7).map(\.body) == ["the PAT's", "b"])

        let me = try await http.send("/user", token: token)
        #expect(me.status == 403)
        #expect(FakeGitHubRequests.message(me) == "Resource not accessible by integration")
        let bot = try await http.send("/users/sandboxd-app%5Bbot%5D", token: token)
        #expect(bot.status == 200)
        #expect(FakeGitHubRequests.object(bot)["type"] as? String == "Bot")
        #expect(FakeGitHubRequests.object(bot)["id"] as? Int == 149_000_001)
        let raw = try http.rawGET("/users/sandboxd-app[bot]", token: token)
        #expect(scene.fake.requests.last?.path == "/users/sandboxd-app[bot]")
        #expect(raw.status == 200)
        #expect(raw.body == bot.body)
    }

    @Test("an installation token without pull_requests may not read pull requests nor comment")
    func permissions() async throws {
        let scene = try AppScene(permissions: ["metadata": "read", "issues": "read"])
        defer { scene.fake.stop() }
        scene.fake.addPullRequest(.init(number: 7, authorID: 9_000, files: []))
        let token = try await scene.mint()
        let base = "/repos/octo-org/sandboxes"
        #expect(try await scene.http.send(base, token: token).status == 200)
        #expect(try await scene.http.send(base + "/pulls/7", token: token).status == 403)
        #expect(try await scene.http.send(base + "/issues/7/comments", token: token).status == 200)
        let post = try await scene.http.send(
            base + "/issues/7/comments",
            method: "POST",
            token: token,
            json: ["body": "x"]
        )
        #expect(post.status == 403)
        #expect(FakeGitHubRequests.message(post) == "Resource not accessible by integration")
    }

    @Test("rate limits, scripted failures and faults apply to the App's routes; a spent limit spares the JWT")
    func machinery() async throws {
        let scene = try AppScene()
        defer { scene.fake.stop() }
        let token = try await scene.mint()
        scene.fake.setRateLimit(remaining: 0, reset: scene.clock.now().addingTimeInterval(600))
        #expect(try await scene.http.send("/app", token: scene.jwt()).status == 200)
        let limited = try await scene.http.send("/users/sandboxd-bot", token: token)
        #expect(limited.status == 403)
        #expect(FakeGitHubRequests.message(limited) == "API rate limit exceeded for installation ID 52000001.")
        scene.clock.advance(by: 600)

        scene.fake.failNext(1)
        #expect(try await scene.http.send("/app", token: scene.jwt()).status == 502)
        let etag = try #require(try await scene.http.send("/app", token: scene.jwt()).headers["ETag"])
        #expect(!etag.isEmpty)

        let limitedTransport = FakeGitHubRequests(
            fake: scene.fake,
            transport: URLSessionTransport(maximumResponseBytes: 1 << 16)
        )
        scene.fake.injectFault(.endlessBody, on: .createInstallationToken)
        await #expect(throws: HTTPTransportError.self) {
            _ = try await limitedTransport.send(
                "/app/installations/52000001/access_tokens",
                method: "POST",
                token: scene.jwt()
            )
        }
        scene.fake.injectFault(.clear, on: .createInstallationToken)
        _ = try await scene.mint()
        #expect(scene.fake.mintedTokens == 2)
    }
}
