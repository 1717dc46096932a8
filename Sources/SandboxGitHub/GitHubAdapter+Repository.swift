import Foundation
import SandboxCore
import SandboxHTTP
import SandboxLocking

/// Where the repository is, as GitHub answers (docs/behaviour.md §5, "Answers read as GitHub means them"):
/// `/repos/{owner}/{repo}` until GitHub says the repository moved (renamed or transferred: `301` for a
/// read, `307` for a write, to `/repositories/{id}/…`), then `/repositories/{id}`, followed by id.
///
/// A move is followed only to the API's own scheme, host and port: the token is never sent to another
/// host. It is reported once, with the repository's new name, so the operator can update
/// `GITHUB_REPOSITORY`.
final class RepositoryLocation: Sendable {
    private struct State {
        var path: String
        var movedTo: Int64?
    }

    private let state: Locked<State>

    /// - Parameter path: `/repos/{owner}/{repo}`, percent-encoded.
    init(path: String) {
        state = Locked(State(path: path, movedTo: nil))
    }

    /// The path requests under the repository start with.
    var path: String { state.withLock { $0.path } }

    /// Records that the repository is now `/repositories/{id}`; whether this is news.
    func moved(to id: Int64) -> Bool {
        state.withLock { state in
            guard state.movedTo != id else { return false }
            state.movedTo = id
            state.path = "/repositories/\(id)"
            return true
        }
    }
}

extension GitHubAdapter {
    /// `/repos/{owner}/{repo}`, or `/repositories/{id}` once GitHub said the repository moved.
    var repositoryPath: String { location.path }

    /// A request under the repository (`suffix` starts with `/` or is empty), sent by `send` with the
    /// path to use; a move is followed once, then the request is sent again where the repository is.
    ///
    /// - Returns: The answer and the path it came from.
    /// - Throws: ``GitHubError``: `misconfigured` for a redirect to another host or to no repository.
    func onRepository(
        _ suffix: String,
        doing: String,
        _ send: (String) async throws(GitHubError) -> GitHubClient.Response
    ) async throws(GitHubError) -> (response: GitHubClient.Response, path: String) {
        let path = location.path + suffix
        let response = try await send(path)
        guard Self.isRedirect(response.status) else { return (response, path) }
        try await followMove(response, doing: doing)
        let movedPath = location.path + suffix
        let again = try await send(movedPath)
        guard !Self.isRedirect(again.status) else {
            throw GitHubError(
                .misconfigured,
                message: "\(doing): GitHub redirected the repository \(repository) again after it moved; "
                    + "check GITHUB_REPOSITORY"
            )
        }
        return (again, movedPath)
    }

    /// A `3xx` GitHub sends when a repository moved (or any other redirect).
    static func isRedirect(_ status: Int) -> Bool { (300..<400).contains(status) && status != 304 }

    /// Follows a redirect that says the repository moved, or throws when it does not say that.
    func followMove(_ response: GitHubClient.Response, doing: String) async throws(GitHubError) {
        let base = client.configuration.baseURL
        guard let text = response.headers["Location"], let target = URL(string: text, relativeTo: base)?.absoluteURL
        else {
            throw GitHubError(
                .misconfigured,
                message: "\(doing): GitHub answered HTTP \(response.status) without a Location; check GITHUB_REPOSITORY"
            )
        }
        guard client.isSameOrigin(target) else {
            throw GitHubError(
                .misconfigured,
                message: "\(doing): GitHub redirected requests for \(repository) to another host "
                    + "(\(target.host ?? "?")); sandboxd never sends its credentials there. Set GITHUB_REPOSITORY "
                    + "(and GITHUB_API_URL) to where the repository is now"
            )
        }
        guard let id = Self.movedRepositoryID(target.path, basePath: base.path) else {
            throw GitHubError(
                .misconfigured,
                message: "\(doing): GitHub redirected requests for \(repository) (HTTP \(response.status)) to "
                    + "\(target.path), which is not a repository; check GITHUB_REPOSITORY"
            )
        }
        guard location.moved(to: id) else { return }
        let newName = await movedRepositoryName()
        report(
            "GitHub says the repository \(repository) moved (renamed or transferred) and is now "
                + "\(newName.map { "\($0) (repository id \(id))" } ?? "repository id \(id)"); sandboxd follows it "
                + "by id. Set GITHUB_REPOSITORY to its new name"
                + (newName.map { " (GITHUB_REPOSITORY=\($0))" } ?? "")
        )
    }

    /// The id in `/repositories/{id}` or `/repositories/{id}/…` under the API's base path.
    static func movedRepositoryID(_ path: String, basePath: String) -> Int64? {
        var base = basePath
        while base.hasSuffix("/") { base.removeLast() }
        let prefix = base + "/repositories/"
        guard path.hasPrefix(prefix) else { return nil }
        let digits = path.dropFirst(prefix.count).prefix { $0 != "/" }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let id = Int64(digits), id > 0 else { return nil }
        return id
    }

    /// The repository's `full_name` where it is now, when GitHub tells it.
    private func movedRepositoryName() async -> String? {
        guard let response = try? await client.get(path: location.path), response.status == 200,
            let repository = try? GitHubClient.decode(GitHubPayload.Repository.self, from: response, doing: "")
        else { return nil }
        return repository.fullName
    }

    /// After a `404` for something in the repository: throws `misconfigured` when sandboxd's credentials
    /// cannot see the repository itself (a revoked or mis-scoped token, an App not installed on it),
    /// so a configuration mistake never reads as "no such pull request".
    func requireVisibleRepository(doing: String) async throws(GitHubError) {
        let (response, _) = try await onRepository("", doing: doing) { path throws(GitHubError) in
            try await client.get(path: path)
        }
        switch response.status {
        case 200:
            return
        case 403, 404:
            throw GitHubError(
                .misconfigured,
                message: "\(doing): GitHub answered 404, and sandboxd's credentials cannot see the repository "
                    + "\(repository) at all (GET /repos/\(repository) answered \(response.status)); check "
                    + "GITHUB_REPOSITORY and that the token, or the GitHub App's installation, can read it"
            )
        default:
            throw GitHubClient.failure(response, doing: doing)
        }
    }
}
