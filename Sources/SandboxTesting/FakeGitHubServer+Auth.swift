import Foundation
import SandboxHTTP
import SandboxLocking

extension FakeGitHubServer {
    /// Who a request comes from, once its `Authorization` was checked.
    enum Caller: Equatable {
        /// A personal access token the fake accepts (``FakeGitHubServer/acceptedTokens``): the
        /// ``FakeGitHubServer/viewer``.
        case viewer
        /// An installation token of the ``FakeGitHubServer/app``, unexpired, with these permissions: its bot.
        case installation(permissions: [String: String])
        /// A valid JSON web token of the ``FakeGitHubServer/app``, on one of the App's routes.
        case app
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
    ///
    /// The App's routes take its JSON web token only. Every other route takes an accepted personal access
    /// token or an installation token until its `expires_at`; a JWT there is refused (while an App is played).
    func authenticate(_ request: RecordedRequest, route: Route?) -> Authentication {
        let header = request.headers["Authorization"] ?? ""
        let credential = header.hasPrefix("Bearer ") ? String(header.dropFirst("Bearer ".count)) : nil
        if route?.isAppRoute == true { return authenticateApp(credential ?? "") }
        guard let credential else { return .refused(Self.badCredentials()) }
        let time = now()
        return state.withLock { state in
            if state.acceptedTokens.contains(credential) { return .caller(.viewer) }
            if let issued = state.installationTokens.first(where: { $0.token == credential }) {
                guard !issued.isRevoked, time < issued.expiresAt else { return .refused(Self.badCredentials()) }
                return .caller(.installation(permissions: issued.permissions))
            }
            if app != nil, JSONWebToken.looksLike(credential) {
                state.jwtRefusals += 1
                return .refused(Self.jwtRefusal(JSONWebToken.undecodable))
            }
            return .refused(Self.badCredentials())
        }
    }

    /// Checks the App's JSON web token for one of its routes.
    func authenticateApp(_ credential: String) -> Authentication {
        var refusal = JSONWebToken.undecodable
        if let app {
            guard let found = JSONWebToken.refusal(of: credential, app: app, now: now()) else { return .caller(.app) }
            refusal = found
        }
        state.withLock { $0.jwtRefusals += 1 }
        return .refused(Self.jwtRefusal(refusal))
    }

    /// GitHub's 401 for a JSON web token it does not accept.
    static func jwtRefusal(_ message: String) -> Answer {
        Answer(
            status: 401,
            json: ["message": message, "documentation_url": "https://docs.github.com/rest"],
            cacheable: false
        )
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
