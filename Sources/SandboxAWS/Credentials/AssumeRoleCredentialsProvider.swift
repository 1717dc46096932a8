import Foundation

/// Assumes an IAM role with STS `AssumeRole`, signing the call with credentials from another provider.
///
/// This is how the control-plane account reaches the sandbox account: a profile with `role_arn` and
/// `source_profile` (or `credential_source`). Wrap it in a ``CachingCredentialsProvider``; the source provider
/// should be cached too when it fetches.
public struct AssumeRoleCredentialsProvider: AWSCredentialsProvider {
    /// The role to assume.
    public let roleArn: String
    /// The role session name.
    public let sessionName: String
    /// The external id, if the role's trust policy asks for one.
    public let externalId: String?
    /// The credentials' lifetime, if not the role's default.
    public let durationSeconds: Int?

    private let source: any AWSCredentialsProvider
    private let sts: STSClient

    /// Creates a provider.
    ///
    /// - Parameters:
    ///   - roleArn: The role to assume.
    ///   - sessionName: The role session name; `sandboxd-<epoch seconds>` by default.
    ///   - externalId: The external id, if any.
    ///   - durationSeconds: The credentials' lifetime, if not the role's default.
    ///   - source: Where the credentials that sign `AssumeRole` come from.
    ///   - sts: The STS client.
    public init(
        roleArn: String,
        sessionName: String? = nil,
        externalId: String? = nil,
        durationSeconds: Int? = nil,
        source: any AWSCredentialsProvider,
        sts: STSClient
    ) {
        self.roleArn = roleArn
        self.sessionName = sessionName ?? Self.defaultSessionName()
        self.externalId = externalId
        self.durationSeconds = durationSeconds
        self.source = source
        self.sts = sts
    }

    /// Assumes the role.
    public func credentials() async throws(AWSCredentialsError) -> AWSCredentials {
        let signing = try await source.credentials()
        return try await sts.assumeRole(
            roleArn: roleArn,
            sessionName: sessionName,
            externalId: externalId,
            durationSeconds: durationSeconds,
            credentials: signing
        )
    }

    /// `sandboxd-<epoch seconds>`, like botocore's `botocore-session-<epoch seconds>`.
    static func defaultSessionName() -> String {
        "sandboxd-\(Int(Date().timeIntervalSince1970))"
    }
}
