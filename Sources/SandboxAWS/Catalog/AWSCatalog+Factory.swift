import Foundation
public import SandboxHTTP
import SandboxCore

extension AWSCatalog {
    /// Builds the adapter from the environment and the shared AWS files, the way the AWS SDKs do, and fails fast
    /// with one line saying what to set when the region or credentials are missing.
    ///
    /// - Region: `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`.
    /// - Endpoint: `AWS_ENDPOINT_URL_SERVICE_CATALOG`, `AWS_ENDPOINT_URL`, the config file's `services` section or
    ///   the profile's `endpoint_url`, else `https://servicecatalog.<region>.amazonaws.com` (`.amazonaws.com.cn` in
    ///   China). STS (for assume-role and web identity) uses `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, else
    ///   `https://sts.<region>.amazonaws.com`.
    /// - Credentials: environment, assume-role profile, web identity, shared credentials file, config file,
    ///   container endpoint, instance metadata (see ``AWSCredentialSource``). When nothing else is configured the
    ///   chain ends at instance metadata; that one is asked once here (a second or two at most), so a machine that
    ///   is not on EC2 gets "no AWS credentials" at start-up instead of an error every pass.
    /// - Retries: `AWS_MAX_ATTEMPTS` / `max_attempts` (1–10) sets the attempts; the backoff inside one call stays
    ///   within a few seconds whatever the mode.
    ///
    /// Nothing is changed in AWS; credentials fetched over the network later (STS, container) are fetched on first
    /// use, and their failures are reported by the calls that needed them.
    ///
    /// - Parameters:
    ///   - environment: The process environment.
    ///   - poolName: The pool's name, which becomes the `sandboxd:pool` tag value; it must be a valid tag value.
    ///   - fileReader: How to read the shared files; from disk by default.
    ///   - transport: The HTTP transport; a new ``URLSessionTransport`` by default.
    ///   - retryPolicy: Overrides the retry policy (tests pass one that does not sleep).
    /// - Returns: The adapter.
    /// - Throws: ``AWSConfigurationError`` with one line saying what is wrong and what to set.
    public static func fromEnvironment(
        _ environment: [String: String],
        poolName: String,
        fileReader: AWSFileReader = .fileSystem,
        transport: any HTTPTransport = URLSessionTransport(),
        retryPolicy: AWSRetryPolicy? = nil
    ) async throws(AWSConfigurationError) -> AWSCatalog {
        let poolProblems = ModelConstraints.tags("pool name", [ServiceCatalog.Tag(key: TagKey.pool, value: poolName)])
        guard poolProblems.isEmpty else {
            throw AWSConfigurationError(
                .invalidValue,
                "the pool name \"\(poolName)\" cannot be the value of the sandboxd:pool tag: use 1–256 letters, "
                    + "digits, spaces and _.:/=+-@ (--pool-name or SANDBOXD_POOL)"
            )
        }
        let configuration = try AWSConfigurationResolver(environment: environment, fileReader: fileReader).resolve()
        let region = configuration.endpoint.signingRegion
        var policy = retryPolicy ?? AWSRetryPolicy()
        if retryPolicy == nil, let attempts = configuration.retry.maxAttempts {
            policy.maxAttempts = min(max(attempts, 1), 10)
        }
        guard let stsEndpoint = STSClient.endpoint(region: region, environment: environment) else {
            throw AWSConfigurationError(
                .invalidEndpoint,
                "AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL is not an absolute http(s) URL: fix it or unset it"
            )
        }
        let sts = STSClient(endpoint: stsEndpoint, region: region, transport: transport, retryPolicy: policy)
        let provider = configuration.credentialSource.makeProvider(sts: sts, transport: transport, now: { Date() })
        if case .instanceMetadata(let metadata) = configuration.credentialSource {
            do throws(AWSCredentialsError) {
                _ = try await provider.credentials()
            } catch {
                throw AWSConfigurationError(
                    .noCredentials,
                    "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE naming a "
                        + "profile with credentials, or run on EC2 with an instance role (instance metadata at "
                        + "\(metadata.endpoint.absoluteString): \(error.message))"
                )
            }
        }
        let client = ServiceCatalogClient(
            endpoint: configuration.endpoint.url,
            region: region,
            credentials: provider,
            transport: transport,
            retryPolicy: policy
        )
        let summary =
            "AWS Service Catalog at \(configuration.endpoint.url.absoluteString) (region \(region), endpoint from "
            + "\(configuration.endpoint.origin)), pool \(poolName), credentials from \(configuration.credentialSource)"
        return AWSCatalog(client: client, summary: summary)
    }
}
