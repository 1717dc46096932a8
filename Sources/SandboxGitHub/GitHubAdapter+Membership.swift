import SandboxCore

/// Organization membership (SPEC §5, reference/github.md §0 and §1.5).
///
/// For each allowed organization, in order, until one says "member":
/// 1. `GET /orgs/{org}/memberships/{login}`: `200` with `state: active` is a member; `200` with
///    `state: pending` is an invitation not accepted yet, not a membership.
/// 2. Otherwise (`404`, `403`, `302`), whether sandboxd's own account is an active member of the
///    organization (`GET /orgs/{org}/memberships/{own-login}`): if it is, the token sees private
///    membership, and the `404` means "not a member".
/// 3. If it is not, `GET /orgs/{org}/members/{login}` (redirects are never followed): `204` is a
///    member (a public one); `302` means GitHub will not tell this token about private
///    membership; `404` from a token that cannot see private membership (GitHub Enterprise
///    Server answers so instead of `302`) proves nothing. Both are "cannot tell".
///
/// A "cannot tell" for one organization and "not a member" for the others is "cannot tell":
/// the requester may be a private member, so the request stays pending and the operator is told.
extension GitHubAdapter {
    /// What the membership checks found.
    enum MembershipAnswer: Hashable, Sendable {
        /// An active member of at least one allowed organization.
        case member
        /// Not an active member of any; notes such as a pending invitation.
        case notMember([String])
        /// For at least one organization GitHub would not tell; why, per organization.
        case cannotTell([String])
    }

    /// Whether `login` is an active member of one of `organizations`.
    func membership(of login: String, inAnyOf organizations: [String]) async throws(GitHubError) -> MembershipAnswer {
        var notes: [String] = []
        var unknown: [String] = []
        for organization in organizations {
            switch try await membership(of: login, in: organization) {
            case .member:
                return .member
            case .notMember(let more):
                notes += more
            case .cannotTell(let why):
                unknown += why
            }
        }
        return unknown.isEmpty ? .notMember(notes) : .cannotTell(unknown)
    }

    /// Whether `login` is an active member of `organization`.
    func membership(of login: String, in organization: String) async throws(GitHubError) -> MembershipAnswer {
        let org = GitHubClient.segment(organization)
        let doing = "checking @\(login)'s membership of \(organization)"
        let record = try await client.get(path: "/orgs/\(org)/memberships/\(GitHubClient.segment(login))")
        switch record.status {
        case 200:
            let membership = try GitHubClient.decode(GitHubPayload.Membership.self, from: record, doing: doing)
            if membership.state == "active" { return .member }
            if membership.state == "pending" {
                return .notMember(["the invitation to join \(organization) is not accepted yet"])
            }
            return .notMember(["the membership of \(organization) is \(membership.state)"])
        case 302, 403, 404:
            break
        default:
            throw GitHubClient.failure(record, doing: doing)
        }
        if try await tokenSeesPrivateMembers(of: organization) {
            return .notMember([])
        }
        let member = try await client.get(path: "/orgs/\(org)/members/\(GitHubClient.segment(login))")
        switch member.status {
        case 204:
            return .member
        case 302:
            return .cannotTell([
                "GitHub does not show sandboxd's token whether @\(login) is a private member of \(organization) "
                    + "(HTTP 302: the token's account is not a member of \(organization))"
            ])
        case 403, 404:
            return .cannotTell([
                "sandboxd's token cannot see the private members of \(organization) (HTTP \(member.status))"
            ])
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
