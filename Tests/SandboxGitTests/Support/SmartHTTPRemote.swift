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
        let parts = request.path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var environment = scratch.gitEnvironment()
        environment["GIT_PROJECT_ROOT"] = root.path
        environment["GIT_HTTP_EXPORT_ALL"] = "1"
        environment["REQUEST_METHOD"] = request.method
        environment["PATH_INFO"] = String(parts[0])
        environment["QUERY_STRING"] = parts.count > 1 ? String(parts[1]) : ""
        environment["CONTENT_TYPE"] = request.headers["Content-Type"] ?? ""
        environment["CONTENT_LENGTH"] = "\(request.body.count)"
        environment["REMOTE_ADDR"] = "127.0.0.1"
        environment["REMOTE_USER"] = "x-access-token"
        if let encoding = request.headers["Content-Encoding"] { environment["HTTP_CONTENT_ENCODING"] = encoding }
        if let protocolVersion = request.headers["Git-Protocol"] { environment["GIT_PROTOCOL"] = protocolVersion }
        guard
            let result = try? await runCommand(
                gitExecutable,
                ["http-backend"],
                environment: environment,
                input: request.body
            ), result.status == 0
        else { return .response(status: 500) }
        return reply(fromCGI: result.output)
    }

    /// Splits a CGI program's output into the status, the header fields and the body.
    private static func reply(fromCGI output: Data) -> ServerReply {
        let bytes = [UInt8](output)
        var headerEnd = 0
        while headerEnd + 1 < bytes.count, !(bytes[headerEnd] == 0x0A && (bytes[headerEnd + 1] == 0x0A)) {
            if headerEnd + 3 < bytes.count, bytes[headerEnd..<headerEnd + 4].elementsEqual([0x0D, 0x0A, 0x0D, 0x0A]) {
                break
            }
            headerEnd += 1
        }
        let separator = bytes[headerEnd] == 0x0D ? 4 : 2
        let headerText = String(decoding: bytes[..<headerEnd], as: UTF8.self)
        var status = 200
        var headers = HTTPHeaders()
        for line in headerText.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name.lowercased() == "status" {
                status = Int(value.prefix(3)) ?? 500
            } else {
                headers.add(name: name, value: value)
            }
        }
        let body = Data(bytes[min(bytes.count, headerEnd + separator)...])
        return .response(status: status, headers: headers, body: body)
    }
}
