public import Foundation
import SandboxHTTP
import SandboxLocking

/// git's smart HTTP protocol, as github.com serves `https://github.com/{owner}/{repo}.git`: the fake
/// hands `/{owner}/{repo}.git/…` to ``GitHTTPBackend`` over a directory of bare repositories,
/// after checking HTTP Basic credentials as GitHub does — any user name, and as the password a token
/// the API accepts (a personal access token or an unexpired installation token). Without them it
/// answers `401` with `WWW-Authenticate: Basic`, so a git client asks its askpass program.
extension FakeGitHubServer {
    /// Serves git over HTTP from `projectRoot`, which holds `{owner}/{repo}.git` bare repositories.
    public func serveGit(projectRoot: URL) {
        state.withLock { $0.gitProjectRoot = projectRoot }
    }

    /// The passwords git sent, in order (a test checks which token git was given).
    public var gitPasswords: [String] { state.withLock { $0.gitPasswords } }

    /// The answer to a git request, or `nil` when the request is not one (the API serves it).
    func gitReply(_ request: RecordedRequest) async -> ServerReply? {
        let (path, _) = Self.split(request.path)
        guard let root = state.withLock({ $0.gitProjectRoot }), path.contains(".git/") else { return nil }
        guard let password = Self.basicPassword(request.headers["Authorization"]), acceptsForGit(password) else {
            return .response(
                status: 401,
                headers: ["WWW-Authenticate": "Basic realm=\"GitHub\"", "Content-Type": "text/plain"],
                body: Data("Authentication required\n".utf8)
            )
        }
        state.withLock { $0.gitPasswords.append(password) }
        let environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": root.path,
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
        ]
        return await GitHTTPBackend.serve(request, projectRoot: root, environment: environment)
    }

    /// Whether `token` is one the API would take now.
    private func acceptsForGit(_ token: String) -> Bool {
        let time = now()
        return state.withLock { state in
            state.acceptedTokens.contains(token)
                || state.installationTokens.contains { $0.token == token && !$0.isRevoked && time < $0.expiresAt }
        }
    }

    /// The password of `Authorization: Basic base64(user:password)`.
    static func basicPassword(_ header: String?) -> String? {
        guard let header, header.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst("Basic ".count))),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return String(text[text.index(after: colon)...])
    }
}
