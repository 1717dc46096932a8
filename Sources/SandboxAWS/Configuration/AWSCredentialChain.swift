import Foundation
import Glibc

extension AWSConfigurationResolver {
    /// botocore's default chain; see ``AWSCredentialSource`` for the order.
    func credentialSource(in shared: AWSSharedConfiguration) throws(AWSConfigurationError) -> AWSCredentialSource {
        if let credentials = try environmentCredentials() {
            return .environment(credentials)
        }
        var chain = ProfileChain(resolver: self, shared: shared, visited: [profileName])
        if Self.hasAssumeRoleSettings(shared.profile(profileName)) {
            return try chain.assumeRole(profile: profileName)
        }
        if let source = try chain.profileSource(profile: profileName, useEnvironment: true) {
            return source
        }
        if let container = try containerEndpoint() {
            return .container(container)
        }
        if let metadata = try instanceMetadata(in: shared) {
            return .instanceMetadata(metadata)
        }
        throw AWSConfigurationError(
            .noCredentials,
            "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE naming a profile "
                + "with credentials in \(shared.credentialsFilePath) or \(shared.configFilePath), or unset "
                + "AWS_EC2_METADATA_DISABLED to use the instance role"
        )
    }

    /// `EnvProvider`: only when `AWS_ACCESS_KEY_ID` is set; then the secret is required.
    func environmentCredentials() throws(AWSConfigurationError) -> AWSCredentials? {
        guard let accessKeyId = value("AWS_ACCESS_KEY_ID") else { return nil }
        guard let secret = value("AWS_SECRET_ACCESS_KEY") else {
            throw AWSConfigurationError(
                .partialCredentials,
                "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or neither"
            )
        }
        var expiration: Date?
        if let text = value("AWS_CREDENTIAL_EXPIRATION") {
            guard let date = Self.parseTimestamp(text) else {
                throw AWSConfigurationError(
                    .invalidValue,
                    "AWS_CREDENTIAL_EXPIRATION is \"\(text)\": use an ISO 8601 time such as 2024-01-15T10:30:00Z"
                )
            }
            expiration = date
        }
        return AWSCredentials(
            accessKeyId: accessKeyId,
            secretAccessKey: secret,
            // botocore looks at the older name first.
            sessionToken: value("AWS_SECURITY_TOKEN") ?? value("AWS_SESSION_TOKEN"),
            expiration: expiration
        )
    }

    /// `role_arn` without `web_identity_token_file` (those profiles belong to web identity).
    static func hasAssumeRoleSettings(_ profile: AWSSharedConfiguration.Profile) -> Bool {
        profile["role_arn"] != nil && profile["web_identity_token_file"] == nil
    }

    static func hasStaticKeys(_ profile: AWSSharedConfiguration.Profile) -> Bool {
        profile["aws_access_key_id"] != nil || profile["aws_secret_access_key"] != nil
    }

