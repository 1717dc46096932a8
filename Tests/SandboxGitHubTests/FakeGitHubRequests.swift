import Foundation
import Glibc
import SandboxCrypto
import SandboxHTTP
import SandboxRuntime
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

/// A fake GitHub playing a GitHub App, a manual clock, and JSON web tokens for it. The signature is an
/// HMAC-SHA256 with a test key: a seam that stands in for RS256 (the fake leaves the check to the App's
/// `verifySignature`).
struct AppScene {
    static let key = Array("fake-github-app-test-key".utf8)
    static let clientID = "Iv23liSandboxdTest"
    let clock = ManualClock()
    let fake: FakeGitHubServer
    let http: FakeGitHubRequests

    init(permissions: [String: String]? = nil, tokenLifetime: TimeInterval = 3_600) throws {
        var app = FakeGitHubServer.App(
            clientID: Self.clientID,
            tokenLifetime: tokenLifetime,
            verifySignature: { input, signature in HMAC.authenticationCode(for: input, key: AppScene.key) == signature }
        )
        if let permissions { app.permissions = permissions }
        let clock = clock
        fake = try FakeGitHubServer(app: app, now: { clock.now() })
        http = FakeGitHubRequests(fake: fake)
    }

    /// The App (the fake's).
    var app: FakeGitHubServer.App { fake.app! }

    /// The clock's now, in whole seconds since 1970.
    var now: Int { Int(clock.now().timeIntervalSince1970) }

    /// RFC 4648 §5 base64url without padding.
    static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString().replacing("+", with: "-").replacing("/", with: "_")
            .replacing("=", with: "")
    }

    /// A JWT of `header` and `payload` (JSON texts), signed with the test key unless `signature` is given.
    static func jwt(
        header: String = #"{"alg":"RS256","typ":"JWT"}"#,
        payload: String,
        signature: [UInt8]? = nil
    )
        -> String
    {
        let input = base64URL(header.utf8) + "." + base64URL(payload.utf8)
        return input + "." + base64URL(signature ?? HMAC.authenticationCode(for: Array(input.utf8), key: key))
    }

    /// A valid JWT for the App now: `iat` 60 s ago, `exp` 9 min ahead.
    func jwt() -> String {
        Self.jwt(payload: #"{"iss":\#(app.id),"iat":\#(now - 60),"exp":\#(now + 540)}"#)
    }

    /// Mints an installation token (asking for `permissions`, when given).
    func mint(permissions: [String: String]? = nil) async throws -> String {
        let response = try await http.send(
            "/app/installations/\(app.installationID)/access_tokens",
            method: "POST",
            token: jwt(),
            json: permissions.map { ["permissions": $0] }
        )
        guard response.status == 201, let token = FakeGitHubRequests.object(response)["token"] as? String else {
            throw MintFailed(status: response.status, body: String(decoding: response.body, as: UTF8.self))
        }
        return token
    }

    struct MintFailed: Error {
        var status: Int
        var body: String
    }
}

extension FakeGitHubRequests {
    /// Sends `GET target` exactly as written (Foundation would percent-encode `[` and `]`) over a plain
    /// socket, with the headers GitHub requires; returns the status and the body.
    func rawGET(_ target: String, token: String) throws -> (status: Int, body: Data) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RawRequestFailed() }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(fake.apiURL.port!).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw RawRequestFailed() }
        let request =
            "GET \(fake.pathPrefix)\(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: sandboxd-tests\r\n"
            + "Accept: application/vnd.github+json\r\nX-GitHub-Api-Version: 2022-11-28\r\n"
            + "Authorization: Bearer \(token)\r\nConnection: close\r\n\r\n"
        let bytes = Array(request.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else { throw RawRequestFailed() }
        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while case let count = read(descriptor, &buffer, buffer.count), count > 0 {
            response.append(contentsOf: buffer[0..<count])
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let status = Int(text.split(separator: " ").dropFirst().first ?? ""),
            let end = response.firstRange(of: Data("\r\n\r\n".utf8))
        else { throw RawRequestFailed() }
        return (status, response[end.upperBound...])
    }

    struct RawRequestFailed: Error {}
}
