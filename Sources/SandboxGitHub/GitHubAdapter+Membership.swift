import SandboxCore

/// Organization membership (docs/behaviour.md §5, reference/github.md §0 and §1.5): the answer
/// for one organization. Which organizations are asked, in which order, and what the answers come
/// to is ``VerificationPolicy``'s.
///
/// 1. `GET /orgs/{org}/memberships/{login}`: `200` with `state: active` is a member; `200` with
///    `state: pending` is an invitation not accepted yet, not a membership.
/// 2. Otherwise (`404`, `403`, `302`), whether sandboxd's own account is an active member of the
///    organization (`GET /orgs/{org}/memberships/{own-login}`): if it is, the token sees private
///    membership, and the `404` means "not a member".
/// 3. If it is not, `GET /orgs/{org}/members/{login}` (redirects are never followed): `204` is a
///    member (a public one); `302` means GitHub will not tell this token about private
///    membership; `404` from a token that cannot see private membership (GitHub Enterprise
///    Server answers so instead of `302`) proves nothing. Both are "cannot tell".
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
        case 302:
            return .cannotTell(
                reason: "GitHub does not show sandboxd's token whether @\(login) is a private member of "
                    + "\(organization) (HTTP 302: the token's account is not a member of \(organization))"
            )
        case 403, 404:
            return .cannotTell(
                reason: "sandboxd's token cannot see the private members of \(organization) (HTTP \(member.status))"
            )
        default:
            throw GitHubClient.failure(member, doing: doing)
        }
    }

    /// Whether sandboxd's own account is an active member of `organization` (then its token sees
    /// private membership, given the permission to read members).
    func tokenSeesPrivateMembers(of organization: String) async throws(GitHubError) -> Bool {
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
