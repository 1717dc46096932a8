import Foundation
public import SandboxHTTP
import SandboxCore

extension AWSCatalog {
    /// Builds the adapter from the environment and the shared AWS files, the way the AWS SDKs do
    /// (``AWSConfigurationResolver``), and fails fast with one line saying what to set when the region or
    /// credentials are missing.
    ///
    /// Two sources are asked here, once: instance metadata when the chain ends there (so a machine that is not on
    /// EC2 gets "no AWS credentials" now, not an error every pass), and an SSO profile's cached token (an expired one
    /// needs `aws sso login`). Other credentials are fetched on first use; the calls that needed them report failures.
    ///
    /// - Parameters:
    ///   - poolName: The `sandboxd:pool` tag value; it must be a valid tag value.
    ///   - fileReader: How to read the shared files and the SSO token cache.
    ///   - retryPolicy: Overrides the retry policy (tests pass one that does not sleep).
    public static func fromEnvironment(
        _ environment: [String: String],
        poolName: String,
        fileReader: AWSFileReader = .fileSystem,
        transport: any HTTPTransport = URLSessionTransport(),
        retryPolicy: AWSRetryPolicy? = nil
    ) async throws(AWSConfigurationError) -> AWSCatalog {
        guard ModelConstraints.isTagValue(poolName) else {
            throw AWSConfigurationError(
                .invalidValue,
                "the pool name \"\(poolName)\" cannot be the value of the sandboxd:pool tag: use 1–256 letters, "
                    + "digits, spaces and _.:/=+-@ (--pool-name or SANDBOXD_POOL)"
            )
        }
        let configuration = try AWSConfigurationResolver(
            environment: environment,
            fileReader: fileReader,
            transport: transport,
            retryPolicy: retryPolicy
        ).resolve()
        try await configuration.credentials.startupCheck?()
        let endpoint = configuration.endpoint
        let client = ServiceCatalogClient(
            endpoint: endpoint.url,
            region: endpoint.signingRegion,
            credentials: configuration.credentials.provider,
            transport: transport,
            retryPolicy: configuration.retryPolicy
        )
        let summary =
            "AWS Service Catalog at \(endpoint.url.absoluteString) (region \(endpoint.signingRegion), endpoint from "
            + "\(endpoint.origin)), pool \(poolName), credentials from \(configuration.credentials.description)"
        return AWSCatalog(client: client, summary: summary)
    }
}
