import Foundation
import SandboxHTTP

extension FakeGitHubServer {
    /// One page of `items`, with a `Link` header when there are more.
    func page(_ items: [Any], path: String, query: [String: String], state: State) -> Answer {
        let perPage = min(max(Int(query["per_page"] ?? "30") ?? 30, 1), state.maximumPageSize)
        let number = max(Int(query["page"] ?? "1") ?? 1, 1)
        let start = min((number - 1) * perPage, items.count)
        let end = min(start + perPage, items.count)
        var headers: HTTPHeaders = [:]
        let pages = max((items.count + perPage - 1) / perPage, 1)
        if number < pages {
            let base = apiURL.absoluteString + path
            headers["Link"] =
                "<\(base)?per_page=\(perPage)&page=\(number + 1)>; rel=\"next\", "
                + "<\(base)?per_page=\(perPage)&page=\(pages)>; rel=\"last\""
        }
        return Answer(status: 200, json: Array(items[start..<end]), headers: headers)
    }

    // MARK: - JSON

    /// A user object.
    func userJSON(_ account: Account) -> [String: Any] {
        [
            "login": account.login, "id": account.id, "type": account.type, "site_admin": false,
            "created_at": Self.timestamp(account.createdAt),
        ]
    }

    /// A pull request object.
    func pullJSON(_ pull: PullRequest, state: State) -> [String: Any] {
        let author =
            state.accounts[pull.authorID]
            ?? Account(id: 10_137, login: "ghost", createdAt: Date(timeIntervalSince1970: 1_204_000_000))
        return [
            "number": pull.number, "state": pull.isOpen ? "open" : "closed", "merged": pull.merged,
            "merged_at": pull.merged ? Self.timestamp(now()) as Any : NSNull(),
            "user": ["login": author.login, "id": author.id, "type": author.type],
            "changed_files": pull.files.count,
            "head": ["sha": pull.headSHA, "ref": "pull-\(pull.number)"],
        ]
    }

    /// A comment object.
    func commentJSON(_ comment: Comment, state: State) -> [String: Any] {
        let author = state.accounts[comment.authorID]
        return [
            "id": comment.id, "body": comment.body,
            "user": ["login": author?.login ?? "ghost", "id": comment.authorID, "type": author?.type ?? "User"],
            "html_url": "https://github.example/\(state.location.owner)/\(state.location.name)"
                + "/pull/\(comment.pullRequest)"
                + "#issuecomment-\(comment.id)",
        ]
    }

    /// The `body` of a comment create or edit.
    static func commentBody(_ data: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let body = object["body"] as? String
        else { return nil }
        return body
    }

    /// ISO 8601, as GitHub writes times.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    /// A weak validator of the body alone (not the `Link` header), so a full last page stays "not
    /// modified" when a page is added after it: clients must cope with that.
    static func etag(body: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in body { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return "W/\"\(String(hash, radix: 16))\""
    }

    /// The path and the query's parameters.
    static func split(_ target: String) -> (String, [String: String]) {
        guard let mark = target.firstIndex(of: "?") else { return (target, [:]) }
        var query: [String: String] = [:]
        for pair in target[target.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            query[parts[0]] = parts.count == 2 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
        }
        return (String(target[..<mark]), query)
    }
}
