import Foundation
import Glibc
import SandboxCrypto

extension CredentialChain {
    /// `ContainerProvider`: the relative URI wins over the full one; the token file over the token.
    func container() throws(AWSConfigurationError) -> ResolvedCredentials? {
        let url: URL
        if let relative = settings.variable(["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]) {
            guard let valid = URL(string: "http://169.254.170.2\(relative.value)") else {
                throw relative.invalid(": not a URL path")
            }
            url = valid
        } else if let full = settings.variable(["AWS_CONTAINER_CREDENTIALS_FULL_URI"]) {
            guard let valid = full.url, Self.isAllowedContainerURL(valid) else {
                throw full.invalid(
                    ": use https, or http to a loopback address, 169.254.170.2, 169.254.170.23, fd00:ec2::23 or "
                        + "localhost"
                )
            }
            url = valid
        } else {
            return nil
        }
        var provider = ContainerCredentialsProvider(url: url, transport: resolver.transport)
        if let path = settings.value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            provider.authorization = .tokenFile(path)
        } else if let token = settings.value("AWS_CONTAINER_AUTHORIZATION_TOKEN") {
            guard !token.contains(where: \.isNewline) else {
                throw .invalidValue(
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN contains a line break, which cannot go in a header"
                )
            }
            provider.authorization = .token(token)
        }
        let endpoint = ContainerCredentialsProvider.redacted(url)
        return cached(provider, "container credentials endpoint \(endpoint) (authorization: \(provider.authorization))")
    }

