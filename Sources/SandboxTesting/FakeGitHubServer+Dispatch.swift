import Foundation
import SandboxLocking

extension FakeGitHubServer {
    /// Dispatches an admitted request to the resource it names.
    func route(_ admitted: Admitted, method: String, body: Data) -> Answer {
        guard let route = admitted.route else { return Self.notFound() }
        // hideRepository models a token that cannot see the repository, not the App's own JWT.
        if route.isRepositoryScoped, admitted.caller != .app, state.withLock({ $0.repositoryHidden }) {
            return Self.notFound()
        }
        if case .installation(let permissions) = admitted.caller,
            let refusal = Self.integrationRefusal(route, permissions: permissions)
        {
            return refusal
        }
        let parts = admitted.parts
        switch route {
        case .app, .installation, .appInstallation, .createInstallationToken:
            return appRoute(route, admitted, body: body)
        case .authenticatedUser:
            return Answer(status: 200, json: userJSON(viewer))
        case .user:
            return account(login: parts[1])
        case .organizationMembership:
            return membershipRecord(organization: parts[1], login: parts[3], caller: admitted.caller)
        case .organizationMember:
            return memberCheck(organization: parts[1], login: parts[3], caller: admitted.caller)
        case .organizationPublicMember:
            return publicMemberCheck(organization: parts[1], login: parts[3])
        case .repository:
            return state.withLock { Answer(status: 200, json: repositoryJSON($0)) }
        case .branch:
            return state.withLock { state in
                let name = admitted.parts[admitted.parts.count - 1]
                guard let head = state.branches[name] else {
                    return Answer(status: 404, json: ["message": "Branch not found"])
                }
                return Answer(
                    status: 200,
                    json: ["name": name, "commit": ["sha": head], "protected": false] as [String: Any]
                )
            }
        case .pullRequest, .pullRequestFiles, .comments:
            return repositoryRead(route, admitted)
        case .pullRequests:
            return openPullRequests(admitted)
        case .contents:
            return content(admitted)
        case .createStatus:
            return createStatus(admitted, body: body)
        case .commitStatuses:
            return commitStatuses(admitted)
        case .createComment:
            return createComment(admitted, body: body)
        case .editComment:
            return editComment(admitted, body: body)
        }
    }

    /// GitHub's 403 for an installation token on a route its permissions do not cover: `GET /user` always
    /// (an installation is no user); a pull request and its files need `pull_requests`; comments need
    /// `issues` or `pull_requests`, `write` to post or edit. Memberships are looked at by the route.
    static func integrationRefusal(_ route: Route, permissions: [String: String]) -> Answer? {
        func grants(_ names: [String], write: Bool) -> Bool {
            names.contains { permissions[$0] == "write" || (!write && permissions[$0] == "read") }
        }
        let allowed =
            switch route {
            case .authenticatedUser: false
            case .pullRequest, .pullRequestFiles, .pullRequests: grants(["pull_requests"], write: false)
            case .contents: grants(["contents"], write: false)
            case .createStatus: grants(["statuses"], write: true)
            case .commitStatuses: grants(["statuses"], write: false)
            case .comments: grants(["issues", "pull_requests"], write: false)
            case .createComment, .editComment: grants(["issues", "pull_requests"], write: true)
            default: true
            }
        guard !allowed else { return nil }
        return Answer(
            status: 403,
            json: [
                "message": "Resource not accessible by integration",
                "documentation_url": "https://docs.github.com/rest",
            ],
            cacheable: false
        )
    }

    /// GitHub's 404.
    static func notFound() -> Answer {
        Answer(status: 404, json: ["message": "Not Found"])
    }

    /// `GET /users/{login}`.
    func account(login: String) -> Answer {
        state.withLock { state in
            let login = login.lowercased()
            guard let account = state.accounts.values.first(where: { $0.login.lowercased() == login }) else {
                return Self.notFound()
            }
            return Answer(status: 200, json: userJSON(account))
        }
    }

    /// A pull request, its files or its comments.
    func repositoryRead(_ route: Route, _ admitted: Admitted) -> Answer {
        let rest = admitted.rest
        return state.withLock { state in
            guard let number = Int(rest[1]) else { return Self.notFound() }
            switch route {
            case .pullRequest:
                guard let pull = state.pulls[number] else { return Self.notFound() }
                return Answer(status: 200, json: pullJSON(pull, state: state))
            case .pullRequestFiles:
                guard let pull = state.pulls[number] else { return Self.notFound() }
                let items: [Any] = pull.files.map { ["filename": $0.filename, "status": $0.status, "sha": "0"] }
                return page(items, path: admitted.path, query: admitted.query, state: state)
            default:
                guard state.pulls[number] != nil || state.issues.contains(number) else { return Self.notFound() }
                let items: [Any] = state.comments.filter { $0.pullRequest == number }
                    .map { commentJSON($0, state: state) }
                return page(items, path: admitted.path, query: admitted.query, state: state)
            }
        }
    }

    /// `POST …/issues/{number}/comments`: a comment by the caller's account.
    func createComment(_ admitted: Admitted, body: Data) -> Answer {
        guard let text = Self.commentBody(body) else {
            return Answer(status: 422, json: ["message": "Validation Failed"], cacheable: false)
        }
        let author = authorID(of: admitted.caller)
        return state.withLock { state in
            guard let number = Int(admitted.rest[1]), state.pulls[number] != nil || state.issues.contains(number)
            else {
                return Self.notFound()
            }
            let comment = Comment(id: state.nextCommentID, pullRequest: number, authorID: author, body: text)
            state.nextCommentID += 1
            state.comments.append(comment)
            return Answer(status: 201, json: commentJSON(comment, state: state), cacheable: false)
        }
    }

    /// `PATCH …/issues/comments/{id}`: only the comment's author may.
    func editComment(_ admitted: Admitted, body: Data) -> Answer {
        guard let text = Self.commentBody(body) else {
            return Answer(status: 422, json: ["message": "Validation Failed"], cacheable: false)
        }
        let author = authorID(of: admitted.caller)
        return state.withLock { state in
            guard let id = Int64(admitted.rest[2]), let index = state.comments.firstIndex(where: { $0.id == id })
            else {
                return Self.notFound()
            }
            guard state.comments[index].authorID == author else {
                return Answer(
                    status: 403,
                    json: ["message": "Must have admin rights to Repository."],
                    cacheable: false
                )
            }
            state.comments[index].body = text
            return Answer(status: 200, json: commentJSON(state.comments[index], state: state), cacheable: false)
        }
    }

    /// The id of the account the caller writes as.
    func authorID(of caller: Caller) -> Int64 {
        switch caller {
        case .viewer: viewer.id
        case .installation, .app: app?.bot.id ?? viewer.id
        }
    }
}
