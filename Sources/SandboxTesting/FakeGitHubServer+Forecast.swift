import Foundation
import SandboxLocking

/// What the forecasts read and write (docs/behaviour.md §6.9): the open pull requests, a file at a pull
/// request's head, and commit statuses. Reads carry ETags as every `GET` does, so an unchanged answer is
/// a free `304` (``FakeGitHubServer/costlyCalls`` counts the rest).
extension FakeGitHubServer {
    /// `GET …/pulls?state=open` (or `closed`, `all`), by number, paginated.
    func openPullRequests(_ admitted: Admitted) -> Answer {
        state.withLock { state in
            let wanted = admitted.query["state"] ?? "open"
            let items: [Any] = state.pulls.values.sorted { $0.number < $1.number }
                .filter { wanted == "all" || ($0.isOpen == (wanted == "open")) }
                .map { pullJSON($0, state: state) }
            return page(items, path: admitted.path, query: admitted.query, state: state)
        }
    }

    /// `GET …/contents/{path}?ref={sha}`: the file as the pull request with that head holds it.
    func content(_ admitted: Admitted) -> Answer {
        let path = admitted.rest.dropFirst().joined(separator: "/")
        return state.withLock { state in
            guard let ref = admitted.query["ref"],
                let text = state.pulls.values.first(where: { $0.headSHA == ref })?.contents[path]
            else {
                return Self.notFound()
            }
            let bytes = Data(text.utf8)
            return Answer(
                status: 200,
                json: [
                    "type": "file", "encoding": "base64", "size": bytes.count, "path": path,
                    "name": String(path.split(separator: "/").last ?? ""),
                    "content": bytes.base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed]),
                ] as [String: Any]
            )
        }
    }

    /// `POST …/statuses/{sha}`.
    func createStatus(_ admitted: Admitted, body: Data) -> Answer {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let stateName = object["state"] as? String, ["error", "failure", "pending", "success"].contains(stateName)
        else {
            return Answer(status: 422, json: ["message": "Validation Failed"], cacheable: false)
        }
        let status = CommitStatus(
            context: object["context"] as? String ?? "default",
            state: stateName,
            description: object["description"] as? String ?? ""
        )
        let sha = admitted.rest[1]
        return state.withLock { state in
            state.statuses[sha, default: []].append(status)
            return Answer(
                status: 201,
                json: ["state": status.state, "context": status.context, "description": status.description],
                cacheable: false
            )
        }
    }

    /// `GET …/commits/{sha}/statuses`: newest first, paginated.
    func commitStatuses(_ admitted: Admitted) -> Answer {
        state.withLock { state in
            let items: [Any] = (state.statuses[admitted.rest[1]] ?? []).reversed().map { status in
                ["state": status.state, "context": status.context, "description": status.description]
            }
            return page(items, path: admitted.path, query: admitted.query, state: state)
        }
    }

    // MARK: - Scripts

    /// Pushes a new head commit to pull request `number`, with its files' contents.
    public func push(_ number: Int, headSHA: String, contents: [String: String]) {
        state.withLock { state in
            state.pulls[number]?.headSHA = headSHA
            state.pulls[number]?.contents = contents
        }
    }

    /// Closes pull request `number` without merging it.
    public func close(_ number: Int) {
        state.withLock { $0.pulls[number]?.closed = true }
    }

    /// The statuses set on `sha`, oldest first.
    public func statuses(of sha: String) -> [CommitStatus] {
        state.withLock { $0.statuses[sha] ?? [] }
    }

    /// Every status set, on every commit.
    public var statusCount: Int {
        state.withLock { $0.statuses.values.reduce(0) { $0 + $1.count } }
    }
}
