public import Foundation
import SandboxCrypto
import SandboxHTTP
import SandboxLocking

/// GitHub App mode: the App (its JSON web tokens), its installation on the repository's owner, and the
/// installation tokens it mints, which the fake then accepts on every API route until they expire.
extension FakeGitHubServer {
    /// A GitHub App installed on the organization that owns the repository (``FakeGitHubServer/app``).
    public struct App: Sendable {
        /// The App's id: the JSON web token's `iss` (a JSON number, or its digits as a string).
        public var id: Int64
        /// The App's client id, which GitHub also accepts as `iss`; `nil` for none.
        public var clientID: String?
        /// The App's slug, e.g. `sandboxd-app`.
        public var slug: String
        /// The App's name.
        public var name: String
        /// The App's bot user, `<slug>[bot]`, type `Bot`: the author of what an installation token writes.
        public var bot: Account
        /// The installation's id (on the repository's owner).
        public var installationID: Int64
        /// The installation's permissions, e.g. `["pull_requests": "write", "members": "read"]`.
        public var permissions: [String: String]
        /// How long an installation token lives (GitHub: one hour).
        public var tokenLifetime: TimeInterval
        /// Checks an RS256 signature over the JWT's ASCII signing input (`header.payload`). Tests pass one
        /// built from the App's public key; the fake decides nothing else with it.
        public var verifySignature: @Sendable (_ signingInput: [UInt8], _ signature: [UInt8]) -> Bool

        /// Creates an App.
        /// - Parameters:
        ///   - id: The App's id.
        ///   - clientID: Its client id, if `iss` may name it so.
        ///   - slug: Its slug.
        ///   - name: Its name.
        ///   - bot: Its bot user; `<slug>[bot]` with id 149000001 by default.
        ///   - installationID: The installation's id.
        ///   - permissions: The installation's permissions.
        ///   - tokenLifetime: How long an installation token lives.
        ///   - verifySignature: Checks a JWT's signature.
        public init(
            id: Int64 = 1_024_001,
            clientID: String? = nil,
            slug: String = "sandboxd-app",
            name: String = "sandboxd",
            bot: Account? = nil,
            installationID: Int64 = 52_000_001,
            permissions: [String: String] = ["pull_requests": "write", "metadata": "read", "members": "read"],
            tokenLifetime: TimeInterval = 3_600,
            verifySignature: @escaping @Sendable (_ signingInput: [UInt8], _ signature: [UInt8]) -> Bool
        ) {
            self.id = id
            self.clientID = clientID
            self.slug = slug
            self.name = name
            self.bot =
                bot
                ?? Account(
                    id: 149_000_001,
                    login: "\(slug)[bot]",
                    type: "Bot",
                    createdAt: Date(timeIntervalSince1970: 1_700_000_000)
                )
            self.installationID = installationID
            self.permissions = permissions
            self.tokenLifetime = tokenLifetime
            self.verifySignature = verifySignature
        }
    }

    /// An installation token the fake minted.
    public struct InstallationToken: Sendable, Hashable {
        /// The token, `ghs_…`.
        public var token: String
        /// When it stops working (its `expires_at`, by the fake's clock; whole seconds).
        public var expiresAt: Date
        /// Its permissions.
        public var permissions: [String: String]
        /// Whether it was revoked (``revokeInstallationTokens()``, ``uninstall(_:)``).
        public var isRevoked: Bool
    }

    // MARK: - Scripts and accounting

    /// Uninstalls the App from the repository's owner (`false` installs it again): the installation
    /// routes answer 404 and every installation token minted so far is revoked, as GitHub does.
    public func uninstall(_ uninstalled: Bool = true) {
        state.withLock { state in
            state.installed = !uninstalled
            if uninstalled { state.revokeInstallationTokens() }
        }
    }

    /// Revokes every installation token minted so far: they are refused with `401 Bad credentials`.
    public func revokeInstallationTokens() {
        state.withLock { $0.revokeInstallationTokens() }
    }

    /// The installation tokens minted so far, oldest first.
    public var installationTokens: [InstallationToken] { state.withLock { $0.installationTokens } }

    /// How many installation tokens were minted.
    public var mintedTokens: Int { state.withLock { $0.installationTokens.count } }

