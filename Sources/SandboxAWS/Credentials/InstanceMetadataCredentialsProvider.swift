public import Foundation
public import SandboxHTTP

/// Fetches the instance role's credentials from the EC2 instance metadata service, IMDSv2 first.
///
/// As botocore's `InstanceMetadataFetcher` does:
/// 1. `PUT /latest/api/token` with `x-aws-ec2-metadata-token-ttl-seconds: 21600` → a session token. A 403, 404 or
///    405, or no answer in time, falls back to IMDSv1 (no token) unless ``v1Disabled``; a 400 gives up.
/// 2. `GET /latest/meta-data/iam/security-credentials/` (with `x-aws-ec2-metadata-token`) → the role name.
/// 3. `GET /latest/meta-data/iam/security-credentials/<role>` → the credentials document.
///
/// Each request has ``timeout`` and is tried ``attempts`` times (botocore's defaults: 1 s, 1 attempt). Wrap the
/// provider in a ``CachingCredentialsProvider``.
public struct InstanceMetadataCredentialsProvider: AWSCredentialsProvider {
    /// The token lifetime asked for, in seconds (botocore: 21600, six hours).
    public static let tokenTTLSeconds = 21_600

    /// The service's base URL (`http://169.254.169.254/`, or `AWS_EC2_METADATA_SERVICE_ENDPOINT`).
    public let endpoint: URL
    /// Never fall back to IMDSv1 (`AWS_EC2_METADATA_V1_DISABLED`).
    public let v1Disabled: Bool
    /// The limit for one request.
    public let timeout: Duration
    /// Tries per request.
    public let attempts: Int

    private let transport: any HTTPTransport

    /// Creates a provider.
    ///
    /// - Parameters:
    ///   - endpoint: The metadata service's base URL.
    ///   - v1Disabled: Never fall back to IMDSv1; false by default.
    ///   - transport: The HTTP transport.
    ///   - timeout: The limit for one request; 1 second by default.
    ///   - attempts: Tries per request; 1 by default.
    public init(
        endpoint: URL = URL(string: "http://169.254.169.254/")!,
        v1Disabled: Bool = false,
        transport: any HTTPTransport,
        timeout: Duration = .seconds(1),
        attempts: Int = 1
    ) {
        self.endpoint = endpoint
        self.v1Disabled = v1Disabled
        self.transport = transport
        self.timeout = timeout
        self.attempts = max(1, attempts)
    }

    /// Fetches the instance role's credentials.
    public func credentials() async throws(AWSCredentialsError) -> AWSCredentials {
        let token = try await sessionToken()
        let listing = try await get("/latest/meta-data/iam/security-credentials/", token: token)
        guard
            let role = String(decoding: listing, as: UTF8.self).split(whereSeparator: \.isNewline).first
                .map({ $0.trimmingCharacters(in: .whitespaces) }), !role.isEmpty
        else {
            throw AWSCredentialsError(
                .refused,
                "the instance metadata service lists no IAM role: attach an instance profile"
            )
        }
        let document = try await get("/latest/meta-data/iam/security-credentials/\(role)", token: token)
        return try TemporaryCredentialsDocument.credentials(from: document, source: "the instance metadata service")
    }

    /// The IMDSv2 session token, or `nil` to go on with IMDSv1.
    private func sessionToken() async throws(AWSCredentialsError) -> String? {
        let request = HTTPRequest(
            method: "PUT",
            url: url("/latest/api/token"),
            headers: [
                "x-aws-ec2-metadata-token-ttl-seconds": String(Self.tokenTTLSeconds),
                "User-Agent": ServiceCatalogClient.userAgent,
            ],
            timeout: timeout
        )
        let fallback: String
        let response: HTTPResponse?
        do throws(HTTPTransportError) {
            response = try await send(request)
        } catch {
            guard case .timedOut = error else {
                throw AWSCredentialsError(.unavailable, "the instance metadata service could not be reached: \(error)")
            }
            response = nil
        }
        switch response?.status {
        case nil:
            fallback = "no answer in time"
        case 200?:
            let token = String(decoding: response!.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else {
                throw AWSCredentialsError(.refused, "the instance metadata service answered an empty token")
            }
            return token
        case let status? where status == 403 || status == 404 || status == 405:
            fallback = "HTTP \(status)"
        case 400?:
            throw AWSCredentialsError(.refused, "the instance metadata service refused the token request (HTTP 400)")
        case let status?:
            throw AWSCredentialsError(
                status >= 500 ? .unavailable : .refused,
                "the instance metadata service answered the token request with HTTP \(status)"
            )
        }
        guard !v1Disabled else {
            throw AWSCredentialsError(
                .refused,
                "the instance metadata service gave no IMDSv2 token (\(fallback)) and IMDSv1 is disabled "
                    + "(AWS_EC2_METADATA_V1_DISABLED)"
            )
        }
        return nil
    }

    /// GETs a metadata path, with the token when there is one.
    private func get(_ path: String, token: String?) async throws(AWSCredentialsError) -> Data {
        var headers: HTTPHeaders = ["User-Agent": ServiceCatalogClient.userAgent]
        if let token {
            headers["x-aws-ec2-metadata-token"] = token
        }
        let request = HTTPRequest(method: "GET", url: url(path), headers: headers, timeout: timeout)
        let response: HTTPResponse
        do throws(HTTPTransportError) {
            response = try await send(request)
        } catch {
            throw AWSCredentialsError(.unavailable, "the instance metadata service could not be reached: \(error)")
        }
        switch response.status {
        case 200 where !response.body.isEmpty:
            return response.body
        case 404:
            throw AWSCredentialsError(.refused, "the instance metadata service has no IAM role credentials (HTTP 404)")
        case 401:
            throw AWSCredentialsError(.refused, "the instance metadata service refused the session token (HTTP 401)")
        default:
            throw AWSCredentialsError(
                response.status >= 500 || response.status == 200 ? .unavailable : .refused,
                "the instance metadata service answered \(path) with HTTP \(response.status)"
                    + (response.body.isEmpty ? " and no body" : "")
            )
        }
    }

    /// Sends with up to ``attempts`` tries; a 5xx or an empty 200 is tried again.
    private func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        var attempt = 1
        while true {
            do throws(HTTPTransportError) {
                let response = try await transport.send(request)
                if attempt < attempts, response.status >= 500 || (response.status == 200 && response.body.isEmpty) {
                    attempt += 1
                    continue
                }
                return response
            } catch {
                guard attempt < attempts else { throw error }
                attempt += 1
            }
        }
    }

    private func url(_ path: String) -> URL {
        var base = endpoint.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return URL(string: base + path)!
    }
}
