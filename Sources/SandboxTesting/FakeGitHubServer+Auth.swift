import Foundation
import SandboxHTTP
import Synchronization

extension FakeGitHubServer {
    /// Who a request comes from, once its `Authorization` was checked.
    enum Caller: Equatable {
        /// A personal access token the fake accepts (``FakeGitHubServer/acceptedTokens``): the ``FakeGitHubServer/viewer``.
        case viewer
    }

    /// What a request's `Authorization` comes to.
    enum Authentication {
        /// Accepted: who sent it.
        case caller(Caller)
        /// Refused with this answer (a 401).
        case refused(Answer)
    }

    /// GitHub's 401 for a token it does not know (or no longer accepts).
    static func badCredentials() -> Answer {
        Answer(status: 401, json: ["message": "Bad credentials"], cacheable: false)
    }

    /// Checks `Authorization: Bearer <token>` for a request of `route` (`nil`: a path the fake does not serve).
    func authenticate(_ request: RecordedRequest, route: Route?) -> Authentication {
        let header = request.headers["Authorization"] ?? ""
        guard header.hasPrefix("Bearer ") else { return .refused(Self.badCredentials()) }
        let credential = String(header.dropFirst("Bearer ".count))
        return state.withLock { state in
            state.acceptedTokens.contains(credential) ? .caller(.viewer) : .refused(Self.badCredentials())
        }
    }

    /// The refusal for a request missing a header GitHub requires besides `Authorization`, if any.
    static func headerRefusal(_ request: RecordedRequest) -> Answer? {
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

    // MARK: - Personal access tokens

    /// The personal access tokens accepted now, all of them the ``viewer``'s (``token`` at first).
    public var acceptedTokens: Set<String> {
        state.withLock { $0.acceptedTokens }
    }

    /// Accepts exactly `tokens` from now on, as the ``viewer``'s: any other stops working at once
    /// (`401 Bad credentials`), as a revoked token does on GitHub. Installation tokens are not affected.
    public func acceptTokens(_ tokens: Set<String>) {
        state.withLock { $0.acceptedTokens = tokens }
    }

    /// Rotates the personal access token: `token` is accepted, every token accepted before is not.
    public func rotateToken(to token: String) {
        acceptTokens([token])
    }
}
