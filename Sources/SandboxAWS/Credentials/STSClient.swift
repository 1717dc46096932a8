import Foundation
import SandboxHTTP

/// The two AWS Security Token Service calls sandboxd needs, over the query protocol with XML answers.
///
/// - `AssumeRole`: SigV4-signed (service `sts`) with the caller's credentials.
/// - `AssumeRoleWithWebIdentity`: unsigned; the web identity token is the proof.
///
/// Both are `POST /` with `Content-Type: application/x-www-form-urlencoded; charset=utf-8` and a body
/// `Action=…&Version=2011-06-15&…`, exactly as botocore sends them. Throttling, 5xx, timeouts and dropped
/// connections are retried (asking for credentials again is harmless).
struct STSClient: Sendable {
    let endpoint: URL
    /// The signing region.
    let region: String
    private let sender: AWSRetryingSender
    private let signer: SigV4Signer
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - endpoint: The STS endpoint; `AWSConfigurationResolver` resolves it as it does Service Catalog's.
    ///   - now: The clock used for signing.
    init(
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

    /// `AssumeRole`, signed with `credentials`.
    func assumeRole(
        roleArn: String,
        sessionName: String,
        externalId: String? = nil,
        durationSeconds: Int? = nil,
        credentials: AWSCredentials
    ) async throws(AWSCredentialsError) -> AWSCredentials {
        var parameters = [("RoleArn", roleArn), ("RoleSessionName", sessionName)]
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        if let externalId { parameters.append(("ExternalId", externalId)) }
        return try await call("AssumeRole", parameters, signingWith: credentials)
    }

    /// `AssumeRoleWithWebIdentity`, unsigned.
    func assumeRoleWithWebIdentity(
        roleArn: String,
        sessionName: String,
        webIdentityToken: String
    ) async throws(AWSCredentialsError) -> AWSCredentials {
        let parameters = [
            ("RoleArn", roleArn), ("RoleSessionName", sessionName), ("WebIdentityToken", webIdentityToken),
        ]
        return try await call("AssumeRoleWithWebIdentity", parameters, signingWith: nil)
    }

    private func call(
        _ action: String,
        _ parameters: [(String, String)],
        signingWith credentials: AWSCredentials?
    ) async throws(AWSCredentialsError) -> AWSCredentials {
        let form = [("Action", action), ("Version", "2011-06-15")] + parameters
        // `application/x-www-form-urlencoded` with every byte but `A-Za-z0-9-_.~` percent-encoded.
        let body = Array(
            form.map { "\(SigV4Signer.percentEncode($0, keeping: ""))=\(SigV4Signer.percentEncode($1, keeping: ""))" }
                .joined(separator: "&").utf8
        )
        let url = endpoint.path.isEmpty ? endpoint.appendingPathComponent("") : endpoint
        let call = "STS \(action) for \(parameters[0].1)"
        let response: HTTPResponse
        do throws(AWSCallError) {
            response = try await sender.send(
                safeToRepeat: true,
                makeRequest: { (_, _) throws(AWSCallError) -> HTTPRequest in
                    var headers = [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]
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
            throw Self.credentialsError(error, call: call, endpoint: endpoint)
        }
        guard let xml = AWSXMLElement.parse(response.body)?.child("\(action)Result")?.child("Credentials"),
            let accessKeyId = xml.child("AccessKeyId")?.text, !accessKeyId.isEmpty,
            let secret = xml.child("SecretAccessKey")?.text, !secret.isEmpty
        else {
            throw .refused("\(call) answered without credentials")
        }
        return AWSCredentials(
            accessKeyId: accessKeyId,
            secretAccessKey: secret,
            sessionToken: xml.child("SessionToken")?.text,
            expiration: xml.child("Expiration").flatMap { AWSTimestamp.parseISO8601($0.text) }
        )
    }

    static func classify(_ response: HTTPResponse) -> AWSRetryingSender.Classification {
        if (200...299).contains(response.status) { return .success }
        let error = AWSErrorResponse(xml: response)
        if AWSErrorCodes.throttling.contains(error.code) { return .throttled }
        let transient = AWSErrorCodes.isTransient(code: error.code, status: response.status)
        return transient || error.code == "IDPCommunicationError" ? .transient : .final
    }

    static func credentialsError(_ error: AWSCallError, call: String, endpoint: URL) -> AWSCredentialsError {
        switch error {
        case .response(let envelope):
            let decoded = AWSErrorResponse(xml: envelope.response)
            return AWSCredentialsError(
                classify(envelope.response) == .final ? .refused : .unavailable,
                "\(call) failed: \(decoded.code): \(decoded.message)"
                    + (decoded.requestId.map { " (request id \($0))" } ?? "")
            )
        case .transport(let failure, let attempts):
            let at = ContainerCredentialsProvider.redacted(endpoint)
            return .unavailable("\(call) at \(at) failed after \(attempts) attempt(s): \(failure)")
        case .credentials(let failure):
            return failure
        case .invalidRequest(let message):
            return .refused(message)
        }
    }
}

/// Assumes an IAM role with STS `AssumeRole`, signed with credentials from another provider: how the control-plane
/// account reaches the sandbox account (`role_arn` with `source_profile` or `credential_source`).
struct AssumeRoleCredentialsProvider: AWSCredentialsProvider {
    var roleArn: String
    /// Like botocore's `botocore-session-<epoch seconds>`.
    var sessionName = "sandboxd-\(Int(Date().timeIntervalSince1970))"
    var externalId: String?
    /// The role's default when `nil`.
    var durationSeconds: Int?
    /// Where the credentials that sign `AssumeRole` come from (cached when it fetches).
    var source: any AWSCredentialsProvider
    var sts: STSClient

    func credentials() async throws(AWSCredentialsError) -> AWSCredentials {
        let signing = try await source.credentials()
        return try await sts.assumeRole(
            roleArn: roleArn,
            sessionName: sessionName,
            externalId: externalId,
            durationSeconds: durationSeconds,
            credentials: signing
        )
    }
}

/// Exchanges a web identity token (EKS IRSA, GitHub Actions OIDC, …) for role credentials with STS
/// `AssumeRoleWithWebIdentity`. The token file is read again at every fetch, since the platform rotates it.
struct WebIdentityCredentialsProvider: AWSCredentialsProvider {
    var tokenFile: String
    var roleArn: String
    var sessionName = "sandboxd-\(Int(Date().timeIntervalSince1970))"
    var sts: STSClient

    func credentials() async throws(AWSCredentialsError) -> AWSCredentials {
        guard let data = FileManager.default.contents(atPath: tokenFile) else {
            throw .refused("cannot read the web identity token file \(tokenFile) (AWS_WEB_IDENTITY_TOKEN_FILE)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw .refused("the web identity token file \(tokenFile) is empty") }
        return try await sts.assumeRoleWithWebIdentity(
            roleArn: roleArn,
            sessionName: sessionName,
            webIdentityToken: token
        )
    }
}
