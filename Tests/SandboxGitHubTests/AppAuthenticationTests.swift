import Foundation
import Glibc
import SandboxCore
import SandboxCrypto
import SandboxGitHub
import SandboxHTTP
import SandboxRuntime
import SandboxTesting
import Testing

/// docs/behaviour.md §4.3, "GitHub credentials": the App's JWT, its installation, its key's rotation,
/// and what its installation lets sandboxd see of organizations.
@Suite("GitHub App authentication")
struct AppAuthenticationTests {
    /// The claims of the JWTs the fake received, in order.
    private func claims(_ scene: AppAuthScene) -> [[String: Any]] {
        scene.receivedJWTs.compactMap { parts -> [String: Any]? in
            guard let payload = Base64URL.decode(parts[1]) else { return nil }
            return try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any]
        }
    }

    @Test("the JWT: RS256, iss the App's id, iat 60 s back, exp 10 minutes after iat; the installation found once")
    func jwtClaims() async throws {
        let scene = try AppAuthScene()
        defer { scene.stop() }
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        let outcome = await scene.adapter.verify(scene.verification(spec("alice", pr: 100)))
        #expect(outcome == .verified(userId: 101, login: "alice"))
        let jwts = claims(scene)
        #expect(!jwts.isEmpty)
        let now = Int(scene.clock.now().timeIntervalSince1970)
        for claim in jwts {
            #expect(claim["iss"] as? String == String(AppAuthScene.appID))
            #expect(claim["iat"] as? Int == now - 60)
            #expect(claim["exp"] as? Int == now + 540)
        }
        let paths = scene.fake.requests.map(\.path)
        #expect(paths.filter { $0 == "/repos/octo-org/sandboxes/installation" }.count == 1, "\(paths)")
        #expect(paths.filter { $0.hasSuffix("/access_tokens") }.count == 1, "\(paths)")
        #expect(!paths.contains("/user"), "an installation token cannot read /user")
    }

    @Test("a configured installation id is used as given: no look-up on the repository")
    func configuredInstallation() async throws {
        let scene = try AppAuthScene(installationID: 52_000_001)
        defer { scene.stop() }
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        #expect(
            await scene.adapter.verify(scene.verification(spec("alice", pr: 100)))
                == .verified(userId: 101, login: "alice")
        )
        #expect(!scene.fake.requests.contains { $0.path.hasSuffix("/installation") })
    }

    @Test("an App not installed on the repository is a configuration problem: pending, never rejected")
    func notInstalled() async throws {
        let scene = try AppAuthScene()
        defer { scene.stop() }
        scene.fake.uninstall()
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        let (outcome, cause) = await Verifier.verifyReportingCause(
            scene.verification(spec("alice", pr: 100)),
            using: scene.adapter
        )
        guard case .pending = outcome else {
            Issue.record("expected pending, got \(outcome)")
            return
        }
        #expect(cause?.kind == .misconfigured)
        #expect(cause?.message.contains("install the App") == true, "\(String(describing: cause))")
    }

    @Test("a rotated App key is read again: the next JWT is signed with the new key, with no restart")
    func keyRotation() async throws {
        let scene = try AppAuthScene()
        defer { scene.stop() }
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        #expect(
            await scene.adapter.verify(scene.verification(spec("alice", pr: 100)))
                == .verified(userId: 101, login: "alice")
        )

        // The operator adds a second key to the App, replaces the file, and GitHub revokes the tokens.
        let replacement = scene.directory.appendingPathComponent("app-key.pem.new")
        try Data(TestAppKeys.second.utf8).write(to: replacement)
        #expect(rename(replacement.path, scene.keyFile.path) == 0)
        scene.fake.revokeInstallationTokens()
        scene.person("bob", id: 102)
        scene.pullRequest(101, by: 102, adding: "req-bob")
        let before = scene.fake.requests.count
        #expect(
            await scene.adapter.verify(scene.verification(spec("bob", pr: 101))) == .verified(userId: 102, login: "bob")
        )
        let second = try RSAPublicKey(pem: TestAppKeys.secondPublic)
        let signedAfter = scene.fake.requests.dropFirst(before).compactMap { request -> Bool? in
            guard let bearer = request.headers["Authorization"]?.replacingOccurrences(of: "Bearer ", with: ""),
                case let parts = bearer.split(separator: "."), parts.count == 3,
                let signature = Base64URL.decode(parts[2])
            else { return nil }
            return second.isValidSignatureSHA256(signature, for: Array("\(parts[0]).\(parts[1])".utf8))
        }
        #expect(signedAfter == [true], "one JWT after the rotation, signed with the second key")
    }

    @Test("an App installed on the organization with Members: read sees its private members; elsewhere, public ones")
    func membershipThroughTheInstallation() async throws {
        let scene = try AppAuthScene()
        defer { scene.stop() }
        scene.addAliceAndBob()
        scene.fake.setMembership(organization: "other-org", accountID: 102, .active, isPublic: true)
        // alice is in no organization: the installation on octo-org says so for certain.
        let ownOrg = VerificationPolicy(allowedOrganizations: ["octo-org"])
        let rejected = await scene.adapter.verify(scene.verification(spec("alice", pr: 100), policy: ownOrg))
        guard case .rejected = rejected else {
            Issue.record("expected rejected, got \(rejected)")
            return
        }
        // bob is a public member of another organization: found through public_members.
        let other = VerificationPolicy(allowedOrganizations: ["other-org"])
        #expect(
            await scene.adapter.verify(scene.verification(spec("bob", pr: 101), policy: other))
                == .verified(userId: 102, login: "bob")
        )
    }
}
