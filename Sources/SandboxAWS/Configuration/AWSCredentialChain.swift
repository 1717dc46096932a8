import Foundation

/// The credential provider the chain chose.
struct ResolvedCredentials: Sendable {
    /// Behind a cache when it fetches.
    var provider: any AWSCredentialsProvider
    /// Names the source for the start-up log, never a secret: `shared credentials file /root/.aws/credentials,
    /// profile dev (AKIA…)`.
    var description: String
    /// Asked once at start-up, so a setup that cannot work fails at once with one line rather than every pass:
    /// instance metadata (is there a role at all?) and SSO (is the login still valid?).
    var startupCheck: (@Sendable () async throws(AWSConfigurationError) -> Void)?
}

/// botocore's default chain (`credentials.create_credential_resolver`) and the providers it builds from the
/// configuration (`ProfileProviderBuilder`, `AssumeRoleProvider`); the first source that applies wins:
///
/// 1. environment keys (`AWS_ACCESS_KEY_ID`, …)
/// 2. assume role: the profile has `role_arn` (and no `web_identity_token_file`)
/// 3. web identity: `AWS_WEB_IDENTITY_TOKEN_FILE` or the profile's `web_identity_token_file`
/// 4. IAM Identity Center (SSO): `sso_account_id` / `sso_role_name`, with `sso_session` or the legacy keys
/// 5. static keys in the shared credentials file
/// 6. `credential_process` (after `aws login`, which is refused)
/// 7. static keys in the config file
/// 8. the container endpoint: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `…_FULL_URI`
/// 9. instance metadata, unless `AWS_EC2_METADATA_DISABLED=true`
struct CredentialChain {
    let resolver: AWSConfigurationResolver
    let settings: AWSSettings
    /// STS's.
    let region: String
    /// For the STS and SSO portal calls.
    var retryPolicy: AWSRetryPolicy
    /// The profiles seen so far, to detect `source_profile` loops.
    var visited: [String] = []

    func resolve() throws(AWSConfigurationError) -> ResolvedCredentials {
        var chain = self
        let name = settings.profileName
        chain.visited = [name]
        if let environment = try environment() { return environment }
        if Self.hasAssumeRoleSettings(settings.profile(name)) { return try chain.assumeRole(profile: name) }
        if let found = try profileCredentials(name, useEnvironment: true) { return found }
        if let container = try container() { return container }
        let files = "\(settings.credentialsFilePath) or \(settings.configFilePath)"
        guard var metadata = try instanceMetadata() else {
            throw Self.noCredentials(" in \(files), or unset AWS_EC2_METADATA_DISABLED to use the instance role")
        }
        // Reached when nothing is configured: asked at start-up, so a machine that is not on EC2 gets "no AWS
        // credentials" then instead of an error every pass.
        let (provider, source) = (metadata.provider, metadata.description)
        metadata.startupCheck = { () async throws(AWSConfigurationError) in
            do throws(AWSConfigurationError) {
                _ = try await provider.credentials()
            } catch {
                throw Self.noCredentials(", or run on EC2 with an instance role (\(source): \(error.message))")
            }
        }
        return metadata
    }

    static func noCredentials(_ otherwise: String) -> AWSConfigurationError {
        .noCredentials(
            "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE naming a profile "
                + "with credentials\(otherwise)"
        )
    }

    /// `role_arn` without `web_identity_token_file` (those profiles belong to web identity).
    static func hasAssumeRoleSettings(_ profile: AWSSettings.Profile) -> Bool {
        profile["role_arn"] != nil && profile["web_identity_token_file"] == nil
    }

    static func hasStaticKeys(_ profile: AWSSettings.Profile) -> Bool {
        profile["aws_access_key_id"] != nil || profile["aws_secret_access_key"] != nil
    }

    /// A provider that fetches, behind the cache that refreshes before expiry.
    func cached(_ provider: some AWSCredentialsProvider, _ description: String) -> ResolvedCredentials {
        ResolvedCredentials(provider: CachingCredentialsProvider(provider, now: resolver.now), description: description)
    }

    func fixed(_ keys: AWSCredentials, _ source: String) -> ResolvedCredentials {
        ResolvedCredentials(provider: StaticCredentialsProvider(keys), description: "\(source) (\(keys.accessKeyId))")
    }

