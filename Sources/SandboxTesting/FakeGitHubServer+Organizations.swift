import Foundation
import SandboxHTTP
import SandboxLocking

extension FakeGitHubServer {
    /// Whether the caller sees `organization`'s private membership: a personal access token whose account
    /// is an active member; an installation token of the App installed on that organization (the
    /// repository's owner) with the `members` permission (`read` or `write`).
    func seesPrivateMembers(of organization: String, caller: Caller, state: State) -> Bool {
        switch caller {
        case .viewer:
            return state.memberships[organization.lowercased()]?[viewer.id]?.state == .active
        case .installation(let permissions):
            let installedHere = organization.lowercased() == state.location.owner.lowercased()
            return installedHere && ["read", "write"].contains(permissions["members"] ?? "")
        case .app:
            return false
        }
    }

    /// `GET /orgs/{org}/memberships/{login}`: visible only to a caller that sees private membership (or
    /// to a personal access token about its own account).
    func membershipRecord(organization: String, login: String, caller: Caller) -> Answer {
        state.withLock { state in
            let members = state.memberships[organization.lowercased()] ?? [:]
            let account = state.accounts.values.first { $0.login.lowercased() == login.lowercased() }
            let isSelf = caller == .viewer && account?.id == viewer.id
            guard seesPrivateMembers(of: organization, caller: caller, state: state) || isSelf else {
                return Answer(
                    status: 403,
                    json: [
                        "message": "You must be a member of \(organization) to see membership information "
                            + "for \(login)."
                    ],
                    cacheable: false
                )
            }
            guard let account, let membership = members[account.id] else {
                return Answer(status: 404, json: ["message": "Not Found"])
            }
            return Answer(
                status: 200,
                json: [
                    "state": membership.state.rawValue, "role": "member",
                    "user": userJSON(account),
                ]
            )
        }
    }

    /// `GET /orgs/{org}/members/{login}`: 204 member, 404 not, 302 when the caller cannot see private members.
    func memberCheck(organization: String, login: String, caller: Caller) -> Answer {
        state.withLock { state in
            let members = state.memberships[organization.lowercased()] ?? [:]
            let account = state.accounts.values.first { $0.login.lowercased() == login.lowercased() }
            let membership = account.flatMap { members[$0.id] }
            if seesPrivateMembers(of: organization, caller: caller, state: state) {
                return Answer(status: membership?.state == .active ? 204 : 404, json: nil, cacheable: false)
            }
            // GitHub's docs: "Response if requester is not an organization member: 302", a public member
            // included; only public_members answers for them.
            if state.membersAnswer404WhenHidden {
                return Answer(
                    status: 404,
                    json: ["message": "User does not exist or is not a member of the organization"],
                    cacheable: false
                )
            }
            let location = apiURL.absoluteString + "/orgs/\(organization)/public_members/\(login)"
            return Answer(status: 302, json: nil, headers: ["Location": location], cacheable: false)
        }
    }

    /// `GET /orgs/{org}/public_members/{login}`: 204 for an active member whose membership is public, else
    /// 404, whoever asks.
    func publicMemberCheck(organization: String, login: String) -> Answer {
        state.withLock { state in
            let members = state.memberships[organization.lowercased()] ?? [:]
            let account = state.accounts.values.first { $0.login.lowercased() == login.lowercased() }
            let membership = account.flatMap { members[$0.id] }
            guard membership?.state == .active, membership?.isPublic == true else {
                return Answer(status: 404, json: ["message": "Not Found"], cacheable: false)
            }
            return Answer(status: 204, json: nil, cacheable: false)
        }
    }
}
