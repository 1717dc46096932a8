import Foundation
import SandboxCore
import SandboxCrypto

/// A GitHub App's side of authentication (docs/behaviour.md §4): its private key (read again when the
/// file changes), its JWT, its installation on the repository's owner, and the installation token
/// API calls are sent with, minted when needed and renewed ``renewalMargin`` before it expires.
///
/// One mint at a time: callers that need a token while one is being minted wait for it.
actor GitHubAppSession {
    /// An installation token is renewed once less than this is left of it (GitHub's last an hour).
    static let renewalMargin: TimeInterval = 300
    /// The life assumed for an installation token whose `expires_at` cannot be read.
    static let assumedLifetime: TimeInterval = 600

    /// The App's installation on the repository's owner.
    struct Installation: Sendable {
        var id: Int64
        /// The account it is installed on (an organization or a user), when known.
        var account: String?
        /// What it may do (`members: read`, `pull_requests: write`, …).
        var permissions: [String: String]
    }

    /// A minted installation token.
    struct InstallationToken: Sendable {
        var token: GitHubToken
        var expiresAt: Date
        var permissions: [String: String]
    }

    nonisolated let app: GitHubCredentials.App
    nonisolated let installationPath: String
    private let keyFile: SecretFile
    private var key: RSAPrivateKey?
    private var signed: GitHubAppJWT.Signed?
    private var installation: Installation?
    private var current: InstallationToken?
    private var minting: Task<InstallationToken, any Error>?

    /// Nothing is read yet: ``validate()`` or the first JWT reads the key.
    /// - Parameters:
    ///   - app: The App's settings.
    ///   - installationPath: `/repos/{owner}/{repo}/installation`.
    init(_ app: GitHubCredentials.App, installationPath: String) {
        self.app = app
        self.installationPath = installationPath
        keyFile = SecretFile(path: app.privateKeyFile, setting: app.privateKeySetting, what: "GitHub App private key")
    }

    /// Reads and parses the key file now (at start-up).
    /// - Throws: ``GitHubConfigurationError`` when it cannot be read or holds no usable RSA private key.
    func validate() throws(GitHubConfigurationError) {
        try loadKeyIfChanged()
    }

    /// The App's JWT, signed again when less than a minute of it is left or the key file changed.
    func jwt(now: Date) throws(GitHubError) -> GitHubToken {
        do {
            try loadKeyIfChanged()
        } catch {
            throw GitHubError(.misconfigured, message: error.message)
        }
        if let signed, signed.expiresAt.timeIntervalSince(now) > GitHubAppJWT.reuseMargin { return signed.token }
        guard let key else { throw GitHubError(.misconfigured, message: "the GitHub App private key was not read") }
        let fresh = try GitHubAppJWT.make(appID: app.id, key: key, now: now)
        signed = fresh
        return fresh.token
    }

    /// The installation token to send API calls with, minted or renewed first when needed.
    func installationToken(client: GitHubClient) async throws(GitHubError) -> GitHubToken {
        if let current, current.expiresAt.timeIntervalSince(client.now()) > Self.renewalMargin {
            return current.token
        }
        let task: Task<InstallationToken, any Error>
        if let minting {
            task = minting
        } else {
            task = Task { try await self.mint(client: client) }
            minting = task
        }
        do {
            let minted = try await task.value
            if minting == task { minting = nil }
            current = minted
            return minted.token
        } catch {
            if minting == task { minting = nil }
            throw error as? GitHubError ?? GitHubError(.unavailable, message: "minting a GitHub App token: \(error)")
        }
    }

    /// GitHub refused `token`: forgets it, so the next call mints another. Whether one may be tried at once.
    func forget(_ token: GitHubToken) -> Bool {
        if current?.token == token { current = nil }
        return true
    }

    /// The installation, read with the App's JWT when not known yet.
    func installationDetails(client: GitHubClient) async throws(GitHubError) -> Installation {
        if let installation, installation.account != nil { return installation }
        let path = app.installationID.map { "/app/installations/\($0)" } ?? installationPath
        let found = try await lookUpInstallation(path: path, client: client)
        installation = found
        return found
    }

    /// The permissions of the installation token in use, when one was minted.
    var tokenPermissions: [String: String]? { current?.permissions }

    // MARK: - Minting

    private func mint(client: GitHubClient) async throws(GitHubError) -> InstallationToken {
        let id: Int64
        if let known = app.installationID ?? installation?.id {
            id = known
        } else {
            let found = try await lookUpInstallation(path: installationPath, client: client)
            installation = found
            id = found.id
        }
        let doing = "minting an installation token for the GitHub App \(app.id) (installation \(id))"
        let response = try await client.perform(
            method: "POST",
            url: client.url(path: "/app/installations/\(id)/access_tokens"),
            body: Data("{}".utf8),
            cache: nil,
            retrying: true,
            scope: .app
        )
        switch response.status {
        case 200, 201:
            break
        case 404, 403:
            if app.installationID == nil { installation = nil }
            throw GitHubError(
                .misconfigured,
                message:
                    "\(doing): GitHub answered HTTP \(response.status) (\(RateLimitGate.message(in: response.body))); "
                    + (app.installationID == nil
                        ? "check that the App is installed on the repository"
                        : "check --github-app-installation-id, or leave it unset to find the installation")
            )
        default:
            throw GitHubClient.failure(response, doing: doing)
        }
        let payload = try GitHubClient.decode(GitHubPayload.InstallationToken.self, from: response, doing: doing)
        let token: GitHubToken
        do {
            token = try GitHubToken(payload.token)
        } catch {
            throw GitHubError(.unavailable, message: "\(doing): GitHub's token is malformed (\(error.message))")
        }
        let expiresAt =
            payload.expiresAt.flatMap { try? Date($0, strategy: .iso8601) }
            ?? client.now().addingTimeInterval(Self.assumedLifetime)
        return InstallationToken(token: token, expiresAt: expiresAt, permissions: payload.permissions ?? [:])
    }

    private func lookUpInstallation(path: String, client: GitHubClient) async throws(GitHubError) -> Installation {
        let doing = "finding the GitHub App \(app.id)'s installation (GET \(path))"
        let response = try await client.perform(
            method: "GET",
            url: client.url(path: path),
            body: nil,
            cache: .conditional,
            retrying: true,
            scope: .app
        )
        guard response.status == 200 else {
            if [301, 302, 307, 308, 403, 404].contains(response.status) {
                throw GitHubError(
                    .misconfigured,
                    message: "\(doing): GitHub answered HTTP \(response.status); install the App on the repository "
                        + "(or check GITHUB_REPOSITORY and --github-app-installation-id)"
                )
            }
            throw GitHubClient.failure(response, doing: doing)
        }
        let payload = try GitHubClient.decode(GitHubPayload.Installation.self, from: response, doing: doing)
        return Installation(id: payload.id, account: payload.account?.login, permissions: payload.permissions ?? [:])
    }

    // MARK: - The key

    /// Reads the key file when it changed (a rotated key is used from the next JWT on).
    private func loadKeyIfChanged() throws(GitHubConfigurationError) {
        do {
            guard let text = try keyFile.textIfChanged() else { return }
            key = try Self.parse(text, file: keyFile)
            signed = nil
        } catch {
            keyFile.forget()
            throw error
        }
    }

    private static func parse(_ text: String, file: SecretFile) throws(GitHubConfigurationError) -> RSAPrivateKey {
        do {
            return try RSAPrivateKey(pem: text)
        } catch {
            throw GitHubConfigurationError(
                .invalidPrivateKey,
                "the GitHub App private key file \(file.path) (\(file.setting)): \(error.message)"
            )
        }
    }
}
