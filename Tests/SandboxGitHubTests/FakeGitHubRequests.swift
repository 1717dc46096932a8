import Foundation
import SandboxHTTP
import SandboxTesting

/// Plain HTTP requests to a ``FakeGitHubServer``, without sandboxd's client: the tests of the fake itself
/// see exactly what it answers (redirects are not followed).
struct FakeGitHubRequests {
    let fake: FakeGitHubServer
    var transport = URLSessionTransport()

    /// Sends `method` (`GET` by default) to `path` below the fake's API URL (or to `url`, when given) with the headers
    /// GitHub requires and `Authorization: Bearer <token>` when `token` is given.
    func send(
        _ path: String,
        method: String = "GET",
        token: String?,
        json: [String: Any]? = nil,
        url: URL? = nil
    ) async throws -> HTTPResponse {
        var headers: HTTPHeaders = [
            "User-Agent": "sandboxd-tests",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        ]
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        var body = Data()
        if let json {
            body = try JSONSerialization.data(withJSONObject: json)
            headers.add(name: "Content-Type", value: "application/json")
        }
        let target = url ?? URL(string: fake.apiURL.absoluteString + path)!
        return try await transport.send(HTTPRequest(method: method, url: target, headers: headers, body: body))
    }

    /// The response's body as a JSON object (empty when it is not one).
    static func object(_ response: HTTPResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]) ?? [:]
    }

    /// The response's body as a JSON array (empty when it is not one).
    static func array(_ response: HTTPResponse) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: response.body) as? [[String: Any]]) ?? []
    }

    /// The `message` of a GitHub error body.
    static func message(_ response: HTTPResponse) -> String? {
        object(response)["message"] as? String
    }
}
