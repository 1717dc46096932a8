/// How sandboxd authenticates to GitHub (docs/behaviour.md §4, "GitHub credentials"): a token, or a
/// GitHub App whose installation tokens sandboxd mints and renews. Never both.
///
/// A value says where the secrets are, never what they are: it can be printed.
public enum GitHubCredentials: Sendable, Hashable, CustomStringConvertible {
    /// A personal access token of a machine user (or any token GitHub accepts as `Bearer`).
    case token(TokenSource)
    /// A GitHub App.
    case app(App)

    /// Where a token is.
    public enum TokenSource: Sendable, Hashable, CustomStringConvertible {
        /// The token itself, from an environment variable (`GITHUB_TOKEN`): it cannot change while sandboxd runs.
        case value(GitHubToken, variable: String)
        /// A file (`--github-token-file`, or the systemd credential `github-token`), read again when it changes.
        case file(path: String, setting: String)

        /// `environment variable GITHUB_TOKEN` or `file PATH (--github-token-file)`.
        public var description: String {
            switch self {
            case .value(_, let variable): return "environment variable \(variable)"
            case .file(let path, let setting): return "file \(path) (\(setting))"
            }
        }
    }

    /// A GitHub App's settings.
    public struct App: Sendable, Hashable {
        /// The App's id (digits) or its client id (`Iv23…`): the JWT's `iss`.
        public var id: String
        /// The PEM file of one of the App's private keys (PKCS#1 as GitHub gives it, or PKCS#8), read
        /// again when it changes.
        public var privateKeyFile: String
        /// Where ``privateKeyFile`` came from, for messages.
        public var privateKeySetting: String
        /// The installation on the repository's owner; `nil`: found with `GET /repos/{owner}/{repo}/installation`.
        public var installationID: Int64?

        /// - Parameters:
        ///   - id: The App's id or client id.
        ///   - privateKeyFile: The private key's PEM file.
        ///   - privateKeySetting: Where that path came from (`--github-app-private-key-file`, …).
        ///   - installationID: The installation, or `nil` to find it from the repository.
        public init(id: String, privateKeyFile: String, privateKeySetting: String, installationID: Int64? = nil) {
            self.id = id
            self.privateKeyFile = privateKeyFile
            self.privateKeySetting = privateKeySetting
            self.installationID = installationID
        }

        /// Whether `text` can be an App's id or client id: 1 to 64 letters, digits, `.`, `_` or `-`.
        public static func isValidID(_ text: String) -> Bool {
            (1...64).contains(text.unicodeScalars.count)
                && text.unicodeScalars.allSatisfy {
                    ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                        || $0 == "." || $0 == "_" || $0 == "-"
                }
        }
    }

    /// `token from file PATH (--github-token-file)` or `GitHub App 123 (key file PATH, installation 456)`.
    public var description: String {
        switch self {
        case .token(let source):
            return "token from \(source)"
        case .app(let app):
            let installation =
                app.installationID.map { "installation \($0)" } ?? "installation found from the repository"
            return "GitHub App \(app.id) (key file \(app.privateKeyFile), \(installation))"
        }
    }

    /// Which setting an operator fixes when GitHub refuses these credentials.
    var remedy: String {
        switch self {
        case .token:
            return "fix sandboxd's GitHub token (--github-token-file, GITHUB_TOKEN or the systemd credential "
                + "github-token)"
        case .app:
            return "fix the GitHub App's settings (--github-app-id, its private key in "
                + "--github-app-private-key-file or the systemd credential github-app-key, and its installation "
                + "on the repository)"
        }
    }
}
