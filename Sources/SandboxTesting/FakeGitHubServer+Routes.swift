import Foundation

extension FakeGitHubServer {
    /// A resource the fake serves, by method and path (below ``FakeGitHubServer/pathPrefix``): what
    /// ``FakeGitHubServer/injectFault(_:on:)`` is keyed by, and what the fake dispatches on. A route of
    /// the repository is the same route under `/repos/{owner}/{repo}` and `/repositories/{id}`.
    public enum Route: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// `GET /user`: sandboxd's own account.
        case authenticatedUser
        /// `GET /users/{login}`: an account, as verification reads it.
        case user
        /// `GET /orgs/{org}/memberships/{login}`.
        case organizationMembership
        /// `GET /orgs/{org}/members/{login}`.
        case organizationMember
        /// `GET /orgs/{org}/public_members/{login}`.
        case organizationPublicMember
        /// `GET /repos/{owner}/{repo}`: the repository itself.
        case repository
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
        /// `GET /repos/{owner}/{repo}/branches/{branch}`: a branch and its head commit.
        case branch
        /// `GET /repos/{owner}/{repo}/pulls?state=…`: the pull requests.
        case pullRequests
        /// `GET /repos/{owner}/{repo}/contents/{path}?ref=…`: a file at a commit.
        case contents
        /// `POST /repos/{owner}/{repo}/statuses/{sha}`: a commit status.
        case createStatus
        /// `GET /repos/{owner}/{repo}/commits/{sha}/statuses`: a commit's statuses, newest first.
        case commitStatuses
        /// `GET /app`: the App, for its JSON web token.
        case app
        /// `GET /repos/{owner}/{repo}/installation`: the App's installation, for its JSON web token.
        case installation
        /// `GET /app/installations/{installation_id}`: the App's installation by id, for its JSON web token.
        case appInstallation
        /// `POST /app/installations/{installation_id}/access_tokens`: mints an installation token, for the
        /// App's JSON web token.
        case createInstallationToken

        /// The method and path template, e.g. `GET /users/{login}`.
        public var description: String {
            switch self {
            case .authenticatedUser: "GET /user"
            case .user: "GET /users/{login}"
            case .organizationMembership: "GET /orgs/{org}/memberships/{login}"
            case .organizationMember: "GET /orgs/{org}/members/{login}"
            case .organizationPublicMember: "GET /orgs/{org}/public_members/{login}"
            case .repository: "GET /repos/{owner}/{repo}"
            case .pullRequest: "GET /repos/{owner}/{repo}/pulls/{number}"
            case .pullRequestFiles: "GET /repos/{owner}/{repo}/pulls/{number}/files"
            case .comments: "GET /repos/{owner}/{repo}/issues/{number}/comments"
            case .createComment: "POST /repos/{owner}/{repo}/issues/{number}/comments"
            case .editComment: "PATCH /repos/{owner}/{repo}/issues/comments/{id}"
            case .branch: "GET /repos/{owner}/{repo}/branches/{branch}"
            case .pullRequests: "GET /repos/{owner}/{repo}/pulls"
            case .contents: "GET /repos/{owner}/{repo}/contents/{path}"
            case .createStatus: "POST /repos/{owner}/{repo}/statuses/{sha}"
            case .commitStatuses: "GET /repos/{owner}/{repo}/commits/{sha}/statuses"
            case .app: "GET /app"
            case .installation: "GET /repos/{owner}/{repo}/installation"
            case .appInstallation: "GET /app/installations/{installation_id}"
            case .createInstallationToken: "POST /app/installations/{installation_id}/access_tokens"
            }
        }

        /// Whether it is a resource of the repository (served under `/repos/{owner}/{repo}` and
        /// `/repositories/{id}`, and 404 while ``FakeGitHubServer/hideRepository(_:)`` hides it).
        var isRepositoryScoped: Bool {
            switch self {
            case .authenticatedUser, .user, .organizationMembership, .organizationMember, .organizationPublicMember,
                .app, .appInstallation, .createInstallationToken:
                false
            case .repository, .pullRequest, .pullRequestFiles, .comments, .createComment, .editComment, .installation,
                .branch, .pullRequests, .contents, .createStatus, .commitStatuses:
                true
            }
        }

        /// Whether it is one of the App's own routes, which take its JSON web token and nothing else.
        var isAppRoute: Bool {
            switch self {
            case .app, .installation, .appInstallation, .createInstallationToken: true
            default: false
            }
        }
    }

    /// The path's segments after the leading `/`, percent-decoded.
    static func segments(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            $0.removingPercentEncoding ?? String($0)
        }
    }

    /// The route `method` and the path's `parts` name outside any repository; `nil` for anything else.
    static func accountRoute(method: String, parts: [String]) -> Route? {
        switch (method, parts.count) {
        case ("GET", 1) where parts[0] == "user": .authenticatedUser
        case ("GET", 2) where parts[0] == "users": .user
        case ("GET", 4) where parts[0] == "orgs" && parts[2] == "memberships": .organizationMembership
        case ("GET", 4) where parts[0] == "orgs" && parts[2] == "members": .organizationMember
        case ("GET", 4) where parts[0] == "orgs" && parts[2] == "public_members": .organizationPublicMember
        case ("GET", 1) where parts[0] == "app": .app
        case ("GET", 3) where parts[0] == "app" && parts[1] == "installations": .appInstallation
        case ("POST", 4) where parts[0] == "app" && parts[1] == "installations" && parts[3] == "access_tokens":
            .createInstallationToken
        default: nil
        }
    }

    /// The route `method` and `rest`, the segments after `/repos/{owner}/{repo}` or `/repositories/{id}`,
    /// name; `nil` for anything the fake does not serve.
    static func repositoryRoute(method: String, rest: [String]) -> Route? {
        switch (method, rest.count) {
        case ("GET", 0): .repository
        case ("GET", 1) where rest[0] == "installation": .installation
        case ("GET", 1) where rest[0] == "pulls": .pullRequests
        case ("GET", _) where rest.count >= 2 && rest[0] == "contents": .contents
        case ("POST", 2) where rest[0] == "statuses": .createStatus
        case ("GET", 3) where rest[0] == "commits" && rest[2] == "statuses": .commitStatuses
        case ("GET", 2) where rest[0] == "pulls": .pullRequest
        case ("GET", 2) where rest[0] == "branches": .branch
        case ("GET", 3) where rest[0] == "pulls" && rest[2] == "files": .pullRequestFiles
        case ("GET", 3) where rest[0] == "issues" && rest[2] == "comments": .comments
        case ("POST", 3) where rest[0] == "issues" && rest[2] == "comments": .createComment
        case ("PATCH", 3) where rest[0] == "issues" && rest[1] == "comments": .editComment
        default: nil
        }
    }
}