    /// `ContainerProvider`: the relative URI wins over the full one.
    func containerEndpoint() throws(AWSConfigurationError) -> AWSCredentialSource.Container? {
        let url: URL
        if let relative = value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            guard let relativeURL = URL(string: "http://169.254.170.2\(relative)") else {
                throw AWSConfigurationError(
                    .invalidValue,
                    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is \"\(relative)\", which is not a URL path"
                )
            }
            url = relativeURL
        } else if let full = value("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            guard let fullURL = Self.validEndpointURL(full) else {
                throw AWSConfigurationError(
                    .invalidValue,
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI is \"\(full)\", which is not a URL"
                )
            }
            guard Self.isAllowedContainerURL(fullURL) else {
                throw AWSConfigurationError(
                    .invalidValue,
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI is \"\(full)\": use https, or http to a loopback address, "
                        + "169.254.170.2, 169.254.170.23, fd00:ec2::23 or localhost"
                )
            }
            url = fullURL
        } else {
            return nil
        }

        var authorization = AWSCredentialSource.Container.Authorization.none
        if let path = value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            authorization = .tokenFile(path)
        } else if let token = value("AWS_CONTAINER_AUTHORIZATION_TOKEN") {
            guard !token.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
                throw AWSConfigurationError(
                    .invalidValue,
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN contains a line break, which cannot go in a header: remove it"
                )
            }
            authorization = .token(token)
        }
        return AWSCredentialSource.Container(url: url, authorization: authorization)
    }

    /// `ContainerMetadataFetcher._validate_allowed_url`.
    static func isAllowedContainerURL(_ url: URL) -> Bool {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return false }
        if components.scheme?.lowercased() == "https" { return true }
        guard var host = components.host?.lowercased() else { return false }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost"].contains(host) || isLoopback(host)
    }

    /// `ipaddress.ip_address(host).is_loopback`: 127.0.0.0/8 or ::1.
    static func isLoopback(_ host: String) -> Bool {
        var ipv4 = in_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 {
            return UInt32(bigEndian: ipv4.s_addr) >> 24 == 127
        }
        var ipv6 = in6_addr()
        if inet_pton(AF_INET6, host, &ipv6) == 1 {
            return withUnsafeBytes(of: &ipv6) { bytes in bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1 }
        }
        return false
    }

    /// The instance metadata service, unless `AWS_EC2_METADATA_DISABLED` is `true` (any case; environment only).
    func instanceMetadata(
        in shared: AWSSharedConfiguration
    ) throws(AWSConfigurationError)
        -> AWSCredentialSource.InstanceMetadata?
    {
        guard value("AWS_EC2_METADATA_DISABLED")?.lowercased() != "true" else { return nil }

        var useIPv6 = false
        if let mode = setting(
            environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"],
            profileKey: "ec2_metadata_service_endpoint_mode",
            in: shared
        ) {
            switch mode.value.lowercased() {
            case "ipv4": useIPv6 = false
            case "ipv6": useIPv6 = true
            default:
                throw AWSConfigurationError(.invalidValue, "\(mode.origin) is \"\(mode.value)\": use IPv4 or IPv6")
            }
        } else {
            useIPv6 = boolean(environment: "AWS_IMDS_USE_IPV6", profileKey: "imds_use_ipv6", in: shared)
        }

        var endpoint = URL(string: useIPv6 ? "http://[fd00:ec2::254]/" : "http://169.254.169.254/")!
        if let custom = setting(
            environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT"],
            profileKey: "ec2_metadata_service_endpoint",
            in: shared
        ) {
            guard let url = Self.validEndpointURL(custom.value) else {
                throw AWSConfigurationError(
                    .invalidEndpoint,
                    "\(custom.origin) is \"\(custom.value)\", which is not a URL: use http://HOST[:PORT]/"
                )
            }
            endpoint = url
        }

        return AWSCredentialSource.InstanceMetadata(
            endpoint: endpoint,
            v1Disabled: boolean(
                environment: "AWS_EC2_METADATA_V1_DISABLED",
                profileKey: "ec2_metadata_v1_disabled",
                in: shared
            ),
            timeoutSeconds: try integer(
                environment: "AWS_METADATA_SERVICE_TIMEOUT",
                profileKey: "metadata_service_timeout",
                in: shared,
                minimum: 1,
                meaning: "a whole number of seconds, at least 1"
            ) ?? 1,
            attempts: try integer(
                environment: "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
                profileKey: "metadata_service_num_attempts",
                in: shared,
                minimum: 1,
                meaning: "a whole number of attempts, at least 1"
            ) ?? 1
        )
    }

    /// ISO 8601 with or without fractional seconds (`2024-01-15T10:30:00Z`, `…:00.123+00:00`).
    static func parseTimestamp(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: trimmed) { return date }
        formatter.formatOptions.insert(.withFractionalSeconds)
        return formatter.date(from: trimmed)
    }
}

/// The profile-based providers, which assume-role reuses for `source_profile` (botocore's `ProfileProviderBuilder`
/// plus `AssumeRoleProvider`), with the visited-profile list that detects `source_profile` loops.
struct ProfileChain {
    let resolver: AWSConfigurationResolver
    let shared: AWSSharedConfiguration
    var visited: [String]