    /// Requests refused with 401 for a JSON web token: on an App route, a bearer that is not a valid
    /// JWT of the ``app``; on any other route, a JWT. They are counted in ``refusedForHeaders`` too.
    public var jwtRefusals: Int { state.withLock { $0.jwtRefusals } }

    // MARK: - Routes

    /// `GET /app`, `GET …/installation`, `GET /app/installations/{id}` and
    /// `POST /app/installations/{id}/access_tokens`, for a valid JWT.
    func appRoute(_ route: Route, _ admitted: Admitted, body: Data) -> Answer {
        guard let app else { return Self.notFound() }
        switch route {
        case .app:
            return state.withLock { state in
                var json: [String: Any] = [
                    "id": app.id, "slug": app.slug, "name": app.name, "owner": ownerJSON(state),
                    "permissions": app.permissions, "events": [String](),
                    "html_url": "https://github.example/apps/\(app.slug)",
                ]
                if let clientID = app.clientID { json["client_id"] = clientID }
                return Answer(status: 200, json: json)
            }
        case .installation:
            return state.withLock { state in
                guard state.installed else { return Self.notFound() }
                return Answer(status: 200, json: installationJSON(app, state: state))
            }
        case .appInstallation:
            return state.withLock { state in
                guard state.installed, admitted.parts[2] == String(app.installationID) else { return Self.notFound() }
                return Answer(status: 200, json: installationJSON(app, state: state))
            }
        default:
            guard admitted.parts[2] == String(app.installationID), state.withLock({ $0.installed }) else {
                return Self.notFound()
            }
            return mintToken(app, body: body)
        }
    }

    /// An installation object.
    func installationJSON(_ app: App, state: State) -> [String: Any] {
        [
            "id": app.installationID, "app_id": app.id, "app_slug": app.slug, "account": ownerJSON(state),
            "permissions": app.permissions, "repository_selection": "selected", "target_type": "Organization",
            "events": [String](),
        ]
    }

    /// Mints an installation token: the installation's permissions, or the fewer ones the body asks for
    /// (`{"permissions": {...}}`; `repositories` and `repository_ids` are not looked at).
    func mintToken(_ app: App, body: Data) -> Answer {
        var permissions = app.permissions
        if !body.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
            guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                return Answer(status: 400, json: ["message": "Problems parsing JSON"], cacheable: false)
            }
            if let asked = object["permissions"] {
                guard let asked = asked as? [String: String], Self.grants(app.permissions, asked) else {
                    return Answer(
                        status: 422,
                        json: ["message": "The permissions requested are not granted to this installation."],
                        cacheable: false
                    )
                }
                permissions = asked
            }
        }
        let expiresAt = Date(timeIntervalSince1970: (now().timeIntervalSince1970 + app.tokenLifetime).rounded(.down))
        return state.withLock { state in
            let token = InstallationToken(
                token: Self.installationTokenText(number: state.installationTokens.count + 1),
                expiresAt: expiresAt,
                permissions: permissions,
                isRevoked: false
            )
            state.installationTokens.append(token)
            return Answer(
                status: 201,
                json: [
                    "token": token.token, "expires_at": Self.timestamp(expiresAt), "permissions": permissions,
                    "repository_selection": "selected",
                ],
                cacheable: false
            )
        }
    }

    /// Whether `granted` covers every permission in `asked` (`write` covers `read`).
    static func grants(_ granted: [String: String], _ asked: [String: String]) -> Bool {
        asked.allSatisfy { name, level in
            guard level == "read" || level == "write", let have = granted[name] else { return false }
            return have == "write" || have == level
        }
    }

    /// A unique installation token: `ghs_`, the number, `x`, then hex digits derived from the number (40 in all).
    static func installationTokenText(number: Int) -> String {
        // Deterministic, as every test's data is: the same run mints the same tokens.
        let digits = String(number)
        let filler = Hex.encode(SHA256.hash(Array("fake-installation-token-\(number)".utf8)))
        return "ghs_\(digits)x" + filler.prefix(36 - digits.count - 1)
    }
}

extension FakeGitHubServer.State {
    /// Marks every installation token revoked.
    mutating func revokeInstallationTokens() {
        for index in installationTokens.indices { installationTokens[index].isRevoked = true }
    }
}
