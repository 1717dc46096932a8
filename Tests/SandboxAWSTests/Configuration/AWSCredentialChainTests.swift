import Foundation
import Testing

@testable import SandboxAWS

/// The credential chain. Each precedence case was also run through botocore 1.43.11 (`Session.get_credentials`
/// with the network providers stubbed) and gave the same source.
@Suite("AWS credential chain")
struct AWSCredentialChainTests {
    private static let staticKeys = "aws_access_key_id = AKIAFILE\naws_secret_access_key = SECRET\n"
    private static let imds = "EC2 instance metadata at http://169.254.169.254/"

    private func source(
        _ environment: [String: String] = [:],
        config: String? = nil,
        credentials: String? = nil,
        otherFiles: [String: String] = [:]
    ) throws -> ResolvedCredentials {
        try makeResolver(environment, config: config, credentials: credentials, otherFiles: otherFiles)
            .resolveCredentials()
    }

    private func keys(_ resolved: ResolvedCredentials) async throws -> AWSCredentials {
        let provider = try #require(resolved.provider as? StaticCredentialsProvider)
        return try await provider.credentials()
    }

    private func assumeRole(_ resolved: ResolvedCredentials) throws -> STSCredentialsProvider {
        try #require(uncached(resolved.provider) as? STSCredentialsProvider)
    }

    private func signingSource(_ role: STSCredentialsProvider) throws -> any AWSCredentialsProvider {
        guard case .signedBy(let source) = role.proof else {
            throw AWSConfigurationError(.credentialsRefused, "not AssumeRole")
        }
        return source
    }

    // MARK: Environment

