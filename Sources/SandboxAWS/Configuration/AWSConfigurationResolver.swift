public import Foundation

/// Resolves region, endpoint, credential source and retry settings from environment variables and the shared AWS
/// files, following botocore 1.43.11 (see `docs` in the reference, §5). Pure: no network, and files only through
/// the ``AWSFileReader``.
///
/// Files: `AWS_CONFIG_FILE` (default `~/.aws/config`) and `AWS_SHARED_CREDENTIALS_FILE` (default
/// `~/.aws/credentials`); `~` and `$VAR` in them are expanded with this environment. Profile: `AWS_DEFAULT_PROFILE`,
/// then `AWS_PROFILE`, else `default`. An empty environment variable counts as unset.
///
/// Where sandboxd deliberately differs from botocore:
/// - `AWS_REGION` is honoured (before `AWS_DEFAULT_REGION`), as in every other SDK; botocore reads only the latter.
/// - SSO, `aws login`, `credential_process` and `mfa_serial` are errors, not silently skipped.
/// - A shared file that exists but cannot be read is an error (Python's `configparser` ignores it).
/// - Instance-metadata settings are only checked when the chain reaches instance metadata.
public struct AWSConfigurationResolver: Sendable {
    /// The service-specific endpoint variable for Service Catalog (service id `Service Catalog`).
    public static let serviceEndpointVariable = "AWS_ENDPOINT_URL_SERVICE_CATALOG"
    /// The key of Service Catalog's block in a `[services NAME]` section.
    static let servicesSectionKey = "service_catalog"

    /// The environment variables to read.
    public var environment: [String: String]
    /// How to read the shared files.
    public var fileReader: AWSFileReader

