import Foundation
import SandboxHTTP
import Synchronization

extension FakeGitHubServer {
    /// `GET /orgs/{org}/memberships/{login}`: visible only to a member of the organization (or about oneself).
    func membershipRecord(organization: String, login: String) -> Answer {
        state.withLock { state in
            let members = state.memberships[organization.lowercased()] ?? [:]
            let viewerIsMember = members[viewer.id]?.state == .active
            let account = state.accounts.values.first { $0.login.lowercased() == login.lowercased() }
            let isSelf = account?.id == viewer.id
            guard viewerIsMember || isSelf else {
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

    /// `GET /orgs/{org}/members/{login}`: 204 member, 404 not, 302 when the viewer cannot see private members.
    func memberCheck(organization: String, login: String) -> Answer {
        state.withLock { state in
            let members = state.memberships[organization.lowercased()] ?? [:]
            let viewerIsMember = members[viewer.id]?.state == .active
            let account = state.accounts.values.first { $0.login.lowercased() == login.lowercased() }
            let membership = account.flatMap { members[$0.id] }
            if viewerIsMember {
                return Answer(status: membership?.state == .active ? 204 : 404, json: nil, cacheable: false)
            }
            if membership?.state == .active && membership?.isPublic == true {
                return Answer(status: 204, json: nil, cacheable: false)
            }
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