    @Test("environment keys win over every file; AWS_SECURITY_TOKEN is read before AWS_SESSION_TOKEN")
    func environment_first() async throws {
        let result = try source(
            [
                "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "S",
                "AWS_SESSION_TOKEN": "new", "AWS_SECURITY_TOKEN": "old",
                "AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_ROLE_ARN": "arn:r",
            ],
            config: "[default]\nrole_arn = arn:a\nsource_profile = default\ncredential_process = /bin/true\n"
                + Self.staticKeys,
            credentials: "[default]\n" + Self.staticKeys
        )
        #expect(result.description == "environment variables (AKIAENV)")
        #expect(
            try await keys(result) == AWSCredentials(accessKeyId: "AKIAENV", secretAccessKey: "S", sessionToken: "old")
        )
    }

    @Test("AWS_CREDENTIAL_EXPIRATION is parsed as ISO 8601")
    func environment_expiration() async throws {
        let result = try source([
            "AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S", "AWS_SESSION_TOKEN": "T",
            "AWS_CREDENTIAL_EXPIRATION": "2024-01-15T10:30:00Z",
        ])
        #expect(try await keys(result).expiration == Date(timeIntervalSince1970: 1_705_314_600))
        let error = configurationError {
            try source([
                "AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S", "AWS_CREDENTIAL_EXPIRATION": "tomorrow",
            ])
        }
        #expect(error?.code == .invalidValue)
    }

    @Test("an access key without a secret is an error; a secret alone is ignored")
    func environment_partial() throws {
        let error = configurationError { try source(["AWS_ACCESS_KEY_ID": "A"]) }
        #expect(error?.code == .partialCredentials)
        #expect(error?.message == "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or neither")
        #expect(try source(["AWS_SECRET_ACCESS_KEY": "S"]).description == Self.imds)
    }

    // MARK: Static keys in files

    @Test("the credentials file comes before the config file; keys are case-insensitive")
    func staticKeys_order() async throws {
        let fromCredentials = try source(
            config: "[default]\n" + Self.staticKeys,
            credentials: "[default]\naws_access_key_id = AKIACRED\naws_secret_access_key = S2\naws_session_token = T\n"
        )
        #expect(
            fromCredentials.description
                == "shared credentials file /home/test/.aws/credentials, profile default (AKIACRED)"
        )
        #expect(
            try await keys(fromCredentials)
                == AWSCredentials(accessKeyId: "AKIACRED", secretAccessKey: "S2", sessionToken: "T")
        )
        let fromConfig = try source(config: "[default]\nAWS_ACCESS_KEY_ID = AKUP\naws_secret_access_key = s\n")
        #expect(fromConfig.description == "config file /home/test/.aws/config, profile default (AKUP)")
        #expect(try await keys(fromConfig) == AWSCredentials(accessKeyId: "AKUP", secretAccessKey: "s"))
    }

    @Test("static keys are looked up per file: [profile dev] in config, [dev] in credentials")
    func staticKeys_sectionNames() throws {
        let result = try source(
            ["AWS_PROFILE": "dev"],
            config: "[profile dev]\n" + Self.staticKeys,
            credentials: "[profile dev]\naws_access_key_id = WRONG\naws_secret_access_key = X\n"
        )
        #expect(result.description == "config file /home/test/.aws/config, profile dev (AKIAFILE)")
    }

    @Test("an access key id without a secret in a file is an error")
    func staticKeys_partial() {
        let error = configurationError { try source(credentials: "[default]\naws_access_key_id = A\n") }
        #expect(error?.code == .partialCredentials)
        #expect(
            error?.message
                == "profile default in /home/test/.aws/credentials has aws_access_key_id but no aws_secret_access_key: add it"
        )
    }

    // MARK: Assume role

    @Test("assume role beats static keys in the same profile, and may source them from itself")
    func assumeRole_selfReference() throws {
        let result = try source(
            ["AWS_PROFILE": "dev"],
            config:
                "[profile dev]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = dev\nrole_session_name = sess\nduration_seconds = 900x\n",
            credentials: "[dev]\naws_access_key_id = AK1\naws_secret_access_key = S1\n"
        )
        #expect(
            result.description
                == "assume role arn:aws:iam::1:role/r (profile dev) with shared credentials file /home/test/.aws/credentials, profile dev (AK1)"
        )
        let role = try assumeRole(result)
        #expect(role.sessionName == "sess")
        #expect(role.durationSeconds == nil)
        #expect(role.externalId == nil)
        #expect(try signingSource(role) is StaticCredentialsProvider)
    }

    @Test("assume role beats web identity from the environment")
    func assumeRole_beforeWebIdentity() throws {
        let result = try source(
            [
                "AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_ROLE_ARN": "arn:r", "AWS_ACCESS_KEY_ID": "",
                "AWS_PROFILE": "ops",
            ],
            config:
                "[profile ops]\nrole_arn = arn:a\ncredential_source = Ec2InstanceMetadata\nexternal_id = ext\nduration_seconds = 1800\n"
        )
        #expect(result.description == "assume role arn:a (profile ops) with \(Self.imds)")
        let role = try assumeRole(result)
        #expect(role.externalId == "ext")
        #expect(role.durationSeconds == 1800)
        #expect(role.sessionName.hasPrefix("sandboxd-"))
    }

    @Test("credential_source Environment and EcsContainer")
    func assumeRole_credentialSources() throws {
        let container = try source(
            ["AWS_ACCESS_KEY_ID": "", "AWS_PROFILE": "p", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x"],
            config: "[profile p]\nrole_arn = arn:a\ncredential_source = EcsContainer\n"
        )
        #expect(
            container.description
                == "assume role arn:a (profile p) with container credentials endpoint http://169.254.170.2/v2/x (authorization: none)"
        )
        // With AWS_ACCESS_KEY_ID set the environment provider would win outright, so Environment is only reachable
        // as a source when the profile comes first — it never does. botocore reports the missing keys:
        let error = configurationError {
            try source(config: "[default]\nrole_arn = arn:a\ncredential_source = Environment\n")
        }
        #expect(error?.code == .noCredentials)
    }

    @Test("chained roles: a → b (assume role) → c (web identity in the profile)")
    func assumeRole_chain() throws {
        let config = """
            [profile a]
            role_arn = arn:a
            source_profile = b
            [profile b]
            role_arn = arn:b
            source_profile = c
            [profile c]
            web_identity_token_file = /tok
            role_arn = arn:c
            """
        let result = try source(["AWS_PROFILE": "a", "AWS_WEB_IDENTITY_TOKEN_FILE": "/env-token"], config: config)
        #expect(
            result.description
                == "assume role arn:a (profile a) with assume role arn:b (profile b) with web identity token /tok for role arn:c"
        )
    }

    @Test(
        "assume-role misconfigurations, each with botocore's verdict",
        arguments: [
            (
                "[profile a]\nrole_arn = arn:a\nsource_profile = b\n[profile b]\nrole_arn = arn:b\nsource_profile = a\n",
                AWSConfigurationError.Code.invalidProfile, "source_profile loop: a → b → a; break the cycle"
            ),
            (
                "[profile a]\nrole_arn = arn:a\nsource_profile = a\n", .invalidProfile,
                "source_profile loop: a → a; break the cycle"
            ),
            (
                "[profile a]\nrole_arn = arn:a\nsource_profile = b\n[profile b]\nregion = us-east-1\n", .invalidProfile,
                "source_profile b of profile a has no credentials: add aws_access_key_id and aws_secret_access_key to it"
            ),
            (
                "[profile a]\nrole_arn = arn:a\nsource_profile = zz\n", .invalidProfile,
                "source_profile zz of profile a does not exist in /home/test/.aws/config or /home/test/.aws/credentials: add it or fix the name"
            ),
            (
                "[profile a]\nrole_arn = arn:a\nsource_profile = a\ncredential_source = Environment\n", .invalidProfile,
                "profile a has both source_profile and credential_source: keep one"
            ),
            (
                "[profile a]\nrole_arn = arn:a\n", .invalidProfile,
                "profile a has role_arn but neither source_profile nor credential_source: add one"
            ),
            (
                "[profile a]\nrole_arn = arn:a\ncredential_source = environment\n", .invalidProfile,
                "profile a has credential_source = environment: use Environment, EcsContainer or Ec2InstanceMetadata (spelled exactly so)"
            ),
            (
                "[profile a]\nrole_arn = arn:a\nsource_profile = b\nmfa_serial = arn:mfa\n[profile b]\naws_access_key_id = A\naws_secret_access_key = S\n",
                .unsupportedCredentialSource,
                "profile a assumes a role with mfa_serial (a person must type a code), which sandboxd does not support"
            ),
        ] as [(String, AWSConfigurationError.Code, String)]
    )
    func assumeRole_errors(config: String, code: AWSConfigurationError.Code, message: String) {
        let error = configurationError { try source(["AWS_PROFILE": "a"], config: config) }
        #expect(error?.code == code)
        #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "no error")")
    }

    // MARK: Web identity

    @Test("web identity: environment variables, or the profile, key by key")
    func webIdentity_sources() throws {
        let fromEnvironment = try source(
            ["AWS_WEB_IDENTITY_TOKEN_FILE": "/t/token", "AWS_ROLE_ARN": "arn:r", "AWS_ROLE_SESSION_NAME": "ci"],
            credentials: "[default]\n" + Self.staticKeys
        )
        #expect(fromEnvironment.description == "web identity token /t/token for role arn:r")
        #expect((uncached(fromEnvironment.provider) as? STSCredentialsProvider)?.sessionName == "ci")
        let mixed = try source(
            ["AWS_PROFILE": "w", "AWS_ROLE_ARN": "arn:env"],
            config: "[profile w]\nweb_identity_token_file = /p/token\nrole_arn = arn:profile\nrole_session_name = s\n"
        )
        #expect(mixed.description == "web identity token /p/token for role arn:env")
        #expect((uncached(mixed.provider) as? STSCredentialsProvider)?.sessionName == "s")
    }

    @Test("a profile with role_arn but no token file is assume-role, even with AWS_WEB_IDENTITY_TOKEN_FILE set")
    func webIdentity_profileRoleArnIsAssumeRole() {
        let error = configurationError {
            try source(
                ["AWS_PROFILE": "w", "AWS_WEB_IDENTITY_TOKEN_FILE": "/t"],
                config: "[profile w]\nrole_arn = arn:w\n"
            )
        }
        #expect(error?.message == "profile w has role_arn but neither source_profile nor credential_source: add one")
    }

    @Test("a token file without a role is an error")
    func webIdentity_withoutRole() {
        let error = configurationError { try source(["AWS_WEB_IDENTITY_TOKEN_FILE": "/t/token"]) }
        #expect(error?.code == .invalidProfile)
        #expect(
            error?.message
                == "AWS_WEB_IDENTITY_TOKEN_FILE is set but no role is: set AWS_ROLE_ARN (or role_arn in profile default)"
        )
    }

    // MARK: SSO and credential_process

    static let ssoConfig = """
        [profile legacy]
        sso_start_url = https://legacy.awsapps.com/start
        sso_region = eu-west-1
        sso_account_id = 111122223333
        sso_role_name = SandboxdProvisioner
        [profile modern]
        sso_session = corp
        sso_account_id = 444455556666
        sso_role_name = Admin
        [sso-session corp]
        sso_start_url = https://corp.awsapps.com/start
        sso_region = us-east-2
        [profile hub]
        role_arn = arn:aws:iam::999:role/sandbox
        source_profile = modern
        """

    @Test("SSO: legacy keys cache the token under the start URL's SHA-1, sso_session under the session name's")
    func sso_profiles() throws {
        let legacy = try source(["AWS_PROFILE": "legacy", "AWS_REGION": "us-east-1"], config: Self.ssoConfig)
        #expect(
            legacy.description
                == "IAM Identity Center (SSO) start URL https://legacy.awsapps.com/start, account 111122223333, role SandboxdProvisioner"
        )
        let legacyProvider = try #require(uncached(legacy.provider) as? SSOCredentialsProvider)
        // hashlib.sha1(b"https://legacy.awsapps.com/start").hexdigest()
        #expect(legacyProvider.tokenCache == "/home/test/.aws/sso/cache/79e435d7a515078e81c9dffc35f38d5687ebd3a7.json")
        #expect(legacyProvider.portal.absoluteString == "https://portal.sso.eu-west-1.amazonaws.com")

        let modern = try source(["AWS_PROFILE": "modern"], config: Self.ssoConfig)
        #expect(modern.description == "IAM Identity Center (SSO) session corp, account 444455556666, role Admin")
        let modernProvider = try #require(uncached(modern.provider) as? SSOCredentialsProvider)
        // hashlib.sha1(b"corp").hexdigest()
        #expect(modernProvider.tokenCache == "/home/test/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json")
        #expect(modernProvider.portal.absoluteString == "https://portal.sso.us-east-2.amazonaws.com")
        #expect(modern.startupCheck != nil)

        let hub = try source(["AWS_PROFILE": "hub"], config: Self.ssoConfig)
        #expect(
            hub.description.hasPrefix(
                "assume role arn:aws:iam::999:role/sandbox (profile hub) with IAM Identity Center"
            )
        )
        #expect(hub.startupCheck != nil, "the source's login is checked at start-up too")
    }

    @Test(
        "SSO misconfigurations, as botocore's InvalidConfigError",
        arguments: [
            (
                "[default]\nsso_account_id = 1\nsso_role_name = r\n",
                "profile default is set up for SSO but has no sso_start_url, sso_region: add it"
            ),
            (
                "[default]\nsso_session = nope\nsso_account_id = 1\nsso_role_name = r\n",
                "profile default has sso_session = nope, but /home/test/.aws/config has no [sso-session nope] section"
            ),
            (
                "[default]\nsso_session = s\nsso_region = eu-west-1\nsso_account_id = 1\nsso_role_name = r\n"
                    + "[sso-session s]\nsso_region = us-east-1\nsso_start_url = https://x\n",
                "profile default and [sso-session s] disagree on sso_region"
            ),
        ]
    )
    func sso_errors(config: String, message: String) {
        let error = configurationError { try source(config: config) }
        #expect(error?.code == .invalidProfile)
        #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "no error")")
    }

    @Test("credential_process: split as shlex does, the program found on PATH; after the credentials file's keys")
    func credentialProcess() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let program = directory.appendingPathComponent("creds helper")
        try Data("#!/bin/sh\n".utf8).write(to: program)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: program.path)

        let config = "[default]\ncredential_process = 'creds helper' --profile \"sandbox admin\" a\\ b\n"
        let result = try source(["PATH": "/nonexistent:\(directory.path)"], config: config)
        #expect(result.description == "credential_process of profile default (creds helper)")
        let process = try #require(uncached(result.provider) as? ProcessCredentialsProvider)
        #expect(process.executable == program.path)
        #expect(process.arguments == ["--profile", "sandbox admin", "a b"])

        let shadowed = try source(config: config, credentials: "[default]\n" + Self.staticKeys)
        #expect(
            shadowed.description == "shared credentials file /home/test/.aws/credentials, profile default (AKIAFILE)"
        )
        let beforeConfigKeys = try source(["PATH": directory.path], config: config + Self.staticKeys)
        #expect(beforeConfigKeys.description == "credential_process of profile default (creds helper)")
    }

    @Test(
        "credential_process that cannot run is refused at start-up, and aws login is refused",
        arguments: [
            (
                "[default]\ncredential_process = no-such-helper --json\n", AWSConfigurationError.Code.invalidValue,
                "credential_process in profile default runs no-such-helper, which is not an executable file on PATH"
            ),
            (
                "[default]\ncredential_process = /no/such/helper\n", .invalidValue,
                "credential_process in profile default runs /no/such/helper, which is not an executable file: install"
            ),
            (
                "[default]\ncredential_process = 'unclosed\n", .invalidValue,
                "credential_process in profile default is not a command line"
            ),
            (
                "[default]\ncredential_process =\n", .invalidValue,
                "credential_process in profile default is not a command line"
            ),
            ("[default]\nlogin_session = x\n", .unsupportedCredentialSource, "profile default uses aws login"),
        ] as [(String, AWSConfigurationError.Code, String)]
    )
    func credentialProcess_errors(config: String, code: AWSConfigurationError.Code, message: String) {
        let error = configurationError { try source(["PATH": "/nonexistent"], config: config) }
        #expect(error?.code == code)
        #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "no error")")
    }

    // MARK: Container

    @Test(
        "container endpoint: relative URI first; token file before token",
        arguments: [
            (
                [
                    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/creds?id=1",
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://localhost:9/x",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "tok",
                ],
                "http://169.254.170.2/v2/creds?id=1", ContainerCredentialsProvider.Authorization.token("tok")
            ),
            (
                [
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/var/run/secrets/pods.eks.amazonaws.com/token",
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ignored",
                ],
                "http://169.254.170.23/v1/credentials", .tokenFile("/var/run/secrets/pods.eks.amazonaws.com/token")
            ),
            (["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.1.2.3:80/x"], "http://127.1.2.3:80/x", .none),
            (["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://[::1]:8080/x"], "http://[::1]:8080/x", .none),
            (["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://[fd00:ec2::23]/x"], "http://[fd00:ec2::23]/x", .none),
            (
                ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "https://creds.example.com/x"], "https://creds.example.com/x",
                .none
            ),
        ] as [([String: String], String, ContainerCredentialsProvider.Authorization)]
    )
    func container(
        environment: [String: String],
        url: String,
        authorization: ContainerCredentialsProvider.Authorization
    ) throws {
        let result = try source(environment, config: "[default]\nregion = us-east-1\n")
        let provider = try #require(uncached(result.provider) as? ContainerCredentialsProvider)
        #expect(provider.url.absoluteString == url)
        #expect(provider.authorization == authorization)
        #expect(result.description.hasPrefix("container credentials endpoint"))
    }

    @Test("container endpoint: plain http to other hosts and tokens with line breaks are refused")
    func container_refused() {
        let host = configurationError { try source(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://example.com/x"]) }
        #expect(host?.code == .invalidValue)
        #expect(
            host?.message.hasPrefix("AWS_CONTAINER_CREDENTIALS_FULL_URI is \"http://example.com/x\": use https") == true
        )
        let token = configurationError {
            try source([
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/x", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "a\r\nInjected: 1",
            ])
        }
        #expect(token?.code == .invalidValue)
        #expect(token?.message.contains("a\r\n") == false, "the token is not echoed")
    }

    // MARK: Instance metadata

    @Test(
        "instance metadata settings",
        arguments: [
            ([:], nil as String?, "http://169.254.169.254/", false, 1, 1),
            (
                [
                    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6", "AWS_METADATA_SERVICE_TIMEOUT": "5",
                    "AWS_EC2_METADATA_V1_DISABLED": "true",
                ],
                "[default]\nmetadata_service_num_attempts = 3\n", "http://[fd00:ec2::254]/", true, 5, 3
            ),
            (
                [
                    "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://10.0.0.1:1338",
                    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "ipv6",
                ], nil, "http://10.0.0.1:1338", false, 1, 1
            ),
            ([:], "[default]\nimds_use_ipv6 = true\n", "http://[fd00:ec2::254]/", false, 1, 1),
        ] as [([String: String], String?, String, Bool, Int, Int)]
    )
    func instanceMetadata(
        environment: [String: String],
        config: String?,
        endpoint: String,
        v1Disabled: Bool,
        timeout: Int,
        attempts: Int
    ) throws {
        let result = try source(environment, config: config)
        let provider = try #require(uncached(result.provider) as? InstanceMetadataCredentialsProvider)
        #expect(provider.endpoint.absoluteString == endpoint)
        #expect(provider.v1Disabled == v1Disabled)
        #expect(provider.timeout == .seconds(timeout))
        #expect(provider.attempts == attempts)
        #expect(result.description == "EC2 instance metadata at \(endpoint)")
        #expect(result.startupCheck != nil, "the end of the chain is probed at start-up")
    }

    @Test("bad instance metadata settings are errors")
    func instanceMetadata_invalid() {
        #expect(
            configurationError { try source(["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "ipv5"]) }?.code == .invalidValue
        )
        #expect(configurationError { try source(["AWS_METADATA_SERVICE_TIMEOUT": "0"]) }?.code == .invalidValue)
        #expect(
            configurationError { try source(["AWS_EC2_METADATA_SERVICE_ENDPOINT": "not a url"]) }?.code
                == .invalidEndpoint
        )
    }

    @Test("with instance metadata disabled and nothing else, the error says what to set")
    func noCredentials() {
        let error = configurationError { try source(["AWS_EC2_METADATA_DISABLED": "True"]) }
        #expect(error?.code == .noCredentials)
        #expect(
            error?.message
                == "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE naming a profile with credentials in /home/test/.aws/credentials or /home/test/.aws/config, or unset AWS_EC2_METADATA_DISABLED to use the instance role"
        )
    }

    // MARK: Descriptions

    @Test("descriptions and printed providers name the source without secrets")
    func descriptions_withoutSecrets() throws {
        let sources = [
            try source([
                "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "TOPSECRET",
                "AWS_SESSION_TOKEN": "TOKENSECRET",
            ]),
            try source(
                ["AWS_PROFILE": "p"],
                config:
                    "[profile p]\nrole_arn = arn:a\nsource_profile = q\n[profile q]\naws_access_key_id = AK\naws_secret_access_key = TOPSECRET\n"
            ),
            try source([
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/x", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "TOKENSECRET",
            ]),
        ]
        // What holds the secrets; a whole provider is not dumped, as it reaches the shared URLSession.
        let holders: [Any] = [
            sources[0].provider, try signingSource(try assumeRole(sources[1])),
            try #require(uncached(sources[2].provider) as? ContainerCredentialsProvider).authorization,
        ]
        for (source, holder) in zip(sources, holders) {
            var dumped = ""
            dump(holder, to: &dumped)
            for text in [source.description, "\(holder)", String(reflecting: holder), dumped] {
                #expect(!text.contains("TOPSECRET") && !text.contains("TOKENSECRET"), "\(text)")
            }
        }
        #expect(
            sources[1].description
                == "assume role arn:a (profile p) with config file /home/test/.aws/config, profile q (AK)"
        )
    }
}
