public import SandboxCore
import Foundation

/// The facts verification asks for, read from GitHub (docs/behaviour.md §5). The adapter decides
/// nothing: ``VerificationPolicy`` does, and `Verifier` runs the two together.
///
/// - ``VerificationQuestion/pullRequest(number:)``: `GET /repos/{owner}/{repo}/pulls/{n}`; `404` is
///   "no such pull request" once `GET /repos/{owner}/{repo}` shows the repository (else the setup is
///   wrong: `misconfigured`, and the request stays pending);
/// - ``VerificationQuestion/changedFiles(pullRequest:path:)``: `GET …/pulls/{n}/files`, every page;
/// - ``VerificationQuestion/account(login:)``: `GET /users/{login}`; `404` is "no such account";
/// - ``VerificationQuestion/membership(organization:login:)``: see `GitHubAdapter+Membership.swift`.
///
/// Reads are conditional (``GitHubClient``'s ETags). Any other status, an outage, a rate limit or
/// an unreadable answer throws ``GitHubError``.
extension GitHubAdapter {
    /// Requesters are always checked against GitHub.
    public var checksRequesters: Bool { true }

    /// Answers one verification question with what GitHub says.
    /// - Parameter question: The question the policy asks.
    /// - Returns: The fact.
    /// - Throws: ``GitHubError`` when GitHub cannot be asked or answers something unexpected.
    public func answer(_ question: VerificationQuestion) async throws(GitHubError) -> VerificationFact {
        switch question {
        case .pullRequest(let number):
            return .pullRequest(try await pullRequestFacts(number), repository: repository.description)
        case .changedFiles(let number, _):
            let files = try await list(
                GitHubPayload.ChangedFile.self,
                suffix: "/pulls/\(number)/files",
                doing: "listing the files of pull request #\(number)"
            )
            return .changedFiles(
                files.map { ChangedFile(path: $0.filename, status: $0.status) },
                capped: files.count >= VerificationPolicy.listedFilesLimit
            )
        case .account(let login):
            return .account(try await accountFacts(login))
        case .membership(let organization, let login):
            return .membership(try await membership(of: login, in: organization))
        }
    }

    /// The pull request, or `nil` when GitHub has none with this number in a repository it shows.
    func pullRequestFacts(_ number: Int) async throws(GitHubError) -> PullRequestFacts? {
        let doing = "reading pull request #\(number)"
        let (response, _) = try await onRepository("/pulls/\(number)", doing: doing) { path throws(GitHubError) in
            try await client.get(path: path)
        }
        if response.status == 404 {
            // GitHub answers 404 as well when the credentials cannot see the repository.
            try await requireVisibleRepository(doing: doing)
            return nil
        }
        guard response.status == 200 else {
            throw GitHubClient.failure(response, doing: "reading pull request #\(number)")
        }
        let pull = try GitHubClient.decode(
            GitHubPayload.PullRequest.self,
            from: response,
            doing: "reading pull request #\(number)"
        )
        return PullRequestFacts(
            author: pull.user.map { PullRequestFacts.Author(id: $0.id, login: $0.login) },
            merged: pull.isMerged,
            changedFiles: pull.changedFiles ?? 0,
            closedAt: pull.closedAt.flatMap { try? Date($0, strategy: .iso8601) }
        )
    }

    /// The account, or `nil` when GitHub has none with this login.
    func accountFacts(_ login: String) async throws(GitHubError) -> AccountFacts? {
        let response = try await client.get(path: "/users/\(GitHubClient.segment(login))")
        if response.status == 404 { return nil }
        guard response.status == 200 else {
            throw GitHubClient.failure(response, doing: "reading the account @\(login)")
        }
        let user = try GitHubClient.decode(
            GitHubPayload.User.self,
            from: response,
            doing: "reading the account @\(login)"
        )
        return AccountFacts(
            id: user.id,
            login: user.login,
            type: user.type,
            createdAt: user.createdAt.flatMap { try? Date($0, strategy: .iso8601) }
        )
    }
}