    /// `web identity → (SSO) → shared credentials file → (login, process) → config file` for one profile.
    /// `useEnvironment` is false for source profiles: then web identity reads the profile only.
    func profileSource(
        profile name: String,
        useEnvironment: Bool
    ) throws(AWSConfigurationError)
        -> AWSCredentialSource?
    {
        let profile = shared.profile(name)
        if let identity = try webIdentity(profile: name, useEnvironment: useEnvironment) {
            return .webIdentity(identity)
        }
        if profile["sso_role_name"] != nil || profile["sso_account_id"] != nil {
            throw unsupported(profile: name, "uses AWS IAM Identity Center (sso_*)")
        }
        if let credentials = try staticKeys(
            in: shared.credentialsFileSections[name],
            profile: name,
            path: shared.credentialsFilePath
        ) {
            return .sharedCredentialsFile(credentials, profile: name, path: shared.credentialsFilePath)
        }
        if profile["login_session"] != nil {
            throw unsupported(profile: name, "uses aws login (login_session)")
        }
        if profile["credential_process"] != nil {
            throw unsupported(profile: name, "uses credential_process")
        }
        if let credentials = try staticKeys(
            in: shared.configFileProfiles[name],
            profile: name,
            path: shared.configFilePath
        ) {
            return .configFile(credentials, profile: name, path: shared.configFilePath)
        }
        return nil
    }

    /// `AssumeRoleWithWebIdentityProvider`: each key from its environment variable when allowed and set, else from
    /// the profile. Applies when a token file is found.
    func webIdentity(
        profile name: String,
        useEnvironment: Bool
    ) throws(AWSConfigurationError)
        -> AWSCredentialSource.WebIdentity?
    {
        let profile = shared.profile(name)
        func lookup(_ variable: String, _ key: String) -> (value: String, origin: String)? {
            if useEnvironment, let value = resolver.value(variable) { return (value, variable) }
            return profile.string(key).flatMap { $0.isEmpty ? nil : ($0, "\(key) in profile \(name)") }
        }
        guard let tokenFile = lookup("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file") else { return nil }
        guard let roleArn = lookup("AWS_ROLE_ARN", "role_arn") else {
            throw AWSConfigurationError(
                .invalidProfile,
                "\(tokenFile.origin) is set but no role is: set AWS_ROLE_ARN (or role_arn in profile \(name))"
            )
        }
        return AWSCredentialSource.WebIdentity(
            tokenFile: tokenFile.value,
            roleArn: roleArn.value,
            roleSessionName: lookup("AWS_ROLE_SESSION_NAME", "role_session_name")?.value
        )
    }

    /// `SharedCredentialProvider` / `ConfigProvider`: applies when `aws_access_key_id` is present; then the secret
    /// is required. `aws_security_token` is read before `aws_session_token`, as botocore does.
    func staticKeys(
        in section: AWSSharedConfiguration.Profile?,
        profile name: String,
        path: String
    )
        throws(AWSConfigurationError) -> AWSCredentials?
    {
        guard let section, let accessKeyId = section.string("aws_access_key_id") else { return nil }
        guard let secret = section.string("aws_secret_access_key") else {
            throw AWSConfigurationError(
                .partialCredentials,
                "profile \(name) in \(path) has aws_access_key_id but no aws_secret_access_key: add it"
            )
        }
        return AWSCredentials(
            accessKeyId: accessKeyId,
            secretAccessKey: secret,
            sessionToken: section.string("aws_security_token") ?? section.string("aws_session_token")
        )
    }

