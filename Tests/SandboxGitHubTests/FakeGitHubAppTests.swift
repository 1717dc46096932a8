import Foundation
import SandboxHTTP
import SandboxTesting
import Testing

/// The fake GitHub's credentials, through plain HTTP: personal access tokens (and their rotation).
@Suite("the fake GitHub's tokens")
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
}