    /// `ContainerMetadataFetcher._validate_allowed_url`: https, or http to a loopback address (127.0.0.0/8, ::1) or
    /// one of the container hosts.
    static func isAllowedContainerURL(_ url: URL) -> Bool {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return false }
        if components.scheme?.lowercased() == "https" { return true }
        guard var host = components.host?.lowercased() else { return false }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost"].contains(host) { return true }
        var ipv4 = in_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 { return UInt32(bigEndian: ipv4.s_addr) >> 24 == 127 }
        var ipv6 = in6_addr()
        guard inet_pton(AF_INET6, host, &ipv6) == 1 else { return false }
        return withUnsafeBytes(of: &ipv6) { $0.dropLast().allSatisfy { $0 == 0 } && $0.last == 1 }
    }

    /// The instance metadata service, unless `AWS_EC2_METADATA_DISABLED` is `true` (any case; environment only).
    func instanceMetadata() throws(AWSConfigurationError) -> ResolvedCredentials? {
        guard settings.value("AWS_EC2_METADATA_DISABLED")?.lowercased() != "true" else { return nil }
        var useIPv6 = settings.boolean("imds_use_ipv6")
        if let mode = settings.setting("ec2_metadata_service_endpoint_mode") {
            guard ["ipv4", "ipv6"].contains(mode.value.lowercased()) else { throw mode.invalid(": use IPv4 or IPv6") }
            useIPv6 = mode.value.lowercased() == "ipv6"
        }
        var provider = InstanceMetadataCredentialsProvider(transport: resolver.transport)
        provider.endpoint = URL(string: useIPv6 ? "http://[fd00:ec2::254]/" : "http://169.254.169.254/")!
        if let custom = settings.setting("ec2_metadata_service_endpoint") {
            guard let url = custom.url else {
                throw custom.invalid(", which is not a URL: use http://HOST[:PORT]/", .invalidEndpoint)
            }
            provider.endpoint = url
        }
        provider.v1Disabled = settings.boolean("ec2_metadata_v1_disabled")
        let seconds = try settings.integer("metadata_service_timeout", meaning: "a whole number of seconds") ?? 1
        provider.timeout = .seconds(seconds)
        provider.attempts =
            try settings.integer("metadata_service_num_attempts", meaning: "a whole number of attempts") ?? 1
        return cached(provider, "EC2 instance metadata at \(provider.endpoint.absoluteString)")
    }

    /// `ProcessProvider`: the command line split as `shlex.split` does; its program looked up here as `Popen` would
    /// (a name with a `/` as it is, else along `PATH`, by default `/bin:/usr/bin`), so a typo fails at start-up.
    func credentialProcess(profile name: String) throws(AWSConfigurationError) -> ResolvedCredentials? {
        guard let commandLine = settings.profile(name).string("credential_process") else { return nil }
        guard let words = AWSSettings.shellWords(commandLine), let program = words.first else {
            throw .invalidValue(
                "credential_process in profile \(name) is not a command line (empty, an unclosed quote or a trailing "
                    + "backslash): fix it"
            )
        }
        let path = (settings.value("PATH") ?? "/bin:/usr/bin").split(separator: ":", omittingEmptySubsequences: false)
        let candidates = program.contains("/") ? [program] : path.map { ($0.isEmpty ? "." : "\($0)") + "/" + program }
        guard let executable = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw .invalidValue(
                "credential_process in profile \(name) runs \(program), which is not an executable file"
                    + (program.contains("/") ? "" : " on PATH") + ": install it or fix the path"
            )
        }
        let provider = ProcessCredentialsProvider(
            profile: name,
            executable: executable,
            arguments: Array(words.dropFirst()),
            environment: settings.environment
        )
        return cached(provider, "credential_process of profile \(name) (\(program))")
    }

    /// `SSOProvider._load_sso_config`: applies when the profile has `sso_account_id` or `sso_role_name`. With
    /// `sso_session` its `[sso-session NAME]` section adds the start URL and region (a key in both must agree) and
    /// the token is cached under the session's name; without, under the start URL.
    func singleSignOn(profile name: String) throws(AWSConfigurationError) -> ResolvedCredentials? {
        var keys = settings.profile(name)
        guard keys["sso_account_id"] != nil || keys["sso_role_name"] != nil else { return nil }
        let sessionName = keys.string("sso_session")
        if let sessionName {
            guard let session = settings.ssoSessions[sessionName] else {
                throw .invalidProfile(
                    "profile \(name) has sso_session = \(sessionName), but \(settings.configFilePath) has no "
                        + "[sso-session \(sessionName)] section: add it or fix the name"
                )
            }
            for (key, value) in session {
                guard keys[key] == nil || keys[key] == value else {
                    throw .invalidProfile(
                        "profile \(name) and [sso-session \(sessionName)] disagree on \(key): keep one"
                    )
                }
                keys[key] = value
            }
        }
        let missing = ["sso_start_url", "sso_region", "sso_account_id", "sso_role_name"].filter { keys[$0] == nil }
        guard missing.isEmpty else {
            let list = missing.joined(separator: ", ")
            throw .invalidProfile(
                "profile \(name) is set up for SSO but has no \(list): add it (aws configure sso does)"
            )
        }
        let (startURL, ssoRegion) = (keys.string("sso_start_url") ?? "", keys.string("sso_region") ?? "")
        guard AWSConfigurationResolver.isValidRegion(ssoRegion) else {
            throw .invalidRegion("sso_region of profile \(name) is \"\(ssoRegion)\", which is not a region name")
        }
        let cacheKey = Hex.encode(SHA1.hash((sessionName ?? startURL).utf8))
        let provider = SSOCredentialsProvider(
            profile: name,
            accountId: keys.string("sso_account_id") ?? "",
            roleName: keys.string("sso_role_name") ?? "",
            tokenCache: resolver.expandPath("~/.aws/sso/cache/\(cacheKey).json"),
            portal: try settings.endpoint(for: .ssoPortal, region: ssoRegion).url,
            fileReader: resolver.fileReader,
            transport: resolver.transport,
            retryPolicy: retryPolicy,
            now: resolver.now
        )
        let session = sessionName.map { "session \($0)" } ?? "start URL \(startURL)"
        let role = "account \(provider.accountId), role \(provider.roleName)"
        var resolved = cached(provider, "IAM Identity Center (SSO) \(session), \(role)")
        resolved.startupCheck = { () async throws(AWSConfigurationError) in _ = try provider.accessToken() }
        return resolved
    }
}
