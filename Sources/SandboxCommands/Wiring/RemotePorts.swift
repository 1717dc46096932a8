import Foundation
import SandboxAWS
import SandboxCore
import SandboxGitHub
import SandboxHTTP
import SandboxRuntime
import SandboxLocking

/// The real AWS Service Catalog and GitHub adapters, configured from the options and the environment.
enum RemotePorts {
    /// The Service Catalog adapter, listing first at the access level the state directory remembers; a new level
    /// that works is logged once and, unless `readOnly` (`plan`), remembered there for `status` and the next process
    /// (docs/behaviour.md §3.14).
    ///
    /// - Throws: ``CommandFailure`` with one line saying what to set, when the region or credentials are missing.
    static func catalog(context: CommandContext, readOnly: Bool = false) async throws -> any CatalogPort {
        let made: AWSCatalog
        do {
            made = try await AWSCatalog.fromEnvironment(context.environment, poolName: context.poolName)
        } catch {
            throw CommandFailure(lines: error.messages)
        }
        let state = context.state
        let logger = context.logger
        let remembered = state.recordedAWSAccessLevel.flatMap(AWSCatalog.AccessLevel.init(rawValue:))
        let catalog = made.remembering(remembered) { level in
            logger.notice(
                "AWS Service Catalog answers listings at the \(level.rawValue) access level",
                ["policy": level.conditionKey, "earlier": remembered?.rawValue ?? "none"]
            )
            if !readOnly { state.recordAWSAccessLevel(level.rawValue) }
        }
        logger.info("AWS Service Catalog", ["aws": made.summary, "access level": remembered?.rawValue ?? "Account"])
        return catalog
    }

    /// The GitHub adapter.
    ///
    /// - Throws: ``CommandFailure`` with one line saying what to set, when the repository or the
    ///   credentials are missing or unreadable.
    static func github(
        context: CommandContext,
        transport: any HTTPTransport = URLSessionTransport()
    ) async throws -> any GitHubPort {
        // The repository and the credentials are looked at both, so one run names both (docs/behaviour.md §4.6).
        var problems: [String] = []
        if context.githubRepository == nil {
            problems.append(
                "no GitHub repository: set GITHUB_REPOSITORY=OWNER/NAME (or --github-repository), or use --local"
            )
        }
        let credentials: GitHubCredentials?
        do {
            credentials = try githubCredentials(context: context)
        } catch {
            credentials = nil
            problems.append(error.message)
        }
        guard let repository = context.githubRepository, let credentials, problems.isEmpty else {
            throw CommandFailure(lines: problems)
        }
        do {
            let clock = context.clock
            let logger = context.logger
            let adapter = try await GitHubAdapter.fromEnvironment(
                repository: repository,
                credentials: credentials,
                apiURL: context.githubAPIURL,
                stateDirectory: context.stateDirectory,
                now: { clock.now() },
                transport: transport,
                report: { notice in logger.warning("GitHub", ["detail": notice]) }
            )
            context.logger.info("GitHub", ["repository": repository, "credentials": credentials.description])
            return adapter
        } catch {
            throw CommandFailure(error.message)
        }
    }

    /// The credentials the options name (docs/behaviour.md §4): a token (file, `GITHUB_TOKEN`, or the
    /// systemd credential `github-token`), or a GitHub App (its key file or the credential `github-app-key`).
    static func githubCredentials(context: CommandContext) throws(GitHubConfigurationError) -> GitHubCredentials {
        if let app = context.githubApp {
            // The credential is looked for; a file that was named is read, and its error names it.
            let present = app.privateKey.map { key -> Bool in
                if case .credential(let path) = key { return FileManager.default.fileExists(atPath: path) }
                return true
            }
            guard let key = app.privateKey, present == true else {
                throw GitHubConfigurationError(
                    .invalidApp,
                    "no private key for the GitHub App \(app.id): set --github-app-private-key-file PATH (or "
                        + "GITHUB_APP_PRIVATE_KEY_FILE), or LoadCredential=github-app-key:PATH in the systemd unit"
                )
            }
            return .app(
                GitHubCredentials.App(
                    id: app.id,
                    privateKeyFile: key.path,
                    privateKeySetting: key.setting,
                    installationID: app.installationID
                )
            )
        }
        switch context.githubToken {
        case .file(let path)?:
            return .token(.file(path: path, setting: "--github-token-file"))
        case .environment(let variable)?:
            do {
                return .token(.value(try GitHubToken(context.environment[variable] ?? ""), variable: variable))
            } catch {
                throw GitHubConfigurationError(error.code, "\(variable): \(error.message)")
            }
        case .credential(let path)? where FileManager.default.fileExists(atPath: path):
            return .token(.file(path: path, setting: "$CREDENTIALS_DIRECTORY/github-token"))
        case .credential?, nil:
            throw GitHubConfigurationError(
                .missingToken,
                "no GitHub credentials: set --github-token-file PATH, or GITHUB_TOKEN, or LoadCredential=github-token:PATH "
                    + "in the systemd unit; or a GitHub App with --github-app-id and its private key (or use --local)"
            )
        }
    }
}

/// The GitHub client that git's https fetches of `--git-remote` and the branch watch use (docs/behaviour.md
/// §4.9): built from the same settings as the adapter, on first use, so a `file://` or ssh remote needs
/// no GitHub settings at all.
final class GitHubForGit: Sendable {
    private struct State {
        var context: CommandContext?
        var client: GitHubClient?
    }

    private let state = Locked(State())

    /// The command's context (set once, by the context itself).
    var context: CommandContext? {
        get { state.withLock { $0.context } }
        set { state.withLock { $0.context = newValue } }
    }

    /// The client, made on first use.
    /// - Throws: ``CommandFailure`` when the GitHub settings are missing or unreadable.
    func client() async throws -> GitHubClient {
        if let made = state.withLock({ $0.client }) { return made }
        guard let context else { throw CommandFailure("no GitHub settings for the git remote") }
        guard let repository = context.githubRepository else {
            throw CommandFailure(
                "the git remote asks for credentials, and there is no GitHub repository to take them from: "
                    + "set GITHUB_REPOSITORY and a GitHub token or App"
            )
        }
        do {
            let clock = context.clock
            let adapter = try await GitHubAdapter.fromEnvironment(
                repository: repository,
                credentials: try RemotePorts.githubCredentials(context: context),
                apiURL: context.githubAPIURL,
                stateDirectory: context.stateDirectory,
                now: { clock.now() }
            )
            state.withLock { $0.client = adapter.client }
            return adapter.client
        } catch {
            throw CommandFailure(error.message)
        }
    }

    /// The token git's askpass hands to an https remote.
    func token() async throws -> String? {
        try await client().tokenForGit()
    }
}
