public import Foundation
import SandboxHTTP
import Synchronization

/// git's smart HTTP protocol, as github.com serves `https://github.com/{owner}/{repo}.git`: the fake
/// hands `/{owner}/{repo}.git/…` to `git http-backend` (CGI) over a directory of bare repositories,
/// after checking HTTP Basic credentials as GitHub does — any user name, and as the password a token
/// the API accepts (a personal access token or an unexpired installation token). Without them it
/// answers `401` with `WWW-Authenticate: Basic`, so a git client asks its askpass program.
extension FakeGitHubServer {
    /// Serves git over HTTP from `projectRoot`, which holds `{owner}/{repo}.git` bare repositories.
    public func serveGit(projectRoot: URL) {
        state.withLock { $0.gitProjectRoot = projectRoot }
    }

    /// The passwords git sent, in order (a test checks which token git was given).
    public var gitPasswords: [String] { state.withLock { $0.gitPasswords } }

    /// The answer to a git request, or `nil` when the request is not one (the API serves it).
    func gitReply(_ request: RecordedRequest) -> ServerReply? {
        let (path, _) = Self.split(request.path)
        guard let root = state.withLock({ $0.gitProjectRoot }), path.contains(".git/") else { return nil }
        guard let password = Self.basicPassword(request.headers["Authorization"]), acceptsForGit(password) else {
            return .response(
                status: 401,
                headers: ["WWW-Authenticate": "Basic realm=\"GitHub\"", "Content-Type": "text/plain"],
                body: Data("Authentication required\n".utf8)
            )
        }
        state.withLock { $0.gitPasswords.append(password) }
        return Self.runHTTPBackend(request, projectRoot: root)
    }

    /// Whether `token` is one the API would take now.
    private func acceptsForGit(_ token: String) -> Bool {
        let time = now()
        return state.withLock { state in
            state.acceptedTokens.contains(token)
                || state.installationTokens.contains { $0.token == token && !$0.isRevoked && time < $0.expiresAt }
        }
    }

    /// The password of `Authorization: Basic base64(user:password)`.
    static func basicPassword(_ header: String?) -> String? {
        guard let header, header.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst("Basic ".count))),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return String(text[text.index(after: colon)...])
    }

    /// Runs `git http-backend` for one request and turns its CGI output into a reply.
    static func runHTTPBackend(_ request: RecordedRequest, projectRoot: URL) -> ServerReply {
        let (path, _) = split(request.path)
        let query = request.path.firstIndex(of: "?").map { String(request.path[request.path.index(after: $0)...]) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "http-backend"]
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "GIT_PROJECT_ROOT": projectRoot.path, "GIT_HTTP_EXPORT_ALL": "1", "PATH_INFO": path,
            "REQUEST_METHOD": request.method, "QUERY_STRING": query ?? "",
            "CONTENT_TYPE": request.headers["Content-Type"] ?? "", "CONTENT_LENGTH": String(request.body.count),
            "REMOTE_USER": "git", "REMOTE_ADDR": "127.0.0.1", "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null", "HOME": projectRoot.path,
        ]
        if let protocolHeader = request.headers["Git-Protocol"] { environment["GIT_PROTOCOL"] = protocolHeader }
        if let encoding = request.headers["Content-Encoding"] { environment["HTTP_CONTENT_ENCODING"] = encoding }
        process.environment = environment
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .response(status: 500, body: Data("git http-backend: \(error)\n".utf8))
        }
        // Write the body from another thread while this one reads, so neither pipe can fill up.
        let body = request.body
        Thread.detachNewThread {
            input.fileHandleForWriting.write(body)
            try? input.fileHandleForWriting.close()
        }
        let produced = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return cgiReply(produced)
    }

    /// A CGI answer (`Header: value` lines, an empty line, the body) as a reply.
    static func cgiReply(_ data: Data) -> ServerReply {
        let bytes = [UInt8](data)
        var end: Int?
        for index in 0..<max(bytes.count - 1, 0) where bytes[index] == 0x0A {
            if bytes[index + 1] == 0x0A {
                end = index
                break
            }
            if index + 2 < bytes.count, bytes[index + 1] == 0x0D, bytes[index + 2] == 0x0A {
                end = index + 1
                break
            }
        }
        guard let end else { return .response(status: 502, body: Data("no CGI headers\n".utf8)) }
        var status = 200
        var headers: HTTPHeaders = [:]
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        for line in head.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name.lowercased() == "status" {
                status = Int(value.prefix(3)) ?? 200
            } else {
                headers[name] = value
            }
        }
        var bodyStart = end + 1
        while bodyStart < bytes.count, bytes[bodyStart] == 0x0D || bytes[bodyStart] == 0x0A {
            bodyStart += 1
            if bytes[bodyStart - 1] == 0x0A { break }
        }
        return .response(status: status, headers: headers, body: Data(bytes[bodyStart...]))
    }
}
