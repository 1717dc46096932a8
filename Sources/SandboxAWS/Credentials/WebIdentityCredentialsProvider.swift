import Foundation

/// Exchanges a web identity token (EKS IRSA, GitHub Actions OIDC, …) for role credentials with STS
/// `AssumeRoleWithWebIdentity`.
///
/// The token file is read again at every fetch, since the platform rotates it. Wrap the provider in a
/// ``CachingCredentialsProvider``.
public struct WebIdentityCredentialsProvider: AWSCredentialsProvider {
    /// The file holding the token (`AWS_WEB_IDENTITY_TOKEN_FILE`).
    public let tokenFile: String
    /// The role to assume (`AWS_ROLE_ARN`).
    public let roleArn: String
    /// The role session name (`AWS_ROLE_SESSION_NAME`).
    public let sessionName: String

    private let sts: STSClient

    /// Creates a provider.
    ///
    /// - Parameters:
    ///   - tokenFile: The file holding the token.
    ///   - roleArn: The role to assume.
    ///   - sessionName: The role session name; `sandboxd-<epoch seconds>` by default.
    ///   - sts: The STS client.
    public init(tokenFile: String, roleArn: String, sessionName: String? = nil, sts: STSClient) {
        self.tokenFile = tokenFile
        self.roleArn = roleArn
        self.sessionName = sessionName ?? AssumeRoleCredentialsProvider.defaultSessionName()
        self.sts = sts
    }

    /// Reads the token and assumes the role.
    public func credentials() async throws(AWSCredentialsError) -> AWSCredentials {
        guard let data = FileManager.default.contents(atPath: tokenFile) else {
            throw AWSCredentialsError(
                .refused,
                "cannot read the web identity token file \(tokenFile) (AWS_WEB_IDENTITY_TOKEN_FILE)"
            )
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw AWSCredentialsError(.refused, "the web identity token file \(tokenFile) is empty")
        }
        return try await sts.assumeRoleWithWebIdentity(
            roleArn: roleArn,
            sessionName: sessionName,
            webIdentityToken: token
        )
    }
}
