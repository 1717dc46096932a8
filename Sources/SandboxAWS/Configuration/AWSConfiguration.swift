/// Everything sandboxd needs to talk to Service Catalog, resolved from the environment and the shared files by
/// ``AWSConfigurationResolver/resolve()``.
public struct AWSConfiguration: Sendable, Hashable {
    /// The profile used (`AWS_DEFAULT_PROFILE`, `AWS_PROFILE`, else `default`).
    public var profileName: String
    /// The region as configured (it may be a FIPS pseudo-region such as `us-east-1-fips`; sign with
    /// ``AWSEndpoint/signingRegion``).
    public var region: String
    /// The endpoint and signing region.
    public var endpoint: AWSEndpoint
    /// Where credentials come from.
    public var credentialSource: AWSCredentialSource
    /// Retry settings, if any were given.
    public var retry: AWSRetryConfiguration

    /// Creates a configuration.
    public init(
        profileName: String,
        region: String,
        endpoint: AWSEndpoint,
        credentialSource: AWSCredentialSource,
        retry: AWSRetryConfiguration
    ) {
        self.profileName = profileName
        self.region = region
        self.endpoint = endpoint
        self.credentialSource = credentialSource
        self.retry = retry
    }
}
