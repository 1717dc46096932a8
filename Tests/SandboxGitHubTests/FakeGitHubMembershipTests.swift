import Foundation
import SandboxHTTP
import SandboxRuntime
import SandboxTesting
import Testing

/// The fake GitHub's organization membership routes, through plain HTTP.
@Suite("the fake GitHub's organization membership")
struct FakeGitHubMembershipTests {
    static let created = Date(timeIntervalSince1970: 1_420_070_400)

    @Test("public_members is 204 for an active public member and 404 otherwise, whoever asks")
    func publicMembers() async throws {
        let fake = try FakeGitHubServer()
        defer { fake.stop() }
        let http = FakeGitHubRequests(fake: fake)
        for (id, login) in [(101, "alice"), (102, "bob"), (103, "carol"), (104, "dave")] {
            fake.addAccount(.init(id: Int64(id), login: login, createdAt: Self.created))
        }
        fake.setMembership(organization: "octo-org", accountID: 101, .active, isPublic: true)
        fake.setMembership(organization: "octo-org", accountID: 102, .active)
        fake.setMembership(organization: "octo-org", accountID: 103, .pending, isPublic: true)

        let expected = ["alice": 204, "bob": 404, "carol": 404, "dave": 404, "nobody": 404]
        for (login, status) in expected {
            let response = try await http.send("/orgs/octo-org/public_members/\(login)", token: fake.token)
            #expect(response.status == status, "\(login)")
            if status == 204 { #expect(response.body.isEmpty) }
        }
        #expect(try await http.send("/orgs/Octo-Org/public_members/ALICE", token: fake.token).status == 204)

        // members/{login} to a token whose account is not a member points at public_members, even for a
        // public member (GitHub's docs: "Response if requester is not an organization member: 302").
        for login in ["bob", "alice"] {
            let member = try await http.send("/orgs/octo-org/members/\(login)", token: fake.token)
            #expect(member.status == 302)
            #expect(
                member.headers["Location"] == fake.apiURL.absoluteString + "/orgs/octo-org/public_members/\(login)"
            )
        }
        #expect(try await http.send("/orgs/octo-org/public_members/alice", token: "wrong").status == 401)
    }

    @Test("an installation token with members:read sees the owner's private membership, and no other's")
    func installationToken() async throws {
        let scene = try AppScene()
        defer { scene.fake.stop() }
        let fake = scene.fake
        let http = scene.http
        fake.addAccount(.init(id: 101, login: "alice", createdAt: Self.created))
        fake.addAccount(.init(id: 102, login: "bob", createdAt: Self.created))
        fake.setMembership(organization: "octo-org", accountID: 101, .active)
        fake.setMembership(organization: "other-org", accountID: 101, .active)
        let token = try await scene.mint()

        let alice = try await http.send("/orgs/octo-org/memberships/alice", token: token)
        #expect(alice.status == 200)
        #expect(FakeGitHubRequests.object(alice)["state"] as? String == "active")
        #expect((FakeGitHubRequests.object(alice)["user"] as? [String: Any])?["login"] as? String == "alice")
        #expect(try await http.send("/orgs/octo-org/memberships/bob", token: token).status == 404)
        #expect(try await http.send("/orgs/octo-org/members/alice", token: token).status == 204)
        #expect(try await http.send("/orgs/octo-org/members/bob", token: token).status == 404)

        // Another organization: like a non-member's token.
        #expect(try await http.send("/orgs/other-org/memberships/alice", token: token).status == 403)
        let member = try await http.send("/orgs/other-org/members/alice", token: token)
        #expect(member.status == 302)
        #expect(member.headers["Location"] == fake.apiURL.absoluteString + "/orgs/other-org/public_members/alice")

        // Without the members permission, not even the owner's.
        let narrow = try await scene.mint(permissions: ["pull_requests": "write"])
        #expect(try await http.send("/orgs/octo-org/memberships/alice", token: narrow).status == 403)
        #expect(try await http.send("/orgs/octo-org/members/alice", token: narrow).status == 302)
        // The PAT's account is a member of neither, as before.
        #expect(try await http.send("/orgs/octo-org/memberships/alice", token: fake.token).status == 403)
    }
}
