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
}