    /// Creates a resolver.
    ///
    /// - Parameters:
    ///   - environment: The environment variables, by default the process's.
    ///   - fileReader: How to read the shared files, by default from disk.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        fileReader: AWSFileReader = .fileSystem
    ) {
        self.environment = environment
        self.fileReader = fileReader
    }

    // MARK: - Resolving

    /// Resolves everything, reading the files once.
    ///
    /// - Returns: The configuration.
    /// - Throws: ``AWSConfigurationError`` when something required is missing (region, credentials) or malformed.
    public func resolve() throws(AWSConfigurationError) -> AWSConfiguration {
        let shared = try loadSharedConfiguration()
        guard let region = try region(in: shared) else {
            throw AWSConfigurationError(
                .missingRegion,
                "no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION, or region in the AWS_PROFILE's config)"
            )
        }
        return AWSConfiguration(
            profileName: profileName,
            region: region,
            endpoint: try endpoint(region: region, in: shared),
            credentialSource: try credentialSource(in: shared),
            retry: try retryConfiguration(in: shared)
        )
    }

    /// The region: `AWS_REGION`, `AWS_DEFAULT_REGION`, then `region` in the profile.
    ///
    /// - Returns: The region as configured, or `nil` if none is set.
    /// - Throws: ``AWSConfigurationError/Code/invalidRegion`` for a value that is not a host label; file errors.
    public func resolveRegion() throws(AWSConfigurationError) -> String? {
        try region(in: loadSharedConfiguration())
    }

    /// The credential source, in botocore's chain order (see ``AWSCredentialSource``).
    ///
    /// - Returns: The first source that applies.
    /// - Throws: ``AWSConfigurationError/Code/noCredentials`` when nothing applies (only possible with
    ///   `AWS_EC2_METADATA_DISABLED=true`), or an error for a source that is configured wrongly.
    public func resolveCredentialSource() throws(AWSConfigurationError) -> AWSCredentialSource {
        try credentialSource(in: loadSharedConfiguration())
    }

    /// The endpoint for a region: a configured endpoint URL, else the partition's hostname.
    ///
    /// - Parameter region: The configured region (FIPS pseudo-regions allowed).
    /// - Returns: The URL and the signing region.
    public func resolveEndpoint(region: String) throws(AWSConfigurationError) -> AWSEndpoint {
        try endpoint(region: region, in: loadSharedConfiguration())
    }

    /// The retry settings: `AWS_RETRY_MODE` / `retry_mode` and `AWS_MAX_ATTEMPTS` / `max_attempts`.
    public func resolveRetryConfiguration() throws(AWSConfigurationError) -> AWSRetryConfiguration {
        try retryConfiguration(in: loadSharedConfiguration())
    }

    // MARK: - Profile and files

    /// The profile in use: `AWS_DEFAULT_PROFILE`, then `AWS_PROFILE` (botocore checks them in that order), else
    /// `default`.
    public var profileName: String {
        profileVariable.map { environment[$0]! } ?? "default"
    }

    /// The variable that chose the profile, if one did.
    var profileVariable: String? {
        ["AWS_DEFAULT_PROFILE", "AWS_PROFILE"].first { value($0) != nil }
    }

    /// `AWS_CONFIG_FILE` or `~/.aws/config`, expanded.
    public var configFilePath: String {
        expandPath(value("AWS_CONFIG_FILE") ?? "~/.aws/config")
    }

    /// `AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials`, expanded.
    public var credentialsFilePath: String {
        expandPath(value("AWS_SHARED_CREDENTIALS_FILE") ?? "~/.aws/credentials")
    }

    /// Reads and combines both files; a profile chosen by `AWS_PROFILE` must exist in one of them (botocore's
    /// `ProfileNotFound`).
    func loadSharedConfiguration() throws(AWSConfigurationError) -> AWSSharedConfiguration {
        let configPath = configFilePath
        let credentialsPath = credentialsFilePath
        let shared = AWSSharedConfiguration(
            configFile: try parseFile(at: configPath),
            configFilePath: configPath,
            credentialsFile: try parseFile(at: credentialsPath),
            credentialsFilePath: credentialsPath
        )
        if let variable = profileVariable, shared.profiles[profileName] == nil {
            let name = profileName
            let configHeader = name == "default" ? "[default]" : "[profile \(name)]"
            throw AWSConfigurationError(
                .profileNotFound,
                "\(variable)=\(name) names a profile that is in neither \(configPath) (\(configHeader)) nor "
                    + "\(credentialsPath) ([\(name)]): add it, or unset \(variable)"
            )
        }
        return shared
    }

    private func parseFile(at path: String) throws(AWSConfigurationError) -> AWSINIFile? {
        let text: String?
        do {
            text = try fileReader.contents(ofFile: path)
        } catch let error as AWSConfigurationError {
            throw error
        } catch {
            throw AWSConfigurationError(
                .unreadableFile,
                "cannot read \(path): \(error.localizedDescription); fix its permissions or point "
                    + "\(path == credentialsFilePath ? "AWS_SHARED_CREDENTIALS_FILE" : "AWS_CONFIG_FILE") elsewhere",
                cause: error
            )
        }
        return try text.map { text throws(AWSConfigurationError) in try AWSINIFile(parsing: text, path: path) }
    }

    // MARK: - Region

    func region(in shared: AWSSharedConfiguration) throws(AWSConfigurationError) -> String? {
        guard
            let setting = setting(environment: ["AWS_REGION", "AWS_DEFAULT_REGION"], profileKey: "region", in: shared)
        else { return nil }
        guard Self.isValidRegion(setting.value) else {
            throw AWSConfigurationError(
                .invalidRegion,
                "\(setting.origin) is \"\(setting.value)\", which is not a region name: use one like us-east-1"
            )
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

    // MARK: - Retry

    func retryConfiguration(in shared: AWSSharedConfiguration) throws(AWSConfigurationError) -> AWSRetryConfiguration {
        var retry = AWSRetryConfiguration()
        if let setting = setting(environment: ["AWS_RETRY_MODE"], profileKey: "retry_mode", in: shared) {
            guard let mode = AWSRetryConfiguration.Mode(rawValue: setting.value) else {
                throw AWSConfigurationError(
                    .invalidValue,
                    "\(setting.origin) is \"\(setting.value)\": use standard, adaptive or legacy"
                )
            }
            retry.mode = mode
        }
        retry.maxAttempts = try integer(
            environment: "AWS_MAX_ATTEMPTS",
            profileKey: "max_attempts",
            in: shared,
            minimum: 1,
            meaning: "a whole number of attempts, at least 1"
        )
        return retry
    }

    // MARK: - Settings

    /// A setting's value and where it came from, for error messages.
    struct Setting {
        var value: String
        var origin: String
    }

    /// A non-empty environment variable.
    func value(_ variable: String) -> String? {
        guard let value = environment[variable], !value.isEmpty else { return nil }
        return value
    }

    /// The first set environment variable, else the key in the (merged) profile; empty values count as unset.
    func setting(environment variables: [String], profileKey: String?, in shared: AWSSharedConfiguration) -> Setting? {
        for variable in variables {
            if let value = value(variable) { return Setting(value: value, origin: variable) }
        }
        if let profileKey, let value = shared.profile(profileName).string(profileKey), !value.isEmpty {
            return Setting(value: value, origin: "\(profileKey) in profile \(profileName)")
        }
        return nil
    }

    /// botocore's `ensure_boolean`: true only for `true` in any case.
    func boolean(environment variable: String, profileKey: String, in shared: AWSSharedConfiguration) -> Bool {
        setting(environment: [variable], profileKey: profileKey, in: shared)?.value.lowercased() == "true"
    }

    /// An integer setting, checked against a minimum.
    func integer(
        environment variable: String,
        profileKey: String,
        in shared: AWSSharedConfiguration,
        minimum: Int,
        meaning: String
    ) throws(AWSConfigurationError) -> Int? {
        guard let setting = setting(environment: [variable], profileKey: profileKey, in: shared) else { return nil }
        guard let number = Int(setting.value.trimmingPythonWhitespace()), number >= minimum else {
            throw AWSConfigurationError(.invalidValue, "\(setting.origin) is \"\(setting.value)\": use \(meaning)")
        }
        return number
    }

    // MARK: - Paths

    /// Python's `os.path.expanduser(os.path.expandvars(path))`: `$NAME` and `${NAME}` from this environment
    /// (unknown names are left as they are), then a leading `~` or `~/` becomes `$HOME`.
    func expandPath(_ path: String) -> String {
        func isNameCharacter(_ character: Character) -> Bool {
            character.isASCII && (character.isLetter || character.isNumber || character == "_")
        }
        var expanded = ""
        var index = path.startIndex
        while index < path.endIndex {
            let character = path[index]
            let next = path.index(after: index)
            guard character == "$" else {
                expanded.append(character)
                index = next
                continue
            }
            let name: Substring
            let end: String.Index
            if next < path.endIndex, path[next] == "{", let close = path[next...].firstIndex(of: "}") {
                name = path[path.index(after: next)..<close]
                end = path.index(after: close)
            } else {
                end = path[next...].firstIndex { !isNameCharacter($0) } ?? path.endIndex
                name = path[next..<end]
            }
            if !name.isEmpty, let value = environment[String(name)] {
                expanded += value
                index = end
            } else {
                expanded.append("$")
                index = next
            }
        }
        guard expanded == "~" || expanded.hasPrefix("~/") else { return expanded }
        var home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        while home.hasSuffix("/") { home.removeLast() }
        let result = home + expanded.dropFirst()
        return result.isEmpty ? "/" : result
    }
}
