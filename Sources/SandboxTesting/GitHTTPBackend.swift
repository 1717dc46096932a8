public import Foundation
import SandboxHTTP

/// git's smart HTTP protocol for tests, as a web server offers it: each request is handed to
/// `git http-backend` (git's own CGI program) over a directory of bare repositories, on a thread of its
/// own so the test's concurrency pool is never blocked. Used by ``FakeGitHubServer/serveGit(projectRoot:)``
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
        let cgi = environment
        let body = request.body
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Data?, Never>) in
            Thread {
                continuation.resume(returning: runBlocking(environment: cgi, input: body))
            }.start()
        }
        guard let result else { return .response(status: 500) }
        return reply(fromCGI: result)
    }

    /// Runs `git http-backend` to its end; its output, or `nil` when it failed. Its input and outputs go
    /// through temporary files, so no pipe can fill up.
    private static func runBlocking(environment: [String: String], input: Data) -> Data? {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sandboxd-git-cgi-\(UUID())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            let inputFile = scratch.appendingPathComponent("in")
            let outputFile = scratch.appendingPathComponent("out")
            try input.write(to: inputFile)
            _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "http-backend"]
            process.environment = environment
            process.standardInput = try FileHandle(forReadingFrom: inputFile)
            process.standardOutput = try FileHandle(forWritingTo: outputFile)
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { return nil }
            return try Data(contentsOf: outputFile)
        } catch {
            return nil
        }
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
