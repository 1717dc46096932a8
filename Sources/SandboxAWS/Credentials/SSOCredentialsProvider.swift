import Foundation
import SandboxHTTP

/// Gets an IAM Identity Center (SSO) role's credentials from the portal's `GetRoleCredentials`, with the token that
/// `aws sso login` left in the AWS CLI's cache (botocore's `SSOCredentialFetcher`).
///
/// - The cache file, `~/.aws/sso/cache/<sha1 hex of the session name or start URL>.json`, holds `accessToken` and
///   `expiresAt`; it is read again at every fetch, so a new login is used without a restart.
/// - `GET {portal}/federation/credentials?account_id=…&role_name=…` with the token in `x-amz-sso_bearer_token`,
///   unsigned; the answer is `{"roleCredentials": {"accessKeyId", "secretAccessKey", "sessionToken",
///   "expiration": epoch milliseconds}}`.
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

    /// The cached token, unless it is missing, unreadable or expired: for start-up, one line saying what to run.
    func checkToken() throws(AWSConfigurationError) {
        do throws(AWSCredentialsError) {
            _ = try accessToken()
        } catch {
            throw AWSConfigurationError(.ssoLoginRequired, error.message)
        }
    }

    func accessToken() throws(AWSCredentialsError) -> String {
        struct CachedToken: Decodable {
            var accessToken: String
            var expiresAt: String
        }
        let text: String?
        do {
            text = try fileReader.contents(tokenCache)
        } catch {
            throw .refused("cannot read the SSO token cache \(tokenCache) for profile \(profile): fix it, or \(advice)")
        }
        guard let text else {
            throw .refused("the SSO session for profile \(profile) has not started (no \(tokenCache)): \(advice)")
        }
        // The AWS CLI v1 wrote `2019-11-14T04:05:45UTC`.
        guard let token = try? JSONDecoder().decode(CachedToken.self, from: Data(text.utf8)),
            let expiry = AWSTimestamp.parseISO8601(token.expiresAt.replacingOccurrences(of: "UTC", with: "Z"))
        else {
            throw .refused("the SSO token cache \(tokenCache) for profile \(profile) is not valid: \(advice)")
        }
        guard expiry > now() else {
            throw .refused("the SSO session for profile \(profile) has expired: \(advice)")
        }
        return token.accessToken
    }

    func credentials() async throws(AWSCredentialsError) -> AWSCredentials {
        let token = try accessToken()
        let query = [("account_id", accountId), ("role_name", roleName)]
            .map { "\($0)=\(SigV4Signer.percentEncode($1, keeping: ""))" }.joined(separator: "&")
        let url = URL(string: portal.appending(path: "federation/credentials").absoluteString + "?" + query)!
        let headers: HTTPHeaders = ["x-amz-sso_bearer_token": token, "User-Agent": ServiceCatalogClient.userAgent]
        let call = "SSO GetRoleCredentials for profile \(profile) (account \(accountId), role \(roleName))"
        let response: HTTPResponse
        do throws(AWSCallError) {
            response = try await AWSRetryingSender(transport: transport, policy: retryPolicy, quota: AWSRetryQuota())
                .send(
                    safeToRepeat: true,
                    makeRequest: { _, _ in HTTPRequest(method: "GET", url: url, headers: headers) },
                    classify: Self.classify
                )
        } catch {
            guard case .response(let envelope) = error else { throw STSCredentialsProvider.failure(error, call) }
            let status = envelope.response.status
            // rest-json names the error in a header: `UnauthorizedException:http://internal.amazon.com/…`.
            let code = envelope.response.headers["x-amzn-ErrorType"]?.split(separator: ":").first ?? "\(status)"
            guard status != 401, status != 403 else {
                throw .refused(
                    "the SSO session for profile \(profile) has expired or was revoked (\(call): HTTP \(status) \(code)): \(advice)"
                )
            }
            let message = "\(call) failed: HTTP \(status) \(code): \(AWSErrorResponse(json: envelope.response).message)"
            throw AWSCredentialsError(status >= 500 || status == 429 ? .unavailable : .refused, message)
        }
        let role =
            ((try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any])?["roleCredentials"]
            as? [String: Any]
        guard let accessKeyId = role?["accessKeyId"] as? String, let secret = role?["secretAccessKey"] as? String,
            !accessKeyId.isEmpty, !secret.isEmpty
        else {
            throw .refused("\(call) answered without credentials")
        }
        let expiration = (role?["expiration"] as? NSNumber).map { Date(timeIntervalSince1970: $0.doubleValue / 1000) }
        return AWSCredentials(
            accessKeyId: accessKeyId,
            secretAccessKey: secret,
            sessionToken: role?["sessionToken"] as? String,
            expiration: expiration
        )
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

/// SHA-1, only to name the token cache file as botocore does (`hashlib.sha1(name).hexdigest()`): not for security.
enum SHA1 {
    static func hexDigest(of message: [UInt8]) -> String {
        var state: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        var bytes = message + [0x80]
        while bytes.count % 64 != 56 { bytes.append(0) }
        bytes += withUnsafeBytes(of: (UInt64(message.count) * 8).bigEndian, Array.init)
        for chunk in stride(from: 0, to: bytes.count, by: 64) {
            var words = (0..<16).map {
                bytes[chunk + 4 * $0..<chunk + 4 * $0 + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            }
            for index in 16..<80 {
                words.append(rotate(words[index - 3] ^ words[index - 8] ^ words[index - 14] ^ words[index - 16], by: 1))
            }
            var (a, b, c, d, e) = (state[0], state[1], state[2], state[3], state[4])
            for index in 0..<80 {
                let (mixed, constant): (UInt32, UInt32) =
                    switch index {
                    case 0..<20: ((b & c) | (~b & d), 0x5A82_7999)
                    case 20..<40: (b ^ c ^ d, 0x6ED9_EBA1)
                    case 40..<60: ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                    default: (b ^ c ^ d, 0xCA62_C1D6)
                    }
                let next = rotate(a, by: 5) &+ mixed &+ e &+ constant &+ words[index]
                (e, d, c, b, a) = (d, c, rotate(b, by: 30), a, next)
            }
            state = zip(state, [a, b, c, d, e]).map { $0 &+ $1 }
        }
        return state.map { word in (0..<8).map { String((word >> (28 - 4 * $0)) & 0xF, radix: 16) }.joined() }.joined()
    }

    private static func rotate(_ word: UInt32, by count: UInt32) -> UInt32 {
        word << count | word >> (32 - count)
    }
}
