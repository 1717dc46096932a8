import SandboxCore

/// The real AWS Service Catalog and GitHub adapters, configured from the environment.
enum RemotePorts {
    static func make(context: CommandContext) throws -> (catalog: any CatalogPort, github: any GitHubPort) {
        throw CommandFailure("only --local is available in this build: the AWS and GitHub adapters are not wired yet")
    }
}
