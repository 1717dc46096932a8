import Foundation
import SandboxHTTP
import SandboxTesting
import SandboxLocking

/// IMDS requests time out after 1 s by default; a loaded test machine can take longer, and a token request that
/// times out (correctly) falls back to IMDSv1, which the v2-only fake refuses. Tests allow more time.
let imdsTestTimeout = Duration.seconds(10)

/// Temporary credentials as the metadata endpoints serve them.
let servedCredentials = SigV4Verifier.Credentials(
    accessKeyId: "ASIAIMDSEXAMPLE0001",
    secretAccessKey: "imds/secret+key",
    sessionToken: "IQoJb3JpZ2luX2VjEIMDS//token="
)

/// The JSON document IMDS and the container endpoint serve.
func credentialsDocument(_ credentials: SigV4Verifier.Credentials, expiresIn seconds: TimeInterval = 6 * 3600) -> Data {
    let expiration = Date().addingTimeInterval(seconds)
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    let document: [String: Any] = [
        "Code": "Success",
        "LastUpdated": formatter.string(from: Date()),
        "Type": "AWS-HMAC",
        "AccessKeyId": credentials.accessKeyId,
        "SecretAccessKey": credentials.secretAccessKey,
        "Token": credentials.sessionToken ?? "",
        "Expiration": formatter.string(from: expiration),
    ]
    return try! JSONSerialization.data(withJSONObject: document)
}

/// An EC2 instance metadata service: IMDSv2 tokens (or v1 when `v2` is false), one role.
func makeIMDS(
    v2: Bool = true,
    role: String = "sandboxd-role",
    expiresIn: TimeInterval = 6 * 3600
) throws
    -> LoopbackHTTPServer
{
    let token = "AQAEAimds-session-token=="
    return try LoopbackHTTPServer { request in
        let tokenOK = request.headers["x-aws-ec2-metadata-token"] == token
        switch (request.method, request.path) {
        case ("PUT", "/latest/api/token"):
            guard v2 else { return .response(status: 405) }
            guard request.headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600" else {
                return .response(status: 400)
            }
            return .response(status: 200, headers: ["Content-Type": "text/plain"], body: Data(token.utf8))
        case ("GET", "/latest/meta-data/iam/security-credentials/"):
            guard tokenOK || !v2 else { return .response(status: 401) }
            return .response(status: 200, body: Data("\(role)\n".utf8))
        case ("GET", "/latest/meta-data/iam/security-credentials/\(role)"):
            guard tokenOK || !v2 else { return .response(status: 401) }
            return .response(status: 200, body: credentialsDocument(servedCredentials, expiresIn: expiresIn))
        default:
            return .response(status: 404)
        }
    }
}
