import Foundation
import SandboxHTTP

/// Gets an IAM Identity Center (SSO) role's credentials from the portal's `GetRoleCredentials`, with the token that
/// `aws sso login` left in the AWS CLI's cache (botocore's `SSOCredentialFetcher`).
///
/// - The cache file, `~/.aws/sso/cache/<sha1 hex of the session name or start URL>.json`, holds `accessToken` and
///   `expiresAt`; it is read again at every fetch, so a new login is used without a restart.
/// - `GET {portal}/federation/credentials?account_id=…&role_name=…` with the token in `x-amz-sso_bearer_token`,
///   unsigned; the answer is `{"roleCredentials": {…}}` (``TemporaryCredentialsDocument``).
/// - sandboxd never refreshes the token itself (the OIDC `CreateToken` call): a missing or expired token, or a 401
///   or 403 from the portal, is reported with "run aws sso login --profile NAME".
struct SSOCredentialsProvider: AWSCredentialsProvider {
    let profile: String
    let accountId: String
    let roleName: String
    /// The token cache file.
    let tokenCache: String
    let portal: URL
    let fileReader: AWSFileReader
    let transport: any HTTPTransport
    let retryPolicy: AWSRetryPolicy
    /// The clock the token's expiry is compared with.
    let now: @Sendable () -> Date

    private var advice: String { "run aws sso login --profile \(profile)" }

    /// The cached token; missing, unreadable or expired, one line saying what to run (also asked at start-up).
    func accessToken() throws(AWSConfigurationError) -> String {
        struct CachedToken: Decodable {
            var accessToken: String
            var expiresAt: String
        }
        func loginRequired(_ problem: String) -> AWSConfigurationError {
            AWSConfigurationError(.ssoLoginRequired, "\(problem): \(advice)")
        }
        let text: String?
        do {
            text = try fileReader.contents(tokenCache)
        } catch {
            throw AWSConfigurationError(
                .ssoLoginRequired,
                "cannot read the SSO token cache \(tokenCache) for profile \(profile): fix it, or \(advice)"
            )
        }
        guard let text else {
            throw loginRequired("the SSO session for profile \(profile) has not started (no \(tokenCache))")
        }
        // The AWS CLI v1 wrote `2019-11-14T04:05:45UTC`.
        guard let token = try? JSONDecoder().decode(CachedToken.self, from: Data(text.utf8)),
            let expiry = AWSTimestamp.parseISO8601(token.expiresAt.replacingOccurrences(of: "UTC", with: "Z"))
        else {
            throw loginRequired("the SSO token cache \(tokenCache) for profile \(profile) is not valid")
        }
        guard expiry > now() else { throw loginRequired("the SSO session for profile \(profile) has expired") }
        return token.accessToken
    }

    func credentials() async throws(AWSConfigurationError) -> AWSCredentials {
        struct Answer: Decodable { var roleCredentials: TemporaryCredentialsDocument }
        let token = try accessToken()
        let query = [("account_id", accountId), ("role_name", roleName)]
            .map { "\($0)=\(SigV4Signer.percentEncode($1, keeping: ""))" }.joined(separator: "&")
        let url = URL(string: portal.appending(path: "federation/credentials").absoluteString + "?" + query)!
        let headers: HTTPHeaders = ["x-amz-sso_bearer_token": token, "User-Agent": ServiceCatalogClient.userAgent]
        let call = "SSO GetRoleCredentials for profile \(profile) (account \(accountId), role \(roleName))"
        let response = try await AWSRetryingSender.credentialsCall(
            call,
            transport: transport,
            policy: retryPolicy,
            makeRequest: { HTTPRequest(method: "GET", url: url, headers: headers) },
            classify: Self.classify,
            refusal: { response in
                let status = response.status
                // rest-json names the error in a header: `UnauthorizedException:http://internal.amazon.com/…`.
                let code = response.headers["x-amzn-ErrorType"]?.split(separator: ":").first ?? "\(status)"
                guard status != 401, status != 403 else {
                    let session = "the SSO session for profile \(profile)"
                    return .refused(
                        "\(session) has expired or was revoked (\(call): HTTP \(status) \(code)): \(advice)"
                    )
                }
                let message = "\(call) failed: HTTP \(status) \(code): \(AWSErrorResponse(json: response).message)"
                return AWSConfigurationError(
                    status >= 500 || status == 429 ? .credentialsUnavailable : .credentialsRefused,
                    message
                )
            }
        )
        guard let answer = TemporaryCredentialsDocument.decode(Answer.self, from: response.body) else {
            throw .refused("\(call) answered without credentials")
        }
        return try answer.roleCredentials.credentials(source: call)
    }

    static func classify(_ response: HTTPResponse) -> AWSRetryingSender.Classification {
        switch response.status {
        case 200...299: .success
        case 429: .throttled
        case 500...: .transient
        default: .final
        }
    }
}
