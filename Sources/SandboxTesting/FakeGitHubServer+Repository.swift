public import Foundation
import SandboxHTTP
import SandboxLocking

/// The repository itself: its resource, its durable id (`/repositories/{id}/…`), a token that cannot see
/// it, and renames or transfers (the old paths redirect, as GitHub documents for repositories).
extension FakeGitHubServer {
    /// Where the repository lives now.
    struct Location: Hashable {
        var owner: String
        var name: String

        /// `owner/name`, lower-cased: GitHub's names are case-insensitive.
        var key: String { "\(owner)/\(name)".lowercased() }
    }

    /// Where a request's path goes.
    enum Target {
        /// To a route (`nil`: a path the fake does not serve); `rest` are the segments after the
        /// repository's part of the path, for a route of the repository.
        case route(Route?, rest: [String])
        /// To a redirect, with this `Location` (a former name of the repository), to `route` there.
        case redirect(String, route: Route?)

        /// The route, if any: for a redirect, the one it points at (whose credentials the request needs).
        var route: Route? {
            switch self {
            case .route(let route, _), .redirect(_, let route): route
            }
        }
    }

    /// The repository's owner now (it changes with ``moveRepository(toOwner:name:ownerID:)``).
    public var owner: String { state.withLock { $0.location.owner } }

    /// The repository's name now (it changes with ``moveRepository(toOwner:name:ownerID:)``).
    public var repository: String { state.withLock { $0.location.name } }

    // MARK: - Scripts

    /// Models a token that cannot see the repository (`false` undoes it): `GET /repos/{owner}/{repo}` and
    /// every route of the repository, under its name, an old name or `/repositories/{id}`, answer
    /// `404 {"message":"Not Found"}` — what GitHub answers a token without access to a private repository.
    public func hideRepository(_ hidden: Bool = true) {
        state.withLock { $0.repositoryHidden = hidden }
    }

    /// Renames or transfers the repository. Its id stays; the new `owner/name` serves normally, and every
    /// request to a former `/repos/{owner}/{name}/…` answers a redirect to
    /// `<apiURL>/repositories/{id}/…` (query kept): `301` for `GET` and `HEAD`, `307` for other methods.
    /// Redirects cost nothing against the rate limit.
    /// - Parameters:
    ///   - owner: The new owner.
    ///   - name: The new name.
    ///   - ownerID: The new owner's account id, for a transfer; `nil` keeps it.
    public func moveRepository(toOwner owner: String, name: String, ownerID: Int64? = nil) {
        state.withLock { state in
            let new = Location(owner: owner, name: name)
            if new.key != state.location.key { state.formerNames.insert(state.location.key) }
            state.formerNames.remove(new.key)
            state.location = new
            if let ownerID { state.ownerID = ownerID }
            state.movedAwayTo = nil
        }
    }

    /// Makes the repository's current and former `/repos/{owner}/{name}/…` paths redirect (`301`/`307`) to
    /// `url` + `/repositories/{id}/…` on another host, for a test that a client never sends its token
    /// there. `/repositories/{id}/…` on this fake still serves the repository; a later
    /// ``moveRepository(toOwner:name:ownerID:)`` brings it back here.
    public func moveRepositoryToAnotherHost(_ url: URL) {
        state.withLock { $0.movedAwayTo = url }
    }

    // MARK: - Routing

    /// Where the request `method path` (below the prefix, without the query) goes; `rawQuery` is kept in
    /// a redirect's `Location`.
    func target(method: String, path: String, parts: [String], rawQuery: Substring?) -> Target {
        if let route = Self.accountRoute(method: method, parts: parts) { return .route(route, rest: []) }
        guard parts.count >= 2 else { return .route(nil, rest: []) }
        let prefixCount: Int
        switch parts[0] {
        case "repositories" where parts[1] == String(repositoryID):
            prefixCount = 2
        case "repos" where parts.count >= 3:
            let key = "\(parts[1])/\(parts[2])".lowercased()
            switch place(of: key) {
            case .here: prefixCount = 3
            case .gone(let base):
                return .redirect(
                    redirectLocation(base: base ?? apiURL, path: path, rawQuery: rawQuery),
                    route: Self.repositoryRoute(method: method, rest: Array(parts.dropFirst(3)))
                )
            case .unknown: return .route(nil, rest: [])
            }
        default:
            return .route(nil, rest: [])
        }
        let rest = Array(parts.dropFirst(prefixCount))
        return .route(Self.repositoryRoute(method: method, rest: rest), rest: rest)
    }

    /// What `/repos/{owner}/{name}` is, `key` being `owner/name` lower-cased.
    enum Place {
        /// The repository, served here.
        case here
        /// A former name, or the name of a repository moved to another host: redirected to `base`
        /// (`nil`: this fake's ``apiURL``).
        case gone(base: URL?)
        /// Another repository, or one the token cannot see.
        case unknown
    }

    /// What `/repos/{owner}/{name}` is now.
    func place(of key: String) -> Place {
        state.withLock { state in
            let isCurrent = key == state.location.key
            if isCurrent && state.movedAwayTo == nil { return .here }
            // A token that cannot see the repository is not told where it went.
            guard isCurrent || state.formerNames.contains(key), !state.repositoryHidden else { return .unknown }
            return .gone(base: state.movedAwayTo)
        }
    }

    /// `base` + `/repositories/{id}` + what follows `/repos/{owner}/{name}` in `path` (as sent), with the query.
    func redirectLocation(base: URL, path: String, rawQuery: Substring?) -> String {
        var location = base.absoluteString
        while location.hasSuffix("/") { location.removeLast() }
        location += "/repositories/\(repositoryID)"
        let after = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(4)
        if !after.isEmpty { location += "/" + after.joined(separator: "/") }
        if let rawQuery { location += "?" + rawQuery }
        return location
    }

    /// GitHub's repository redirect: `301` for `GET` and `HEAD`, `307` (method and body kept) otherwise.
    static func redirect(to location: String, method: String) -> Answer {
        let permanent = method == "GET" || method == "HEAD"
        return Answer(
            status: permanent ? 301 : 307,
            json: [
                "message": permanent ? "Moved Permanently" : "Temporary Redirect",
                "url": location,
                "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#http-redirects",
            ],
            headers: ["Location": location],
            cacheable: false
        )
    }

    // MARK: - JSON

    /// The repository's owner, as GitHub shows it in a repository or an installation.
    func ownerJSON(_ state: State) -> [String: Any] {
        ["login": state.location.owner, "id": state.ownerID, "type": "Organization"]
    }

    /// `GET /repos/{owner}/{repo}`.
    func repositoryJSON(_ state: State) -> [String: Any] {
        let location = state.location
        return [
            "id": repositoryID,
            "name": location.name,
            "full_name": "\(location.owner)/\(location.name)",
            "owner": ownerJSON(state),
            "private": true,
            "html_url": "https://github.example/\(location.owner)/\(location.name)",
            "url": apiURL.absoluteString + "/repos/\(location.owner)/\(location.name)",
            "default_branch": "main",
        ]
    }
}
