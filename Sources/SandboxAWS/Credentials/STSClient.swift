public import Foundation
public import SandboxHTTP

/// The two AWS Security Token Service calls sandboxd needs, over the query protocol with XML answers.
///
/// - `AssumeRole`: SigV4-signed (service `sts`) with the caller's credentials.
/// - `AssumeRoleWithWebIdentity`: unsigned; the web identity token is the proof.
///
/// Both are `POST /` with `Content-Type: application/x-www-form-urlencoded; charset=utf-8` and a body
/// `Action=…&Version=2011-06-15&…`, exactly as botocore sends them. Throttling, 5xx, timeouts and dropped
/// connections are retried (asking for credentials again is harmless).
public struct STSClient: Sendable {
    /// The STS API version.
    public static let apiVersion = "2011-06-15"

    /// Where requests go.
    public let endpoint: URL
    /// The signing region.
    public let region: String

    private let sender: AWSRetryingSender
    private let signer: SigV4Signer
    private let now: @Sendable () -> Date

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - endpoint: The STS endpoint (see ``endpoint(region:environment:)``).
    ///   - region: The signing region.
    ///   - transport: The HTTP transport.
    ///   - retryPolicy: How calls are retried.
    ///   - now: The clock used for signing.
    public init(
        endpoint: URL,
        region: String,
        transport: any HTTPTransport,
        retryPolicy: AWSRetryPolicy = AWSRetryPolicy(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.endpoint = endpoint
        self.region = region
        sender = AWSRetryingSender(transport: transport, policy: retryPolicy, quota: AWSRetryQuota())
        signer = SigV4Signer(region: region, service: "sts")
        self.now = now
    }

    /// The STS endpoint for a region: `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`, else the regional
    /// `https://sts.<region>.amazonaws.com` (`.amazonaws.com.cn` in China).
    ///
    /// - Parameters:
    ///   - region: The signing region.
    ///   - environment: The process environment.
    /// - Returns: The endpoint, or `nil` if an override is not an absolute http(s) URL.
    public static func endpoint(region: String, environment: [String: String]) -> URL? {
        let ignore = environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true"
        for variable in ["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"] where !ignore {
            if let value = environment[variable], !value.isEmpty {
                guard let url = URL(string: value), let scheme = url.scheme?.lowercased(),
                    scheme == "http" || scheme == "https", url.host != nil
                else { return nil }
                return url
            }
        }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return URL(string: "https://sts.\(region).\(suffix)")
    }

    /// Calls `AssumeRole`.
    ///
    /// - Parameters:
    ///   - roleArn: The role to assume.
    ///   - sessionName: The role session name (2–64 characters of `[\w+=,.@-]`).
    ///   - externalId: The external id the role's trust policy asks for, if any.
    ///   - durationSeconds: The credentials' lifetime, if not the role's default.
    ///   - credentials: The credentials to sign the call with.
    /// - Returns: The role's temporary credentials.
    public func assumeRole(
        roleArn: String,
        sessionName: String,
        externalId: String? = nil,
        durationSeconds: Int? = nil,
        credentials: AWSCredentials
    ) async throws(AWSCredentialsError) -> AWSCredentials {
        var parameters = [
            ("Action", "AssumeRole"), ("Version", Self.apiVersion), ("RoleArn", roleArn),
            ("RoleSessionName", sessionName),
        ]
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        if let externalId { parameters.append(("ExternalId", externalId)) }
        return try await call("AssumeRole", parameters: parameters, roleArn: roleArn, signingWith: credentials)
    }

    /// Calls `AssumeRoleWithWebIdentity` (unsigned).
    ///
    /// - Parameters:
    ///   - roleArn: The role to assume.
    ///   - sessionName: The role session name.
    ///   - webIdentityToken: The OIDC token (never logged).
    ///   - durationSeconds: The credentials' lifetime, if not the role's default.
    /// - Returns: The role's temporary credentials.
    public func assumeRoleWithWebIdentity(
        roleArn: String,
        sessionName: String,
        webIdentityToken: String,
        durationSeconds: Int? = nil
    ) async throws(AWSCredentialsError) -> AWSCredentials {
        var parameters = [
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", Self.apiVersion), ("RoleArn", roleArn),
            ("RoleSessionName", sessionName), ("WebIdentityToken", webIdentityToken),
        ]
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        return try await call("AssumeRoleWithWebIdentity", parameters: parameters, roleArn: roleArn, signingWith: nil)
    }

    private func call(
        _ action: String,
        parameters: [(String, String)],
        roleArn: String,
        signingWith credentials: AWSCredentials?
    ) async throws(AWSCredentialsError) -> AWSCredentials {
        let body = Array(Self.formEncode(parameters).utf8)
        var url = endpoint
        if url.path.isEmpty { url = url.appendingPathComponent("") }
        let response: HTTPResponse
        do throws(AWSCallError) {
            response = try await sender.send(
                safeToRepeat: true,
                makeRequest: { (_, _) throws(AWSCallError) -> HTTPRequest in
                    var headers: [(String, String)] = [
                        ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                    ]
                    if let credentials {
                        var signable = SigV4Request(method: "POST", url: url, headers: headers, body: body)
                        signer.sign(&signable, credentials: credentials, date: now())
                        headers = signable.headers
                    }
                    var httpHeaders = HTTPHeaders(headers.map { (name: $0.0, value: $0.1) })
                    httpHeaders["User-Agent"] = ServiceCatalogClient.userAgent
                    return HTTPRequest(method: "POST", url: url, headers: httpHeaders, body: Data(body))
                },
                classify: Self.classify
            )
        } catch {
            throw Self.credentialsError(error, action: action, roleArn: roleArn, endpoint: endpoint)
        }
        guard let root = AWSXMLElement.parse(response.body),
            let result = root.child("\(action)Result"), let xml = result.child("Credentials"),
            let accessKeyId = xml.child("AccessKeyId")?.text, !accessKeyId.isEmpty,
            let secret = xml.child("SecretAccessKey")?.text, !secret.isEmpty
        else {
            throw AWSCredentialsError(.refused, "STS \(action) for \(roleArn) answered without credentials")
        }
        let expiration = xml.child("Expiration").flatMap { AWSTimestamp.parseISO8601($0.text) }
        return AWSCredentials(
            accessKeyId: accessKeyId,
            secretAccessKey: secret,
            sessionToken: xml.child("SessionToken")?.text,
            expiration: expiration
        )
    }

    /// What an STS response means for retrying.
    static func classify(_ response: HTTPResponse) -> AWSRetryingSender.Classification {
        if (200...299).contains(response.status) { return .success }
        let error = AWSErrorResponse(xml: response)
        if AWSErrorCodes.throttling.contains(error.code) { return .throttled }
        if AWSErrorCodes.isTransient(code: error.code, status: response.status)
            || error.code == "IDPCommunicationError"
        {
            return .transient
        }
        return .final
    }

    static func credentialsError(
        _ error: AWSCallError,
        action: String,
        roleArn: String,
        endpoint: URL
    )
        -> AWSCredentialsError
    {
        switch error {
        case .response(let envelope):
            let decoded = AWSErrorResponse(xml: envelope.response)
            let retryable = classify(envelope.response)
            return AWSCredentialsError(
                retryable == .final ? .refused : .unavailable,
                "STS \(action) for \(roleArn) failed: \(decoded.code): \(decoded.message)"
                    + (decoded.requestId.map { " (request id \($0))" } ?? "")
            )
        case .transport(let failure, let attempts):
            return AWSCredentialsError(
                .unavailable,
                "STS \(action) at \(ContainerCredentialsProvider.redacted(endpoint)) failed after \(attempts) "
                    + "attempt(s): \(failure)"
            )
        case .credentials(let failure):
            return failure
        case .invalidRequest(let message):
            return AWSCredentialsError(.refused, message)
        }
    }

    /// `application/x-www-form-urlencoded` with every byte but `A-Za-z0-9-_.~` percent-encoded.
    static func formEncode(_ parameters: [(String, String)]) -> String {
        parameters.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
    }

    static func percentEncode(_ text: String) -> String {
        SigV4Signer.percentEncode(text, keeping: "")
    }
}
