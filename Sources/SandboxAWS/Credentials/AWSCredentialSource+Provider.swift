import Foundation
import SandboxHTTP

extension AWSCredentialSource {
    /// The provider that fetches this source's credentials over HTTP when it must, cached and refreshed before they
    /// expire.
    ///
    /// | Source | Provider |
    /// | --- | --- |
    /// | environment, shared credentials file, config file | ``StaticCredentialsProvider`` |
    /// | assume role | ``AssumeRoleCredentialsProvider`` over the source profile's provider, cached |
    /// | web identity | ``WebIdentityCredentialsProvider``, cached |
    /// | container | ``ContainerCredentialsProvider``, cached |
    /// | instance metadata | ``InstanceMetadataCredentialsProvider``, cached |
    ///
    /// - Parameters:
    ///   - sts: The STS client for assume-role and web identity.
    ///   - transport: The HTTP transport.
    ///   - now: The clock of the caches.
    /// - Returns: The provider.
    func makeProvider(
        sts: STSClient,
        transport: any HTTPTransport,
        now: @escaping @Sendable () -> Date
    )
        -> any AWSCredentialsProvider
    {
        switch self {
        case .environment(let credentials), .sharedCredentialsFile(let credentials, _, _),
            .configFile(let credentials, _, _):
            return StaticCredentialsProvider(credentials)
        case .assumeRole(let role):
            let source = role.source.makeProvider(sts: sts, transport: transport, now: now)
            return CachingCredentialsProvider(
                AssumeRoleCredentialsProvider(
                    roleArn: role.roleArn,
                    sessionName: role.roleSessionName,
                    externalId: role.externalId,
                    durationSeconds: role.durationSeconds,
                    source: source,
                    sts: sts
                ),
                now: now
            )
        case .webIdentity(let identity):
            return CachingCredentialsProvider(
                WebIdentityCredentialsProvider(
                    tokenFile: identity.tokenFile,
                    roleArn: identity.roleArn,
                    sessionName: identity.roleSessionName,
                    sts: sts
                ),
                now: now
            )
        case .container(let container):
            let authorization: ContainerCredentialsProvider.Authorization =
                switch container.authorization {
                case .none: .none
                case .token(let token): .token(token)
                case .tokenFile(let path): .tokenFile(path)
                }
            return CachingCredentialsProvider(
                ContainerCredentialsProvider(url: container.url, authorization: authorization, transport: transport),
                now: now
            )
        case .instanceMetadata(let metadata):
            return CachingCredentialsProvider(
                InstanceMetadataCredentialsProvider(
                    endpoint: metadata.endpoint,
                    v1Disabled: metadata.v1Disabled,
                    transport: transport,
                    timeout: .seconds(max(1, metadata.timeoutSeconds)),
                    attempts: metadata.attempts
                ),
                now: now
            )
        }
    }
}
