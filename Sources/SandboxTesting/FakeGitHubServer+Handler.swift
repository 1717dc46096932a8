import Foundation
import SandboxHTTP
import SandboxLocking

extension FakeGitHubServer {
    /// What one route answers before rate-limit headers and ETags are added.
    struct Answer {
        var status: Int
        var json: Any?
        var headers: HTTPHeaders = [:]
        /// Whether this answer may be cached with an ETag (a `GET` with a JSON body).
        var cacheable = true
    }

    /// A request whose credentials and headers passed, and what it asks for.
    struct Admitted {
        /// The route it names; `nil` for a path the fake does not serve (a 404, after the scripted failures).
        var route: Route?
        /// Who sent it.
        var caller: Caller
        /// The path below the prefix, without the query.
        var path: String
        /// The path's segments, percent-decoded.
        var parts: [String]
        /// For a route of the repository: the segments after `/repos/{owner}/{repo}` or `/repositories/{id}`.
        var rest: [String]
        /// The query's parameters.
        var query: [String: String]
    }

    /// What the checks that come before any fault make of a request.
    enum Admission {
        /// Answered already: a path outside the API, a refusal for its credentials or headers, a redirect.
        case answered(ServerReply)
        /// To be served (after any standing fault on its route).
        case admitted(Admitted)
    }

    /// Reads the request's route and checks its credentials and the headers GitHub requires: what
    /// happens before standing faults, scripted failures and rate limits. A former name of the
    /// repository is answered here with its redirect, which costs nothing.
    func admit(_ request: RecordedRequest) -> Admission {
        let (rawPath, query) = Self.split(request.path)
        guard rawPath.hasPrefix(pathPrefix + "/") else {
            return .answered(reply(Self.notFound(), to: request, costs: false))
        }
        let path = String(rawPath.dropFirst(pathPrefix.count))
        let parts = Self.segments(path)
        let rawQuery = request.path.firstIndex(of: "?").map { request.path[request.path.index(after: $0)...] }
        let target = target(method: request.method, path: path, parts: parts, rawQuery: rawQuery)
        let caller: Caller
        switch authenticate(request, route: target.route) {
        case .caller(let found):
            caller = found
        case .refused(let refusal):
            state.withLock { $0.refusedForHeaders += 1 }
            return .answered(reply(refusal, to: request, costs: false))
        }
        if let refusal = Self.headerRefusal(request) {
            state.withLock { $0.refusedForHeaders += 1 }
            return .answered(reply(refusal, to: request, costs: false))
        }
        switch target {
        case .redirect(let location, _):
            return .answered(reply(Self.redirect(to: location, method: request.method), to: request, costs: false))
        case .route(let route, let rest):
            return .admitted(
                Admitted(route: route, caller: caller, path: path, parts: parts, rest: rest, query: query)
            )
        }
    }

    /// Answers an admitted request as GitHub would: scripted failures and limits first, then its route.
    func serve(_ request: RecordedRequest, _ admitted: Admitted) -> ServerReply {
        if let scripted = scriptedAnswer(for: admitted) { return reply(scripted, to: request, costs: false) }
        let answer = route(admitted, method: request.method, body: request.body)
        // The App's JWT routes are outside the core rate limit: they cost nothing.
        return reply(answer, to: request, costs: admitted.caller != .app)
    }

    /// The scripted failure, secondary limit or spent primary limit that answers the request, if any
    /// (each used up by the call it answers). A spent primary limit does not refuse the App's JWT routes.
    func scriptedAnswer(for admitted: Admitted) -> Answer? {
        state.withLock { state in
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
            if state.remaining <= 0, admitted.caller != .app {
                let whose =
                    if case .installation = admitted.caller, let app = self.app {
                        "installation ID \(app.installationID)"
                    } else {
                        "user ID \(self.viewer.id)"
                    }
                return Answer(status: 403, json: ["message": "API rate limit exceeded for \(whose)."], cacheable: false)
            }
            return nil
        }
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
}
