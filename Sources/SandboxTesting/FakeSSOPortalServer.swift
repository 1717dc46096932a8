public import Foundation
import SandboxHTTP
import SandboxLocking

/// A fake IAM Identity Center (SSO) portal, `portal.sso.<region>.amazonaws.com`, on ``LoopbackHTTPServer``: the one
/// operation sandboxd calls, `GetRoleCredentials` (botocore's `sso/2019-06-10` model, rest-json, unsigned).
///
/// `GET /federation/credentials?account_id=…&role_name=…` with `x-amz-sso_bearer_token`:
/// - no token, or not ``Configuration/accessToken``: 401 `UnauthorizedException`, as for an expired or revoked
///   session;
/// - an account or role other than the configured ones: 403 `ForbiddenException`;
/// - a signed request (`Authorization`), another method or path, a missing parameter: a violation, 400.
///
/// Otherwise it issues fresh credentials, `{"roleCredentials": {"accessKeyId", "secretAccessKey", "sessionToken",
/// "expiration": epoch milliseconds}}`, handed to ``Configuration/onIssue`` so a fake service can accept them.
public final class FakeSSOPortalServer: Sendable {
    public struct Configuration: Sendable {
        public var accessToken: String
        public var accountId: String
        public var roleName: String
        /// How long issued credentials last.
        public var lifetime: TimeInterval
        public var now: @Sendable () -> Date
        /// Called with every set of credentials issued.
        public var onIssue: @Sendable (SigV4Verifier.Credentials) -> Void

        public init(
            accessToken: String,
            accountId: String = "111122223333",
            roleName: String = "SandboxdProvisioner",
            lifetime: TimeInterval = 3600,
            now: @escaping @Sendable () -> Date = { Date() },
            onIssue: @escaping @Sendable (SigV4Verifier.Credentials) -> Void = { _ in }
        ) {
            self.accessToken = accessToken
            self.accountId = accountId
            self.roleName = roleName
            self.lifetime = lifetime
            self.now = now
            self.onIssue = onIssue
        }
    }

    private final class Ledger: Sendable {
        struct State {
            var issued: [SigV4Verifier.Credentials] = []
            var violations: [String] = []
        }

        let state = Locked(State())
    }

    private let ledger = Ledger()
    private let server: LoopbackHTTPServer

    public init(_ configuration: Configuration) throws {
        let ledger = ledger
        server = try LoopbackHTTPServer { request in Self.reply(to: request, configuration, ledger) }
    }

    /// The portal's base URL, for `AWS_ENDPOINT_URL_SSO`.
    public var endpoint: URL { server.baseURL }
    /// Every set of credentials issued, in order.
    public var issued: [SigV4Verifier.Credentials] { ledger.state.withLock { $0.issued } }
    /// Requests that broke the protocol.
    public var violations: [String] { ledger.state.withLock { $0.violations } }
    public var requests: [RecordedRequest] { server.requests }

    public func stop() {
        server.stop()
    }

    private static func reply(
        to request: RecordedRequest,
        _ configuration: Configuration,
        _ ledger: Ledger
    ) -> ServerReply {
        let components = URLComponents(string: request.path)
        let query = Dictionary(
            (components?.queryItems ?? []).map { ($0.name, $0.value ?? "") },
            uniquingKeysWith: { first, _ in first }
        )
        let violation: String? =
            if request.method != "GET" || components?.path != "/federation/credentials" {
                "\(request.method) \(components?.path ?? request.path)"
            } else if request.headers.contains("Authorization") {
                "GetRoleCredentials was signed"
            } else if query["account_id"] == nil || query["role_name"] == nil {
                "GetRoleCredentials without account_id or role_name: \(request.path)"
            } else {
                nil
            }
        if let violation {
            ledger.state.withLock { $0.violations.append(violation) }
            return error(400, "InvalidRequestException", "Invalid request")
        }
        guard request.headers["x-amz-sso_bearer_token"] == configuration.accessToken else {
            return error(401, "UnauthorizedException", "Session token not found or invalid")
        }
        guard query["account_id"] == configuration.accountId, query["role_name"] == configuration.roleName else {
            return error(403, "ForbiddenException", "No access")
        }
        let issued = ledger.state.withLock { state in
            let serial = state.issued.count + 1
            let credentials = SigV4Verifier.Credentials(
                accessKeyId: "ASIAFAKESSO\(String(format: "%09d", serial))",
                secretAccessKey: "sso/secret+\(serial)/\(UUID().uuidString)",
                sessionToken: "IQoJb3JpZ2luFakeSSO//token+\(serial)/\(UUID().uuidString)="
            )
            state.issued.append(credentials)
            return credentials
        }
        configuration.onIssue(issued)
        let expiration = Int64((configuration.now().timeIntervalSince1970 + configuration.lifetime) * 1000)
        let body: [String: Any] = [
            "roleCredentials": [
                "accessKeyId": issued.accessKeyId, "secretAccessKey": issued.secretAccessKey,
                "sessionToken": issued.sessionToken ?? "", "expiration": expiration,
            ]
        ]
        return .response(
            status: 200,
            headers: ["Content-Type": "application/json"],
            body: try! JSONSerialization.data(withJSONObject: body)
        )
    }

    /// A rest-json error: the type in `x-amzn-ErrorType`, the message in the body.
    private static func error(_ status: Int, _ type: String, _ message: String) -> ServerReply {
        .response(
            status: status,
            headers: ["Content-Type": "application/json", "x-amzn-ErrorType": "\(type):http://internal.amazon.com/"],
            body: Data(#"{"message":"\#(message)"}"#.utf8)
        )
    }
}
