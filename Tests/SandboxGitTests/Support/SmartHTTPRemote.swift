import Foundation
import SandboxHTTP
import SandboxTesting

/// A git remote over HTTP on the loopback address that asks for Basic credentials: requests without
/// `x-access-token:<token>` get a 401 with `WWW-Authenticate: Basic`, the others are answered by
/// `git http-backend` (git's own CGI program) from the bare repositories under `root`.
final class SmartHTTPRemote: Sendable {
    let server: LoopbackHTTPServer

    /// Serves the repositories under `root` to whoever sends `token`.
    init(root: URL, token: String, scratch: Scratch) throws {
        let expected = "Basic " + Data("x-access-token:\(token)".utf8).base64EncodedString()
        server = try LoopbackHTTPServer { request in
            guard request.headers["Authorization"] == expected else {
                return .response(status: 401, headers: ["WWW-Authenticate": "Basic realm=\"git\""])
            }
            return await SmartHTTPRemote.backend(request, root: root, scratch: scratch)
        }
    }

    /// The URL of the repository `name` (`remote.git`).
    func url(_ name: String) -> String {
        "http://127.0.0.1:\(server.port)/\(name)"
    }

    /// The `Authorization` header of every request, `nil` where there was none.
    var authorizations: [String?] {
        server.requests.map { $0.headers["Authorization"] }
    }

    /// Runs `git http-backend` for one request, as a web server runs a CGI program.
    private static func backend(_ request: RecordedRequest, root: URL, scratch: Scratch) async -> ServerReply {
        await GitHTTPBackend.serve(request, projectRoot: root, environment: scratch.gitEnvironment())
    }
}
