import Foundation
import SandboxCore
import SandboxLocking

/// Which identity a request is sent as.
enum AuthScope: Sendable, Hashable {
    /// The token API calls use: the configured token, or the App's installation token.
    case api
    /// The App itself (its JWT): `GET /app`, the installation look-up, minting installation tokens.
    case app
}

/// Gives every request its `Authorization` and renews it (docs/behaviour.md §4, "GitHub credentials"):
/// a token file is read again when it changes, an App's installation token is minted when needed and
/// renewed before it expires, by the client's clock.
///
/// Secrets live in ``GitHubToken`` and `RSAPrivateKey` values, which print as `<redacted>`.
final class GitHubAuthenticator: Sendable {
    /// The configured credentials.
    let credentials: GitHubCredentials
    private let mode: Mode

    private enum Mode: Sendable {
        case token(TokenHolder)
        case app(GitHubAppSession)
    }

    /// Nothing is read yet: ``validate()`` reads the files.
    /// - Parameters:
    ///   - credentials: What the operator configured.
    ///   - installationPath: The repository's installation look-up, `/repos/{owner}/{repo}/installation`.
    init(_ credentials: GitHubCredentials, installationPath: String) {
        self.credentials = credentials
        switch credentials {
        case .token(let source):
            mode = .token(TokenHolder(source))
        case .app(let app):
            mode = .app(GitHubAppSession(app, installationPath: installationPath))
        }
    }

    /// Reads the token file or the App's key now, so a mistake is reported at start-up.
    /// - Throws: ``GitHubConfigurationError`` naming the file and what is wrong with it.
    func validate() async throws(GitHubConfigurationError) {
        switch mode {
        case .token(let holder): try holder.validate()
        case .app(let session): try await session.validate()
        }
    }

    /// Whether these are a GitHub App's credentials.
    var isApp: Bool {
        if case .app = mode { return true }
        return false
    }

    /// The token to send as `scope` now.
    func token(for scope: AuthScope, client: GitHubClient) async throws(GitHubError) -> GitHubToken {
        switch (mode, scope) {
        case (.token(let holder), .api):
            return try holder.current()
        case (.token, .app):
            throw GitHubError(
                .misconfigured,
                message: "this GitHub call needs a GitHub App, and sandboxd runs with a token"
            )
        case (.app(let session), .api):
            return try await session.installationToken(client: client)
        case (.app(let session), .app):
            return try await session.jwt(now: client.now())
        }
    }

    /// GitHub answered 401 to `token`: forgets it. Returns whether another token may be tried at once
    /// (a token file that changed, a fresh installation token).
    func refused(_ token: GitHubToken, scope: AuthScope) async -> Bool {
        switch (mode, scope) {
        case (.token(let holder), _):
            return holder.refused(token)
        case (.app(let session), .api):
            return await session.forget(token)
        case (.app, .app):
            return false
        }
    }

    /// The App session, when these are an App's credentials.
    var appSession: GitHubAppSession? {
        if case .app(let session) = mode { return session }
        return nil
    }
}

/// A token from the environment or from a file read again when it changes.
final class TokenHolder: Sendable {
    private let file: SecretFile?
    private let token: Locked<GitHubToken?>

    init(_ source: GitHubCredentials.TokenSource) {
        switch source {
        case .value(let value, _):
            file = nil
            token = Locked(value)
        case .file(let path, let setting):
            file = SecretFile(path: path, setting: setting, what: "GitHub token")
            token = Locked(nil)
        }
    }

    /// Reads the file now (at start-up).
    func validate() throws(GitHubConfigurationError) {
        _ = try readIfChanged()
    }

    /// The token, read again first when its file changed.
    func current() throws(GitHubError) -> GitHubToken {
        do {
            if let fresh = try readIfChanged() { return fresh }
        } catch {
            throw GitHubError(.misconfigured, message: error.message)
        }
        guard let known = token.withLock({ $0 }) else {
            throw GitHubError(.misconfigured, message: "no GitHub token has been read")
        }
        return known
    }

    /// GitHub refused `refusedToken`: whether the file now holds another.
    func refused(_ refusedToken: GitHubToken) -> Bool {
        guard let file else { return false }
        file.forget()
        guard let fresh = try? readIfChanged() else { return false }
        return fresh != refusedToken
    }

    /// The file's token when it changed since it was last read.
    private func readIfChanged() throws(GitHubConfigurationError) -> GitHubToken? {
        guard let file, let text = try file.textIfChanged() else { return nil }
        let fresh: GitHubToken
        do {
            fresh = try GitHubToken(text)
        } catch {
            file.forget()
            throw GitHubConfigurationError(
                error.code,
                "the GitHub token file \(file.path) (\(file.setting)): \(error.message)"
            )
        }
        token.withLock { $0 = fresh }
        return fresh
    }
}
