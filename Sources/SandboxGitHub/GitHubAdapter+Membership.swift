import SandboxCore

/// Organization membership (docs/behaviour.md §5): the answer for one organization. Which
/// organizations are asked, in which order, and what the answers come to is ``VerificationPolicy``'s.
///
/// 1. `GET /orgs/{org}/memberships/{login}`: `200` with `state: active` is a member; `200` with
///    `state: pending` is an invitation not accepted yet, not a membership.
/// 2. Otherwise (`404`, `403`, `302`), whether sandboxd's credentials see the organization's private
///    members: a token's account that is an active member of it, or a GitHub App installed on it with
///    the Members permission. If they do, the `404` means "not a member".
/// 3. If they do not, `GET /orgs/{org}/members/{login}` (redirects are never followed): `204` is a
///    member. A `302` (GitHub will not tell this token about private membership) or a `403`/`404`
///    proves nothing, so `GET /orgs/{org}/public_members/{login}` is asked: `204` is a (public)
///    member; `404` is "cannot tell" (a private member looks the same as no member).
extension GitHubAdapter {
    /// Whether `login` is an active member of `organization`.
    func membership(of login: String, in organization: String) async throws(GitHubError) -> MembershipAnswer {
        let org = GitHubClient.segment(organization)
        let doing = "checking @\(login)'s membership of \(organization)"
        let record = try await client.get(path: "/orgs/\(org)/memberships/\(GitHubClient.segment(login))")
        switch record.status {
        case 200:
            let membership = try GitHubClient.decode(GitHubPayload.Membership.self, from: record, doing: doing)
            if membership.state == "active" { return .active }
            if membership.state == "pending" { return .pending }
            return .notMember  // GitHub documents only active and pending
        case 302, 403, 404:
            break
        default:
            throw GitHubClient.failure(record, doing: doing)
        }
        if try await tokenSeesPrivateMembers(of: organization) {
            return .notMember
        }
        let member = try await client.get(path: "/orgs/\(org)/members/\(GitHubClient.segment(login))")
        switch member.status {
        case 204:
            return .active
        case 302, 403, 404:
            break
        default:
            throw GitHubClient.failure(member, doing: doing)
        }
        let publicMember = try await client.get(path: "/orgs/\(org)/public_members/\(GitHubClient.segment(login))")
        switch publicMember.status {
        case 204:
            return .active
        case 404:
            let why =
                member.status == 302
                ? "HTTP 302: sandboxd's account is not a member of \(organization)"
                : "HTTP \(member.status)"
            return .cannotTell(
                reason: "GitHub does not show sandboxd's credentials whether @\(login) is a private member of "
                    + "\(organization) (\(why)), and @\(login) is not a public member"
            )
        default:
            throw GitHubClient.failure(publicMember, doing: doing)
        }
    }

    /// Whether sandboxd's credentials see the private members of `organization`: a token whose account
    /// is an active member of it, or a GitHub App installed on it with the Members permission.
    func tokenSeesPrivateMembers(of organization: String) async throws(GitHubError) -> Bool {
        if let session = client.authenticator.appSession {
            let installation = try await session.installationDetails(client: client)
            let permission = installation.permissions["members"]
            return installation.account?.lowercased() == organization.lowercased()
                && (permission == "read" || permission == "write")
        }
        let own = try await client.authenticatedAccount()
        let response = try await client.get(
            path: "/orgs/\(GitHubClient.segment(organization))/memberships/\(GitHubClient.segment(own.login))"
        )
        guard response.status == 200 else { return false }
        let membership = try GitHubClient.decode(
            GitHubPayload.Membership.self,
            from: response,
            doing: "checking sandboxd's own membership of \(organization)"
        )
        return membership.state == "active"
    }
}
