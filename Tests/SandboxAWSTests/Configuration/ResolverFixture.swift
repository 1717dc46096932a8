import Foundation

@testable import SandboxAWS

/// A resolver over an in-memory home directory: `HOME=/home/test`, files at the default paths.
func makeResolver(
    _ environment: [String: String] = [:],
    config: String? = nil,
    credentials: String? = nil,
    otherFiles: [String: String] = [:],
    now: @escaping @Sendable () -> Date = { Date() }
) -> AWSConfigurationResolver {
    var files = otherFiles
    files["/home/test/.aws/config"] = config
    files["/home/test/.aws/credentials"] = credentials
    var environment = environment
    environment["HOME"] = environment["HOME"] ?? "/home/test"
    return AWSConfigurationResolver(
        environment: environment,
        fileReader: .inMemory(files),
        transport: sharedTransport,
        retryPolicy: testRetryPolicy(),
        now: now
    )
}

extension AWSConfigurationResolver {
    func resolveRegion() throws -> String? {
        try region(in: loadSettings())
    }

    func resolveEndpoint(_ service: AWSService = .serviceCatalog, region: String) throws -> AWSEndpoint {
        try loadSettings().endpoint(for: service, region: region)
    }

    /// The chain alone; STS's region is the configured one, else us-east-1.
    func resolveCredentials() throws -> ResolvedCredentials {
        let settings = try loadSettings()
        let region = try self.region(in: settings) ?? "us-east-1"
        return try CredentialChain(resolver: self, settings: settings, region: region, retryPolicy: testRetryPolicy())
            .resolve()
    }
}

/// The provider that fetches, from behind its cache.
func uncached(_ provider: any AWSCredentialsProvider) -> any AWSCredentialsProvider {
    (provider as? CachingCredentialsProvider)?.source ?? provider
}

/// Runs `body` and returns the configuration error it threw, if any.
func configurationError<T>(_ body: () throws -> T) -> AWSConfigurationError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? AWSConfigurationError
    }
}