    /// A role's credentials from STS, which is resolved like any service.
    func sts(
        _ roleArn: String,
        _ proof: STSCredentialsProvider.Proof
    ) throws(AWSConfigurationError)
        -> STSCredentialsProvider
    {
        let endpoint = try settings.endpoint(for: .sts, region: region)
        return STSCredentialsProvider(
            roleArn: roleArn,
            proof: proof,
            endpoint: endpoint,
            transport: resolver.transport,
            retryPolicy: retryPolicy
        )
    }

    /// `EnvProvider`: only when `AWS_ACCESS_KEY_ID` is set; then the secret is required.
    func environment() throws(AWSConfigurationError) -> ResolvedCredentials? {
        guard let accessKeyId = settings.value("AWS_ACCESS_KEY_ID") else { return nil }
        guard let secret = settings.value("AWS_SECRET_ACCESS_KEY") else {
            throw .partialCredentials("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or neither")
        }
        var keys = AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secret)
        // botocore looks at the older name first.
        keys.sessionToken = settings.value("AWS_SECURITY_TOKEN") ?? settings.value("AWS_SESSION_TOKEN")
        if let expiration = settings.variable(["AWS_CREDENTIAL_EXPIRATION"]) {
            keys.expiration = AWSTimestamp.parseISO8601(expiration.value)
            guard keys.expiration != nil else { throw expiration.invalid(": use ISO 8601, like 2024-01-15T10:30:00Z") }
        }
        return fixed(keys, "environment variables")
    }

    /// `web identity → SSO → shared credentials file → (login) → process → config file` for one profile.
    /// `useEnvironment` is false for source profiles: then web identity reads the profile only.
    func profileCredentials(_ name: String, useEnvironment: Bool) throws(AWSConfigurationError) -> ResolvedCredentials?
    {
        if let identity = try webIdentity(name, useEnvironment: useEnvironment) { return identity }
        if let sso = try singleSignOn(profile: name) { return sso }
        if let keys = try staticKeys(name, inCredentialsFile: true) { return keys }
        if settings.profile(name)["login_session"] != nil {
            throw Self.unsupported(
                "profile \(name) uses aws login (login_session)",
                "use credential_process, SSO, static keys, an assume-role profile, web identity or an "
                    + "instance/container role instead"
            )
        }
        if let process = try credentialProcess(profile: name) { return process }
        return try staticKeys(name, inCredentialsFile: false)
    }

    static func unsupported(_ what: String, _ instead: String) -> AWSConfigurationError {
        .unsupported("\(what), which sandboxd does not support: \(instead)")
    }

    /// `AssumeRoleWithWebIdentityProvider`: each key from its environment variable when allowed and set, else from
    /// the profile. Applies when a token file is found.
    func webIdentity(_ name: String, useEnvironment: Bool) throws(AWSConfigurationError) -> ResolvedCredentials? {
        func lookup(_ variable: String, _ key: String) -> AWSSettings.Setting? {
            settings.setting(key, variables: useEnvironment ? [variable] : [], profile: name)
        }
        guard let tokenFile = lookup("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file") else { return nil }
        guard let roleArn = lookup("AWS_ROLE_ARN", "role_arn")?.value else {
            throw .invalidProfile(
                "\(tokenFile.origin) is set but no role is: set AWS_ROLE_ARN (or role_arn in profile \(name))"
            )
        }
        var provider = try sts(roleArn, .webIdentityTokenFile(tokenFile.value))
        provider.sessionName = lookup("AWS_ROLE_SESSION_NAME", "role_session_name")?.value ?? provider.sessionName
        return cached(provider, "web identity token \(tokenFile.value) for role \(roleArn)")
    }

    /// `SharedCredentialProvider` / `ConfigProvider`: applies when `aws_access_key_id` is present; then the secret
    /// is required. `aws_security_token` is read before `aws_session_token`, as botocore does.
    func staticKeys(_ name: String, inCredentialsFile: Bool) throws(AWSConfigurationError) -> ResolvedCredentials? {
        let path = inCredentialsFile ? settings.credentialsFilePath : settings.configFilePath
        let section = (inCredentialsFile ? settings.credentialsFileSections : settings.configFileProfiles)[name]
        guard let section, let accessKeyId = section.string("aws_access_key_id") else { return nil }
        guard let secret = section.string("aws_secret_access_key") else {
            throw .partialCredentials(
                "profile \(name) in \(path) has aws_access_key_id but no aws_secret_access_key: add it"
            )
        }
        let token = section.string("aws_security_token") ?? section.string("aws_session_token")
        let keys = AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secret, sessionToken: token)
        return fixed(keys, "\(inCredentialsFile ? "shared credentials" : "config") file \(path), profile \(name)")
    }

    /// `AssumeRoleProvider._load_creds_via_assume_role` for a profile with `role_arn`.
    mutating func assumeRole(profile name: String) throws(AWSConfigurationError) -> ResolvedCredentials {
        let profile = settings.profile(name)
        if profile["mfa_serial"] != nil {
            throw Self.unsupported(
                "profile \(name) assumes a role with mfa_serial (a person must type a code)",
                "give its source profile the role's permissions, or drop the MFA condition"
            )
        }
        let source: ResolvedCredentials
        switch (profile.string("source_profile"), profile.string("credential_source")) {
        case (.some, .some):
            throw .invalidProfile("profile \(name) has both source_profile and credential_source: keep one")
        case (nil, nil):
            throw .invalidProfile(
                "profile \(name) has role_arn but neither source_profile nor credential_source: add one"
            )
        case (nil, .some(let sourceName)):
            source = try namedSource(sourceName, of: name)
        case (.some(let sourceName), nil):
            source = try sourceProfile(sourceName, of: name)
        }
        let roleArn = profile.string("role_arn") ?? ""
        var provider = try sts(roleArn, .signedBy(source.provider))
        provider.sessionName = profile.string("role_session_name") ?? provider.sessionName
        provider.externalId = profile.string("external_id")
        // As in botocore, a value that is not a whole number is ignored.
        provider.durationSeconds = profile.string("duration_seconds").flatMap { Int($0.trimmingPythonWhitespace()) }
        var resolved = cached(provider, "assume role \(roleArn) (profile \(name)) with \(source.description)")
        resolved.startupCheck = source.startupCheck
        return resolved
    }

    /// `_resolve_credentials_from_profile`: the profile's own providers, unless it assumes a role itself. It must
    /// exist, and a profile seen before is a loop unless it is the profile itself holding static keys.
    mutating func sourceProfile(_ name: String, of parent: String) throws(AWSConfigurationError) -> ResolvedCredentials
    {
        let source = settings.profile(name)
        guard settings.profiles[name] != nil else {
            throw .invalidProfile(
                "source_profile \(name) of profile \(parent) does not exist in \(settings.configFilePath) or "
                    + "\(settings.credentialsFilePath): add it or fix the name"
            )
        }
        if visited.contains(name), name != parent || !Self.hasStaticKeys(source) {
            throw .invalidProfile(
                "source_profile loop: \((visited + [name]).joined(separator: " → ")); break the cycle"
            )
        }
        visited.append(name)
        if !Self.hasStaticKeys(source), Self.hasAssumeRoleSettings(source) { return try assumeRole(profile: name) }
        guard let found = try profileCredentials(name, useEnvironment: false) else {
            throw .invalidProfile(
                "source_profile \(name) of profile \(parent) has no credentials: add aws_access_key_id and "
                    + "aws_secret_access_key to it (or credential_process, or SSO settings)"
            )
        }
        return found
    }

    /// `credential_source`: the exact names `Environment`, `EcsContainer`, `Ec2InstanceMetadata`, each of which must
    /// then be available.
    func namedSource(_ source: String, of name: String) throws(AWSConfigurationError) -> ResolvedCredentials {
        let (found, missing): (ResolvedCredentials?, String)
        switch source {
        case "Environment":
            (found, missing) = (try environment(), "AWS_ACCESS_KEY_ID is not set: set it and AWS_SECRET_ACCESS_KEY")
        case "EcsContainer":
            (found, missing) = (
                try container(), "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor …_FULL_URI is set"
            )
        case "Ec2InstanceMetadata":
            (found, missing) = (try instanceMetadata(), "AWS_EC2_METADATA_DISABLED is true: unset it")
        default:
            throw .invalidProfile(
                "profile \(name) has credential_source = \(source): use Environment, EcsContainer or "
                    + "Ec2InstanceMetadata (spelled exactly so)"
            )
        }
        guard let found else {
            throw .noCredentials("profile \(name) has credential_source = \(source) but \(missing)")
        }
        return found
    }
}
