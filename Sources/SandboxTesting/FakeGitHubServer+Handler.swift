import Foundation
import SandboxHTTP
import Synchronization

extension FakeGitHubServer {
    /// What one route answers before rate-limit headers and ETags are added.
    struct Answer {
        var status: Int
        var json: Any?
        var headers: HTTPHeaders = [:]
        /// Whether this answer may be cached with an ETag (a `GET` with a JSON body).
        var cacheable = true
    }

    /// Answers one request as GitHub would.
    func handle(_ request: RecordedRequest) -> ServerReply {
        let (rawPath, query) = Self.split(request.path)
        guard rawPath.hasPrefix(pathPrefix + "/") else {
            return reply(Answer(status: 404, json: ["message": "Not Found"]), to: request, costs: false)
        }
        let path = String(rawPath.dropFirst(pathPrefix.count))

        // Headers GitHub requires.
        if let refusal = Self.headerRefusal(request, token: token) {
            state.withLock { $0.refusedForHeaders += 1 }
            return reply(refusal, to: request, costs: false)
        }

        // Scripted failures and limits come first.
        let scripted: Answer? = state.withLock { state in
            let now = self.now()
            if let reset = state.reset, now >= reset {
                state.remaining = state.limit
                state.reset = nil
            }
            if !state.failures.isEmpty {
                let status = state.failures.removeFirst()
                return Answer(status: status, json: ["message": "Server Error"], cacheable: false)
            }
            if state.secondaryLimited > 0 {
                state.secondaryLimited -= 1
                return Answer(
                    status: 403,
                    json: [
                        "message": "You have exceeded a secondary rate limit. Please wait a few minutes "
                            + "before you try again."
                    ],
                    headers: ["Retry-After": String(state.secondaryRetryAfter)],
                    cacheable: false
                )
            }
            if state.remaining <= 0 {
                return Answer(
                    status: 403,
                    json: ["message": "API rate limit exceeded for user ID \(self.viewer.id)."],
                    cacheable: false
                )
            }
            return nil
        }
        if let scripted { return reply(scripted, to: request, costs: false) }

        let answer = route(method: request.method, path: path, query: query, body: request.body)
        return reply(answer, to: request, costs: true)
    }

