import Foundation

extension FakeGitHubServer {
    /// A resource the fake serves, by method and path (below ``FakeGitHubServer/pathPrefix``): what
    /// ``FakeGitHubServer/injectFault(_:on:)`` is keyed by, and what the fake dispatches on.
    public enum Route: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// `GET /user`: sandboxd's own account.
        case authenticatedUser
        /// `GET /users/{login}`: an account, as verification reads it.
        case user
        /// `GET /orgs/{org}/memberships/{login}`.
        case organizationMembership
        /// `GET /orgs/{org}/members/{login}`.
        case organizationMember
        /// `GET /repos/{owner}/{repo}/pulls/{number}`.
        case pullRequest
        /// `GET /repos/{owner}/{repo}/pulls/{number}/files`.
        case pullRequestFiles
        /// `GET /repos/{owner}/{repo}/issues/{number}/comments`.
        case comments
        /// `POST /repos/{owner}/{repo}/issues/{number}/comments`.
        case createComment
        /// `PATCH /repos/{owner}/{repo}/issues/comments/{id}`.
        case editComment

        /// The method and path template, e.g. `GET /users/{login}`.
        public var description: String {
            switch self {
            case .authenticatedUser: "GET /user"
            case .user: "GET /users/{login}"
            case .organizationMembership: "GET /orgs/{org}/memberships/{login}"
            case .organizationMember: "GET /orgs/{org}/members/{login}"
            case .pullRequest: "GET /repos/{owner}/{repo}/pulls/{number}"
            case .pullRequestFiles: "GET /repos/{owner}/{repo}/pulls/{number}/files"
            case .comments: "GET /repos/{owner}/{repo}/issues/{number}/comments"
            case .createComment: "POST /repos/{owner}/{repo}/issues/{number}/comments"
            case .editComment: "PATCH /repos/{owner}/{repo}/issues/comments/{id}"
            }
        }
    }

    /// The path's segments after the leading `/`, percent-decoded.
    static func segments(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            $0.removingPercentEncoding ?? String($0)
        }
    }

    /// The route `method` and the path's `parts` name; `nil` for anything the fake does not serve
    /// (including another repository's resources).
    static func match(method: String, parts: [String], owner: String, repository: String) -> Route? {
        switch (method, parts.count) {
        case ("GET", 1) where parts[0] == "user": return .authenticatedUser
        case ("GET", 2) where parts[0] == "users": return .user
        case ("GET", 4) where parts[0] == "orgs" && parts[2] == "memberships": return .organizationMembership
        case ("GET", 4) where parts[0] == "orgs" && parts[2] == "members": return .organizationMember
        default: break
        }
        guard parts.count >= 4, parts[0] == "repos", parts[1].lowercased() == owner.lowercased(),
            parts[2].lowercased() == repository.lowercased()
        else { return nil }
        let rest = Array(parts.dropFirst(3))
        switch (method, rest.count) {
        case ("GET", 2) where rest[0] == "pulls": return .pullRequest
        case ("GET", 3) where rest[0] == "pulls" && rest[2] == "files": return .pullRequestFiles
        case ("GET", 3) where rest[0] == "issues" && rest[2] == "comments": return .comments
        case ("POST", 3) where rest[0] == "issues" && rest[2] == "comments": return .createComment
        case ("PATCH", 3) where rest[0] == "issues" && rest[1] == "comments": return .editComment
        default: return nil
        }
    }
}
