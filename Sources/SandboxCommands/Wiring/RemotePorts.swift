import Foundation
import SandboxAWS
import SandboxCore
import SandboxGitHub
import SandboxRuntime

/// The real AWS Service Catalog and GitHub adapters, configured from the options and the environment.
enum RemotePorts {
    /// The Service Catalog adapter.
    ///
    /// - Throws: ``CommandFailure`` with one line saying what to set, when the region or credentials are missing.
    static func catalog(context: CommandContext) async throws -> any CatalogPort {
        do {
            let catalog = try await AWSCatalog.fromEnvironment(context.environment, poolName: context.poolName)
            context.logger.info("AWS Service Catalog", ["aws": catalog.summary])
            return catalog
        } catch {
            throw CommandFailure(error.message)
        }
    }

    /// The GitHub adapter.
    ///
    /// - Throws: ``CommandFailure`` with one line saying what to set, when the repository or token is missing.
    static func github(context: CommandContext) throws -> any GitHubPort {
        guard let repository = context.githubRepository else {
            throw CommandFailure(
                "no GitHub repository: set GITHUB_REPOSITORY=OWNER/NAME (or --github-repository), "
                    + "or use --local"
            )
        }
        do {
            let token = try GitHubToken.load(file: context.githubTokenFile, environment: context.environment)
            let clock = context.clock
            return try GitHubAdapter.fromEnvironment(
                repository: repository,
                token: token,
                apiURL: context.githubAPIURL,
                stateDirectory: context.stateDirectory,
                now: { clock.now() }
            )
        } catch {
            throw CommandFailure(error.message)
        }
    }
}
