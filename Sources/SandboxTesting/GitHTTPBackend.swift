public import Foundation
import SandboxHTTP

/// git's smart HTTP protocol for tests, as a web server offers it: each request is handed to
/// `git http-backend` (git's own CGI program) over a directory of bare repositories, on a thread of its
/// own (``runCommand(_:_:environment:directory:input:)``), so the test's concurrency pool is never blocked. Used by ``FakeGitHubServer/serveGit(projectRoot:)``
/// and by SandboxGit's tests.
public enum GitHTTPBackend {
    /// Answers one request from the bare repositories under `projectRoot`.
    /// - Parameters:
    ///   - request: the request as received.
    ///   - projectRoot: the directory holding `{path}.git` repositories, as `PATH_INFO` names them.
    ///   - environment: the environment git runs in (`PATH`, `HOME`, …); the CGI variables are added.
    public static func serve(
        _ request: RecordedRequest,
        projectRoot: URL,
        environment: [String: String]
    ) async -> ServerReply {
        let parts = request.path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var environment = environment
        environment["GIT_PROJECT_ROOT"] = projectRoot.path
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
        // `env` finds git in the environment's PATH.
        guard
            let result = try? await runCommand(
                "/usr/bin/env",
                ["git", "http-backend"],
                environment: environment,
                input: request.body
            ),
            result.status == 0
        else { return .response(status: 500) }
        return reply(fromCGI: result.output)
    }

    /// Splits a CGI program's output into the status, the header fields and the body.
    static func reply(fromCGI output: Data) -> ServerReply {
        let bytes = [UInt8](output)
        var headerEnd = 0
        while headerEnd + 1 < bytes.count, !(bytes[headerEnd] == 0x0A && (bytes[headerEnd + 1] == 0x0A)) {
            if headerEnd + 3 < bytes.count, bytes[headerEnd..<headerEnd + 4].elementsEqual([0x0D, 0x0A, 0x0D, 0x0A]) {
                break
            }
            headerEnd += 1
        }
        guard headerEnd < bytes.count else { return .response(status: 502) }
        let separator = bytes[headerEnd] == 0x0D ? 4 : 2
        var status = 200
        var headers = HTTPHeaders()
        for line in String(decoding: bytes[..<headerEnd], as: UTF8.self).split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name.lowercased() == "status" {
                status = Int(value.prefix(3)) ?? 500
            } else {
                headers.add(name: name, value: value)
            }
        }
        return .response(
            status: status,
            headers: headers,
            body: Data(bytes[min(bytes.count, headerEnd + separator)...])
        )
    }
}
