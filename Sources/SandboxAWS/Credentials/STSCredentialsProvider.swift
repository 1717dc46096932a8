import Foundation
import SandboxHTTP

/// A role's credentials from the AWS Security Token Service, over the query protocol with XML answers:
///
/// - `AssumeRole`, SigV4-signed (service `sts`) with credentials from another provider: how the control-plane
///   account reaches the sandbox account (`role_arn` with `source_profile` or `credential_source`);
/// - `AssumeRoleWithWebIdentity`, unsigned, with a token (EKS IRSA, GitHub Actions OIDC, …) read from its file at
///   every fetch, since the platform rotates it.
///
/// Both are `POST /` with `Content-Type: application/x-www-form-urlencoded; charset=utf-8` and a body
/// `Action=…&Version=2011-06-15&…`, exactly as botocore sends them. Throttling, 5xx, timeouts and dropped
/// connections are retried (asking for credentials again is harmless).
struct STSCredentialsProvider: AWSCredentialsProvider {
    enum Proof: Sendable {
        /// `AssumeRole`, signed with these credentials (cached, when they are fetched).
        case signedBy(any AWSCredentialsProvider)
        /// `AssumeRoleWithWebIdentity` with the token in this file.
        case webIdentityTokenFile(String)
    }

    var roleArn: String
    var proof: Proof
    var endpoint: AWSEndpoint
    var transport: any HTTPTransport
    var retryPolicy = AWSRetryPolicy()
    /// Like botocore's `botocore-session-<epoch seconds>`.
    var sessionName = "sandboxd-\(Int(Date().timeIntervalSince1970))"
    var externalId: String?
    /// The role's default when `nil`.
    var durationSeconds: Int?

    func credentials() async throws(AWSConfigurationError) -> AWSCredentials {
        var form = [("Version", "2011-06-15"), ("RoleArn", roleArn), ("RoleSessionName", sessionName)]
        if let durationSeconds { form.append(("DurationSeconds", String(durationSeconds))) }
        var signing: AWSCredentials?
        let action: String
        switch proof {
        case .signedBy(let source):
            (action, signing) = ("AssumeRole", try await source.credentials())
            if let externalId { form.append(("ExternalId", externalId)) }
        case .webIdentityTokenFile(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .refused("cannot read the web identity token file \(path) (AWS_WEB_IDENTITY_TOKEN_FILE)")
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw .refused("the web identity token file \(path) is empty") }
            (action, signing) = ("AssumeRoleWithWebIdentity", nil)
            form.append(("WebIdentityToken", token))
        }
        let response = try await send(
            [("Action", action)] + form,
            signedWith: signing,
            call: "STS \(action) for \(roleArn)"
        )
        let xml = AWSXMLElement.parse(response.body)?.child("\(action)Result")?.child("Credentials")
        let document = TemporaryCredentialsDocument(
            accessKeyId: xml?.child("AccessKeyId")?.text,
            secretAccessKey: xml?.child("SecretAccessKey")?.text,
            sessionToken: xml?.child("SessionToken")?.text,
            expiration: xml?.child("Expiration").map { .iso8601($0.text) }
        )
        return try document.credentials(source: "STS \(action) for \(roleArn)")
    }

    private func send(
        _ form: [(String, String)],
        signedWith credentials: AWSCredentials?,
        call: String
    ) async throws(AWSConfigurationError) -> HTTPResponse {
        // `application/x-www-form-urlencoded` with every byte but `A-Za-z0-9-_.~` percent-encoded.
        let body = Array(
            form.map { "\(SigV4Signer.percentEncode($0, keeping: ""))=\(SigV4Signer.percentEncode($1, keeping: ""))" }
                .joined(separator: "&").utf8
        )
        let url = endpoint.url.path.isEmpty ? endpoint.url.appendingPathComponent("") : endpoint.url
        let signer = SigV4Signer(region: endpoint.signingRegion, service: "sts")
        return try await AWSRetryingSender.credentialsCall(
            call,
            transport: transport,
            policy: retryPolicy,
            makeRequest: {
                let headers = [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]
                let request = SigV4Request(method: "POST", url: url, headers: headers, body: body)
                return signer.httpRequest(request, signedWith: credentials, date: Date())
            },
            classify: Self.classify,
            refusal: { response in
                let decoded = AWSErrorResponse(xml: response)
                return AWSConfigurationError(
                    Self.classify(response) == .final ? .credentialsRefused : .credentialsUnavailable,
                    "\(call) failed: \(decoded.code): \(decoded.message)"
                        + (decoded.requestId.map { " (request id \($0))" } ?? "")
                )
            }
        )
    }

    /// `IDPCommunicationError` (web identity) is transient too, as in botocore's STS retry rules.
    static func classify(_ response: HTTPResponse) -> AWSRetryingSender.Classification {
        if (200...299).contains(response.status) { return .success }
        let error = AWSErrorResponse(xml: response)
        return error.code == "IDPCommunicationError" ? .transient : error.classification
    }
}
