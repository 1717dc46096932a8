import Foundation
import SandboxHTTP

/// Fetches the instance role's credentials from the EC2 instance metadata service, IMDSv2 first.
///
/// As botocore's `InstanceMetadataFetcher` does:
/// 1. `PUT /latest/api/token` with `x-aws-ec2-metadata-token-ttl-seconds: 21600` → a session token. A 403, 404 or
///    405, or no answer in time, falls back to IMDSv1 (no token) unless ``v1Disabled``; a 400 gives up.
/// 2. `GET /latest/meta-data/iam/security-credentials/` (with `x-aws-ec2-metadata-token`) → the role name.
/// 3. `GET /latest/meta-data/iam/security-credentials/<role>` → the credentials document.
///
/// Each request has ``timeout`` and ``attempts`` tries (botocore's defaults: 1 s, 1).
struct InstanceMetadataCredentialsProvider: AWSCredentialsProvider {
    var endpoint = URL(string: "http://169.254.169.254/")!
    /// Never fall back to IMDSv1.
    var v1Disabled = false
    var transport: any HTTPTransport
    /// Per request.
    var timeout = Duration.seconds(1)
    var attempts = 1
    private var source: String { "the instance metadata service" }

    func credentials() async throws(AWSConfigurationError) -> AWSCredentials {
        let token = try await sessionToken()
        let listing = try await get("latest/meta-data/iam/security-credentials/", token: token)
        let role = String(decoding: listing, as: UTF8.self).split(whereSeparator: \.isNewline).first
        guard let role = role?.trimmingCharacters(in: .whitespaces), !role.isEmpty else {
            throw .refused("\(source) lists no IAM role: attach an instance profile")
        }
        let document = try await get("latest/meta-data/iam/security-credentials/\(role)", token: token)
        return try TemporaryCredentialsDocument.credentials(from: document, source: source)
    }

    /// The IMDSv2 session token, or `nil` to go on with IMDSv1.
    private func sessionToken() async throws(AWSConfigurationError) -> String? {
        let headers: HTTPHeaders = [
            "x-aws-ec2-metadata-token-ttl-seconds": "21600", "User-Agent": ServiceCatalogClient.userAgent,
        ]
        var response: HTTPResponse?
        do throws(HTTPTransportError) {
            response = try await send(HTTPRequest(method: "PUT", url: url("latest/api/token"), headers: headers))
        } catch {
            guard case .timedOut = error else { throw .unavailable("\(source) could not be reached: \(error)") }
        }
        switch response?.status {
        case 200?:
            let token = String(decoding: response!.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw .refused("\(source) answered an empty token") }
            return token
        case nil, 403?, 404?, 405?:
            guard !v1Disabled else {
                let reason = response.map { "HTTP \($0.status)" } ?? "no answer in time"
                throw .refused(
                    "\(source) gave no IMDSv2 token (\(reason)) and IMDSv1 is disabled (AWS_EC2_METADATA_V1_DISABLED)"
                )
            }
            return nil
        case 400?:
            throw .refused("\(source) refused the token request (HTTP 400)")
        case let status?:
            throw AWSConfigurationError(
                status >= 500 ? .credentialsUnavailable : .credentialsRefused,
                "\(source) answered the token request with HTTP \(status)"
            )
        }
    }

    private func get(_ path: String, token: String?) async throws(AWSConfigurationError) -> Data {
        var headers: HTTPHeaders = ["User-Agent": ServiceCatalogClient.userAgent]
        if let token { headers["x-aws-ec2-metadata-token"] = token }
        let response: HTTPResponse
        do throws(HTTPTransportError) {
            response = try await send(HTTPRequest(method: "GET", url: url(path), headers: headers))
        } catch {
            throw .unavailable("\(source) could not be reached: \(error)")
        }
        switch response.status {
        case 200 where !response.body.isEmpty:
            return response.body
        case 404:
            throw .refused("\(source) has no IAM role credentials (HTTP 404)")
        case 401:
            throw .refused("\(source) refused the session token (HTTP 401)")
        default:
            throw AWSConfigurationError(
                response.status >= 500 || response.status == 200 ? .credentialsUnavailable : .credentialsRefused,
                "\(source) answered \(path) with HTTP \(response.status)"
                    + (response.body.isEmpty ? " and no body" : "")
            )
        }
    }

    /// A 5xx or an empty 200 is tried again.
    private func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        var request = request
        request.timeout = timeout
        return try await transport.send(request, attempts: attempts) {
            $0.status >= 500 || ($0.status == 200 && $0.body.isEmpty)
        }
    }

    private func url(_ path: String) -> URL {
        URL(string: endpoint.absoluteString.replacing(#/\/*$/#, with: "/") + path)!
    }
}