    /// Adds ETag, 304 and rate-limit handling to an answer.
    func reply(_ answer: Answer, to request: RecordedRequest, costs: Bool) -> ServerReply {
        var headers = answer.headers
        var body = Data()
        if let json = answer.json {
            body = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])) ?? Data()
            headers["Content-Type"] = "application/json; charset=utf-8"
        }
        var status = answer.status
        if request.method == "GET", answer.status == 200, answer.cacheable {
            let etag = Self.etag(body: body)
            headers["ETag"] = etag
            if request.headers["If-None-Match"] == etag {
                status = 304
                body = Data()
                headers["Link"] = nil  // GitHub may not repeat it: clients keep the one they stored
                headers["Content-Type"] = nil
            }
        }
        state.withLock { state in
            if status == 304 {
                state.notModifiedCalls += 1
            } else if costs, status < 500 {
                state.costlyCalls += 1
                state.remaining -= 1
                if state.reset == nil { state.reset = self.now().addingTimeInterval(3_600) }
            }
            headers["X-RateLimit-Limit"] = String(state.limit)
            headers["X-RateLimit-Remaining"] = String(max(state.remaining, 0))
            headers["X-RateLimit-Used"] = String(state.limit - max(state.remaining, 0))
            let reset = state.reset ?? self.now().addingTimeInterval(3_600)
            headers["X-RateLimit-Reset"] = String(Int(reset.timeIntervalSince1970.rounded(.up)))
            headers["X-RateLimit-Resource"] = "core"
        }
        return .response(status: status, headers: headers, body: body)
    }

    /// The refusal for a request missing a header GitHub requires (or with another token than `token`), if any.
    static func headerRefusal(_ request: RecordedRequest, token: String) -> Answer? {
        if request.headers["Authorization"] != "Bearer \(token)" {
            return Answer(status: 401, json: ["message": "Bad credentials"], cacheable: false)
        }
        if (request.headers["User-Agent"] ?? "").isEmpty {
            return Answer(
                status: 403,
                json: ["message": "Request forbidden by administrative rules."],
                cacheable: false
            )
        }
        if request.headers["Accept"] != "application/vnd.github+json"
            || request.headers["X-GitHub-Api-Version"] != "2022-11-28"
        {
            return Answer(status: 400, json: ["message": "Bad Accept or X-GitHub-Api-Version header"], cacheable: false)
        }
        return nil
    }

    // MARK: - Routes

    /// Dispatches to the resource the request names.
    func route(method: String, path: String, query: [String: String], body: Data) -> Answer {
        let parts = Self.segments(path)
        guard let route = Self.match(method: method, parts: parts, owner: owner, repository: repository) else {
            return Self.notFound()
        }
        let rest = Array(parts.dropFirst(3))
        switch route {
        case .authenticatedUser:
            return Answer(status: 200, json: userJSON(viewer))
        case .user:
            return state.withLock { state in
                let login = parts[1].lowercased()
                guard let account = state.accounts.values.first(where: { $0.login.lowercased() == login }) else {
                    return Self.notFound()
                }
                return Answer(status: 200, json: userJSON(account))
            }
        case .organizationMembership:
            return membershipRecord(organization: parts[1], login: parts[3])
        case .organizationMember:
            return memberCheck(organization: parts[1], login: parts[3])
        case .pullRequest:
            return state.withLock { state in
                guard let number = Int(rest[1]), let pull = state.pulls[number] else { return Self.notFound() }
                return Answer(status: 200, json: pullJSON(pull, state: state))
            }
        case .pullRequestFiles:
            return state.withLock { state in
                guard let number = Int(rest[1]), let pull = state.pulls[number] else { return Self.notFound() }
                let items: [Any] = pull.files.map { ["filename": $0.filename, "status": $0.status, "sha": "0"] }
                return page(items, path: path, query: query, state: state)
            }
        case .comments:
            return state.withLock { state in
                guard let number = Int(rest[1]), state.pulls[number] != nil || state.issues.contains(number) else {
                    return Self.notFound()
                }
                let items: [Any] = state.comments.filter { $0.pullRequest == number }
                    .map { commentJSON($0, state: state) }
                return page(items, path: path, query: query, state: state)
            }
        case .createComment:
            guard let text = Self.commentBody(body) else {
                return Answer(status: 422, json: ["message": "Validation Failed"], cacheable: false)
            }
            return state.withLock { state in
                guard let number = Int(rest[1]), state.pulls[number] != nil || state.issues.contains(number) else {
                    return Self.notFound()
                }
                let comment = Comment(id: state.nextCommentID, pullRequest: number, authorID: viewer.id, body: text)
                state.nextCommentID += 1
                state.comments.append(comment)
                return Answer(status: 201, json: commentJSON(comment, state: state), cacheable: false)
            }
        case .editComment:
            guard let text = Self.commentBody(body) else {
                return Answer(status: 422, json: ["message": "Validation Failed"], cacheable: false)
            }
            return state.withLock { state in
                guard let id = Int64(rest[2]), let index = state.comments.firstIndex(where: { $0.id == id }) else {
                    return Self.notFound()
                }
                guard state.comments[index].authorID == viewer.id else {
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
    }

    /// GitHub's 404.
    static func notFound() -> Answer {
        Answer(status: 404, json: ["message": "Not Found"])
    }

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

    /// One page of `items`, with a `Link` header when there are more.
    func page(_ items: [Any], path: String, query: [String: String], state: State) -> Answer {
        let perPage = min(max(Int(query["per_page"] ?? "30") ?? 30, 1), state.maximumPageSize)
        let number = max(Int(query["page"] ?? "1") ?? 1, 1)
        let start = min((number - 1) * perPage, items.count)
        let end = min(start + perPage, items.count)
        var headers: HTTPHeaders = [:]
        let pages = max((items.count + perPage - 1) / perPage, 1)
        if number < pages {
            let base = apiURL.absoluteString + path
            headers["Link"] =
                "<\(base)?per_page=\(perPage)&page=\(number + 1)>; rel=\"next\", "
                + "<\(base)?per_page=\(perPage)&page=\(pages)>; rel=\"last\""
        }
        return Answer(status: 200, json: Array(items[start..<end]), headers: headers)
    }

    // MARK: - JSON

    /// A user object.
    func userJSON(_ account: Account) -> [String: Any] {
        [
            "login": account.login, "id": account.id, "type": account.type, "site_admin": false,
            "created_at": Self.timestamp(account.createdAt),
        ]
    }

    /// A pull request object.
    func pullJSON(_ pull: PullRequest, state: State) -> [String: Any] {
        let author =
            state.accounts[pull.authorID]
            ?? Account(id: 10_137, login: "ghost", createdAt: Date(timeIntervalSince1970: 1_204_000_000))
        return [
            "number": pull.number, "state": pull.merged ? "closed" : "open", "merged": pull.merged,
            "merged_at": pull.merged ? Self.timestamp(now()) as Any : NSNull(),
            "user": ["login": author.login, "id": author.id, "type": author.type],
            "changed_files": pull.files.count,
        ]
    }

    /// A comment object.
    func commentJSON(_ comment: Comment, state: State) -> [String: Any] {
        let author = state.accounts[comment.authorID]
        return [
            "id": comment.id, "body": comment.body,
            "user": ["login": author?.login ?? "ghost", "id": comment.authorID, "type": author?.type ?? "User"],
            "html_url": "https://github.example/\(owner)/\(repository)/pull/\(comment.pullRequest)"
                + "#issuecomment-\(comment.id)",
        ]
    }

    /// The `body` of a comment create or edit.
    static func commentBody(_ data: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let body = object["body"] as? String
        else { return nil }
        return body
    }

    /// ISO 8601, as GitHub writes times.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    /// A weak validator of the body alone (not the `Link` header), so a full last page stays "not
    /// modified" when a page is added after it: clients must cope with that.
    static func etag(body: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in body { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return "W/\"\(String(hash, radix: 16))\""
    }

    /// The path and the query's parameters.
    static func split(_ target: String) -> (String, [String: String]) {
        guard let mark = target.firstIndex(of: "?") else { return (target, [:]) }
        var query: [String: String] = [:]
        for pair in target[target.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            query[parts[0]] = parts.count == 2 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
        }
        return (String(target[..<mark]), query)
    }
}
