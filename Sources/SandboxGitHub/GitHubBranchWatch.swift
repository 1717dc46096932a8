public import SandboxCore

/// Watches the head of a branch through GitHub's API (docs/behaviour.md §4.9), so a merge is fetched
/// within seconds: `GET /repos/{owner}/{repo}/branches/{branch}`, read conditionally, so an unchanged
/// branch is answered `304` and costs nothing against the rate limit.
public struct GitHubBranchWatch: Sendable {
    /// The REST client (its credentials, rate-limit gate and ETags).
    public let client: GitHubClient
    /// The repository the git remote is.
    public let repository: GitHubRepository

    /// - Parameters:
    ///   - client: the REST client.
    ///   - repository: the repository of the git remote (not necessarily `GITHUB_REPOSITORY`).
    public init(client: GitHubClient, repository: GitHubRepository) {
        self.client = client
        self.repository = repository
    }

    /// The branch's head commit id, or `nil` when GitHub has no such branch.
    /// - Throws: ``GitHubError`` when GitHub cannot be asked.
    public func head(of branch: String) async throws(GitHubError) -> String? {
        let doing = "reading the head of branch \(branch) of \(repository)"
        let path =
            "/repos/\(GitHubClient.segment(repository.owner))/\(GitHubClient.segment(repository.name))"
            + "/branches/\(GitHubClient.segment(branch))"
        let response = try await client.get(path: path)
        switch response.status {
        case 200:
            return try GitHubClient.decode(GitHubPayload.Branch.self, from: response, doing: doing).commit.sha
        case 404:
            return nil
        default:
            throw GitHubClient.failure(response, doing: doing)
        }
    }
}
