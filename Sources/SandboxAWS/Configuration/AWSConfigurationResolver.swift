import Foundation
import SandboxHTTP

/// Everything sandboxd needs to talk to Service Catalog.
struct AWSConfiguration: Sendable {
    var profileName: String
    /// As configured: maybe a FIPS pseudo-region (`us-east-1-fips`); sign with ``AWSEndpoint/signingRegion``.
    var region: String
    var endpoint: AWSEndpoint
    var retryPolicy: AWSRetryPolicy
    var credentials: ResolvedCredentials
}

/// Resolves region, endpoints, credentials and retry settings from environment variables and the shared AWS files,
/// following botocore 1.43.11. No network: the providers it builds fetch on first use.
///
/// Files: `AWS_CONFIG_FILE` (default `~/.aws/config`) and `AWS_SHARED_CREDENTIALS_FILE` (default
/// `~/.aws/credentials`); `~` and `$VAR` in them are expanded with this environment. Profile: `AWS_DEFAULT_PROFILE`,
/// then `AWS_PROFILE`, else `default`. An empty environment variable counts as unset.
///
/// Where sandboxd deliberately differs from botocore:
/// - `AWS_REGION` is honoured (before `AWS_DEFAULT_REGION`), as in every other SDK; botocore reads only the latter.
/// - `aws login` and `mfa_serial` are errors, not silently skipped; an SSO token is never refreshed here.
/// - A shared file that exists but cannot be read is an error (Python's `configparser` ignores it).
/// - Instance-metadata settings are only checked when the chain reaches instance metadata.
struct AWSConfigurationResolver: Sendable {
    var environment: [String: String]
    var fileReader = AWSFileReader.fileSystem
    /// Carries the providers' STS, SSO, container and instance metadata calls.
    var transport: any HTTPTransport
    /// Replaces the default retry policy (tests pass one that does not sleep).
    var retryPolicy: AWSRetryPolicy?
    /// The credential caches' clock, and the SSO token expiry's.
    var now: @Sendable () -> Date = { Date() }

    /// Resolves everything, reading the files once. The retry policy is the resolver's, else the default one with
    /// `AWS_MAX_ATTEMPTS` / `max_attempts` (at most 10).
    func resolve() throws(AWSConfigurationError) -> AWSConfiguration {
        let settings = try loadSettings()
        let region = try region(in: settings)
        var chain = CredentialChain(
            resolver: self,
            settings: settings,
            region: region ?? "us-east-1",
            retryPolicy: retryPolicy ?? AWSRetryPolicy()
        )
        guard let region else {
            // The credentials are looked for too, so one run names both (docs/behaviour.md §4.6): with a stand-in
            // region, since the providers make no call while they are built.
            let missing = AWSConfigurationError(
                .missingRegion,
                "no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION, or region in the AWS_PROFILE's config)"
            )
            do { _ = try chain.resolve() } catch { throw missing.adding(error) }
            throw missing
        }
        let attempts = try settings.integer("max_attempts", meaning: "a whole number of attempts")
        if retryPolicy == nil, let attempts { chain.retryPolicy.maxAttempts = min(attempts, 10) }
        return AWSConfiguration(
            profileName: settings.profileName,
            region: region,
            endpoint: try settings.endpoint(for: .serviceCatalog, region: region),
            retryPolicy: chain.retryPolicy,
            credentials: try chain.resolve()
        )
    }

    /// `AWS_DEFAULT_PROFILE`, then `AWS_PROFILE` (botocore checks them in that order), else `default`.
    var profileVariable: String? { ["AWS_DEFAULT_PROFILE", "AWS_PROFILE"].first { environment[$0]?.isEmpty == false } }

    /// Reads and combines both files; a profile chosen by `AWS_PROFILE` must exist in one of them (botocore's
    /// `ProfileNotFound`).
    func loadSettings() throws(AWSConfigurationError) -> AWSSettings {
        let settings = AWSSettings(
            environment: environment,
            profileName: profileVariable.map { environment[$0]! } ?? "default",
            configFile: try sharedFile("AWS_CONFIG_FILE", else: "~/.aws/config"),
            credentialsFile: try sharedFile("AWS_SHARED_CREDENTIALS_FILE", else: "~/.aws/credentials")
        )
        let name = settings.profileName
        if let variable = profileVariable, settings.profiles[name] == nil {
            let header = name == "default" ? "[default]" : "[profile \(name)]"
            throw AWSConfigurationError(
                .profileNotFound,
                "\(variable)=\(name) names a profile that is in neither \(settings.configFilePath) (\(header)) nor "
                    + "\(settings.credentialsFilePath) ([\(name)]): add it, or unset \(variable)"
            )
        }
        return settings
    }

    /// The shared file at `variable`'s path, else at `fallback`, expanded; one that does not exist has no sections.
    private func sharedFile(_ variable: String, else fallback: String) throws(AWSConfigurationError) -> AWSINIFile {
        let path = expandPath(environment[variable].nonEmpty ?? fallback)
        let text: String?
        do {
            text = try fileReader.contents(path)
        } catch let error as AWSConfigurationError {
            throw error
        } catch {
            throw AWSConfigurationError(
                .unreadableFile,
                "cannot read \(path): \(error.localizedDescription); fix its permissions or point \(variable) "
                    + "elsewhere",
                cause: error
            )
        }
        guard let text else { return AWSINIFile(path: path) }
        return try AWSINIFile(parsing: text, path: path)
    }

    /// `AWS_REGION`, `AWS_DEFAULT_REGION`, then `region` in the profile; `nil` if none is set.
    func region(in settings: AWSSettings) throws(AWSConfigurationError) -> String? {
        guard let setting = settings.setting("region", variables: ["AWS_REGION", "AWS_DEFAULT_REGION"]) else {
            return nil
        }
        guard Self.isValidRegion(setting.value) else {
            throw setting.invalid(", which is not a region name: use one like us-east-1", .invalidRegion)
        }
        return setting.value
    }

    /// botocore's `validate_region_name`: a host label (letters, digits, `-`; ≤ 63; not all digits; no `-` at
    /// either end).
    static func isValidRegion(_ region: String) -> Bool {
        !region.isEmpty && region.count <= 63 && !region.hasPrefix("-") && !region.hasSuffix("-")
            && region.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            && !region.allSatisfy(\.isNumber)
    }

    /// Python's `os.path.expanduser(os.path.expandvars(path))`: `$NAME` and `${NAME}` (`\$(\w+|\{[^}]*\})`, ASCII)
    /// from this environment, unknown names left as they are; then a leading `~` or `~/` becomes `$HOME`.
    func expandPath(_ path: String) -> String {
        let expanded = path.replacing(#/\$([A-Za-z0-9_]+|\{[^}]*\})/#) { match in
            let name = match.1.hasPrefix("{") ? match.1.dropFirst().dropLast() : match.1
            return environment[String(name)] ?? String(match.0)
        }
        guard expanded == "~" || expanded.hasPrefix("~/") else { return expanded }
        var home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        while home.hasSuffix("/") { home.removeLast() }
        let result = home + expanded.dropFirst()
        return result.isEmpty ? "/" : result
    }
}

extension Collection {
    /// `nil` when empty: an empty variable or key counts as unset, and an empty list is left out of a request.
    var nonEmpty: Self? { isEmpty ? nil : self }
}

extension Optional where Wrapped: Collection {
    var nonEmpty: Wrapped? { self?.nonEmpty }
}