    /// `AssumeRoleProvider._load_creds_via_assume_role` for a profile with `role_arn`.
    mutating func assumeRole(profile name: String) throws(AWSConfigurationError) -> AWSCredentialSource {
        let profile = shared.profile(name)
        let roleArn = profile.string("role_arn") ?? ""
        if profile["mfa_serial"] != nil {
            throw unsupported(profile: name, "assumes a role with mfa_serial (a person must type a code)")
        }
        let sourceProfile = profile.string("source_profile")
        let credentialSource = profile.string("credential_source")

        let source: AWSCredentialSource
        switch (sourceProfile, credentialSource) {
        case (.some, .some):
            throw AWSConfigurationError(
                .invalidProfile,
                "profile \(name) has both source_profile and credential_source: keep one"
            )
        case (nil, nil):
            throw AWSConfigurationError(
                .invalidProfile,
                "profile \(name) has role_arn but neither source_profile nor credential_source: add one"
            )
        case (nil, .some(let sourceName)):
            source = try namedSource(sourceName, profile: name)
        case (.some(let sourceName), nil):
            try validateSourceProfile(sourceName, parent: name)
            visited.append(sourceName)
            let sourceSettings = shared.profile(sourceName)
            if AWSConfigurationResolver.hasStaticKeys(sourceSettings)
                || !AWSConfigurationResolver.hasAssumeRoleSettings(sourceSettings)
            {
                guard let found = try profileSource(profile: sourceName, useEnvironment: false) else {
                    throw AWSConfigurationError(
                        .invalidProfile,
                        "source_profile \(sourceName) of profile \(name) has no credentials: add "
                            + "aws_access_key_id and aws_secret_access_key to it"
                    )
                }
                source = found
            } else {
                source = try assumeRole(profile: sourceName)
            }
        }

        return .assumeRole(
            AWSCredentialSource.AssumeRole(
                profile: name,
                roleArn: roleArn,
                roleSessionName: profile.string("role_session_name"),
                externalId: profile.string("external_id"),
                durationSeconds: profile.string("duration_seconds").flatMap { Int($0.trimmingPythonWhitespace()) },
                source: source
            )
        )
    }

    /// `credential_source`: the exact names `Environment`, `EcsContainer`, `Ec2InstanceMetadata`, each of which must
    /// then be available.
    private func namedSource(
        _ sourceName: String,
        profile name: String
    ) throws(AWSConfigurationError)
        -> AWSCredentialSource
    {
        switch sourceName {
        case "Environment":
            guard let credentials = try resolver.environmentCredentials() else {
                throw AWSConfigurationError(
                    .noCredentials,
                    "profile \(name) has credential_source = Environment but AWS_ACCESS_KEY_ID is not set: "
                        + "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
                )
            }
            return .environment(credentials)
        case "EcsContainer":
            guard let container = try resolver.containerEndpoint() else {
                throw AWSConfigurationError(
                    .noCredentials,
                    "profile \(name) has credential_source = EcsContainer but neither "
                        + "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set"
                )
            }
            return .container(container)
        case "Ec2InstanceMetadata":
            guard let metadata = try resolver.instanceMetadata(in: shared) else {
                throw AWSConfigurationError(
                    .noCredentials,
                    "profile \(name) has credential_source = Ec2InstanceMetadata but AWS_EC2_METADATA_DISABLED "
                        + "is true: unset it"
                )
            }
            return .instanceMetadata(metadata)
        default:
            throw AWSConfigurationError(
                .invalidProfile,
                "profile \(name) has credential_source = \(sourceName): use Environment, EcsContainer or "
                    + "Ec2InstanceMetadata (spelled exactly so)"
            )
        }
    }

    /// `_validate_source_profile`: it must exist, and a profile seen before is a loop unless it is the profile
    /// itself holding static keys.
    private func validateSourceProfile(_ sourceName: String, parent: String) throws(AWSConfigurationError) {
        guard shared.profiles[sourceName] != nil else {
            throw AWSConfigurationError(
                .invalidProfile,
                "source_profile \(sourceName) of profile \(parent) does not exist in \(shared.configFilePath) or "
                    + "\(shared.credentialsFilePath): add it or fix the name"
            )
        }
        guard visited.contains(sourceName) else { return }
        if sourceName != parent || !AWSConfigurationResolver.hasStaticKeys(shared.profile(sourceName)) {
            throw AWSConfigurationError(
                .invalidProfile,
                "source_profile loop: \((visited + [sourceName]).joined(separator: " → ")); break the cycle"
            )
        }
    }

    private func unsupported(profile name: String, _ what: String) -> AWSConfigurationError {
        AWSConfigurationError(
            .unsupportedCredentialSource,
            "profile \(name) \(what), which sandboxd does not support: give the daemon static keys, an assume-role "
                + "profile, web identity, or an instance/container role instead"
        )
    }
}
