import Foundation
import SandboxAWS
import Testing

/// The credential chain. Each precedence case was also run through botocore 1.43.11 (`Session.get_credentials`
/// with the network providers stubbed) and gave the same source.
@Suite("AWS credential chain")
struct AWSCredentialChainTests {
    private static let staticKeys = "aws_access_key_id = AKIAFILE\naws_secret_access_key = SECRET\n"
    private static let imds = AWSCredentialSource.instanceMetadata(
        .init(endpoint: URL(string: "http://169.254.169.254/")!)
    )

    private func source(
        _ environment: [String: String] = [:],
        config: String? = nil,
        credentials: String? = nil
    ) throws -> AWSCredentialSource {
        try makeResolver(environment, config: config, credentials: credentials).resolveCredentialSource()
    }

    // MARK: Environment

    @Test("environment keys win over every file; AWS_SECURITY_TOKEN is read before AWS_SESSION_TOKEN")
    func environment_first() throws {
        let result = try source(
            [
                "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "S",
                "AWS_SESSION_TOKEN": "new", "AWS_SECURITY_TOKEN": "old",
                "AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_ROLE_ARN": "arn:r",
            ],
            config: "[default]\nrole_arn = arn:a\nsource_profile = default\n" + Self.staticKeys,
            credentials: "[default]\n" + Self.staticKeys
        )
        #expect(
            result == .environment(AWSCredentials(accessKeyId: "AKIAENV", secretAccessKey: "S", sessionToken: "old"))
        )
    }

    @Test("AWS_CREDENTIAL_EXPIRATION is parsed as ISO 8601")
    func environment_expiration() throws {
        let result = try source([
            "AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S", "AWS_SESSION_TOKEN": "T",
            "AWS_CREDENTIAL_EXPIRATION": "2024-01-15T10:30:00Z",
        ])
        #expect(
            result
                == .environment(
                    AWSCredentials(
                        accessKeyId: "A",
                        secretAccessKey: "S",
                        sessionToken: "T",
                        expiration: Date(timeIntervalSince1970: 1_705_314_600)
                    )
                )
        )
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
        #expect(try source(["AWS_SECRET_ACCESS_KEY": "S"]) == Self.imds)
    }

    // MARK: Static keys in files

    @Test("the credentials file comes before the config file; keys are case-insensitive")
    func staticKeys_order() throws {
        #expect(
            try source(
                config: "[default]\n" + Self.staticKeys,
                credentials:
                    "[default]\naws_access_key_id = AKIACRED\naws_secret_access_key = S2\naws_session_token = T\n"
            )
                == .sharedCredentialsFile(
                    AWSCredentials(accessKeyId: "AKIACRED", secretAccessKey: "S2", sessionToken: "T"),
                    profile: "default",
                    path: "/home/test/.aws/credentials"
                )
        )
        #expect(
            try source(config: "[default]\nAWS_ACCESS_KEY_ID = AKUP\naws_secret_access_key = s\n")
                == .configFile(
                    AWSCredentials(accessKeyId: "AKUP", secretAccessKey: "s"),
                    profile: "default",
                    path: "/home/test/.aws/config"
                )
        )
    }

    @Test("static keys are looked up per file: [profile dev] in config, [dev] in credentials")
    func staticKeys_sectionNames() throws {
        #expect(
            try source(
                ["AWS_PROFILE": "dev"],
                config: "[profile dev]\n" + Self.staticKeys,
                credentials: "[profile dev]\naws_access_key_id = WRONG\naws_secret_access_key = X\n"
            )
                == .configFile(
                    AWSCredentials(accessKeyId: "AKIAFILE", secretAccessKey: "SECRET"),
                    profile: "dev",
                    path: "/home/test/.aws/config"
                )
        )
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
            result
                == .assumeRole(
                    .init(
                        profile: "dev",
                        roleArn: "arn:aws:iam::1:role/r",
                        roleSessionName: "sess",
                        source: .sharedCredentialsFile(
                            AWSCredentials(accessKeyId: "AK1", secretAccessKey: "S1"),
                            profile: "dev",
                            path: "/home/test/.aws/credentials"
                        )
                    )
                )
        )
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
        #expect(
            result
                == .assumeRole(
                    .init(profile: "ops", roleArn: "arn:a", externalId: "ext", durationSeconds: 1800, source: Self.imds)
                )
        )
    }

    @Test("credential_source Environment and EcsContainer")
    func assumeRole_credentialSources() throws {
        let environment = try source(
            ["AWS_ACCESS_KEY_ID": "", "AWS_PROFILE": "p", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x"],
            config: "[profile p]\nrole_arn = arn:a\ncredential_source = EcsContainer\n"
        )
        #expect(
            environment
                == .assumeRole(
                    .init(
                        profile: "p",
                        roleArn: "arn:a",
                        source: .container(.init(url: URL(string: "http://169.254.170.2/v2/x")!))
                    )
                )
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
        #expect(
            try source(["AWS_PROFILE": "a", "AWS_WEB_IDENTITY_TOKEN_FILE": "/env-token"], config: config)
                == .assumeRole(
                    .init(
                        profile: "a",
                        roleArn: "arn:a",
                        source: .assumeRole(
                            .init(
                                profile: "b",
                                roleArn: "arn:b",
                                source: .webIdentity(.init(tokenFile: "/tok", roleArn: "arn:c"))
                            )
                        )
                    )
                )
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
        #expect(
            try source(
                ["AWS_WEB_IDENTITY_TOKEN_FILE": "/t/token", "AWS_ROLE_ARN": "arn:r", "AWS_ROLE_SESSION_NAME": "ci"],
                credentials: "[default]\n" + Self.staticKeys
            ) == .webIdentity(.init(tokenFile: "/t/token", roleArn: "arn:r", roleSessionName: "ci"))
        )
        #expect(
            try source(
                ["AWS_PROFILE": "w", "AWS_ROLE_ARN": "arn:env"],
                config:
                    "[profile w]\nweb_identity_token_file = /p/token\nrole_arn = arn:profile\nrole_session_name = s\n"
            ) == .webIdentity(.init(tokenFile: "/p/token", roleArn: "arn:env", roleSessionName: "s"))
        )
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

    // MARK: Unsupported providers

    @Test(
        "SSO, aws login and credential_process are refused where botocore would use them",
        arguments: [
            ("[default]\nsso_account_id = 1\nsso_role_name = r\n", nil as String?, "uses AWS IAM Identity Center"),
            ("[default]\ncredential_process = /bin/creds\n" + staticKeys, nil, "uses credential_process"),
            ("[default]\nlogin_session = x\n", nil, "uses aws login"),
        ]
    )
    func unsupported(config: String, credentials: String?, message: String) {
        let error = configurationError { try source(config: config, credentials: credentials) }
        #expect(error?.code == .unsupportedCredentialSource)
        #expect(error?.message.hasPrefix("profile default \(message)") == true)
    }

    @Test("static keys in the credentials file come before credential_process, as in botocore")
    func sharedCredentialsBeforeProcess() throws {
        let result = try source(
            config: "[default]\ncredential_process = /bin/false\n",
            credentials: "[default]\n" + Self.staticKeys
        )
        #expect(
            result
                == .sharedCredentialsFile(
                    AWSCredentials(accessKeyId: "AKIAFILE", secretAccessKey: "SECRET"),
                    profile: "default",
                    path: "/home/test/.aws/credentials"
                )
        )
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
                "http://169.254.170.2/v2/creds?id=1", AWSCredentialSource.Container.Authorization.token("tok")
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
        ] as [([String: String], String, AWSCredentialSource.Container.Authorization)]
    )
    func container(
        environment: [String: String],
        url: String,
        authorization: AWSCredentialSource.Container.Authorization
    )
        throws
    {
        let result = try source(environment, config: "[default]\nregion = us-east-1\n")
        #expect(result == .container(.init(url: URL(string: url)!, authorization: authorization)))
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
            (
                [:], nil as String?,
                AWSCredentialSource.InstanceMetadata(endpoint: URL(string: "http://169.254.169.254/")!)
            ),
            (
                [
                    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6", "AWS_METADATA_SERVICE_TIMEOUT": "5",
                    "AWS_EC2_METADATA_V1_DISABLED": "true",
                ],
                "[default]\nmetadata_service_num_attempts = 3\n",
                .init(
                    endpoint: URL(string: "http://[fd00:ec2::254]/")!,
                    v1Disabled: true,
                    timeoutSeconds: 5,
                    attempts: 3
                )
            ),
            (
                [
                    "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://10.0.0.1:1338",
                    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "ipv6",
                ], nil,
                .init(endpoint: URL(string: "http://10.0.0.1:1338")!)
            ),
            ([:], "[default]\nimds_use_ipv6 = true\n", .init(endpoint: URL(string: "http://[fd00:ec2::254]/")!)),
        ] as [([String: String], String?, AWSCredentialSource.InstanceMetadata)]
    )
    func instanceMetadata(
        environment: [String: String],
        config: String?,
        expected: AWSCredentialSource.InstanceMetadata
    ) throws {
        #expect(try source(environment, config: config) == .instanceMetadata(expected))
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

    @Test("descriptions name the source without secrets")
    func descriptions_withoutSecrets() throws {
        let sources: [AWSCredentialSource] = [
            .environment(
                AWSCredentials(accessKeyId: "AKIAENV", secretAccessKey: "TOPSECRET", sessionToken: "TOKENSECRET")
            ),
            .assumeRole(
                .init(
                    profile: "p",
                    roleArn: "arn:a",
                    source: .configFile(
                        AWSCredentials(accessKeyId: "AK", secretAccessKey: "TOPSECRET"),
                        profile: "p",
                        path: "/c"
                    )
                )
            ),
            .container(.init(url: URL(string: "http://169.254.170.2/x")!, authorization: .token("TOKENSECRET"))),
        ]
        for source in sources {
            var dumped = ""
            dump(source, to: &dumped)
            for text in [source.description, "\(source)", String(reflecting: source), dumped] {
                #expect(!text.contains("TOPSECRET") && !text.contains("TOKENSECRET"), "\(text)")
            }
        }
        #expect(sources[1].description == "assume role arn:a (profile p) with config file /c, profile p (AK)")
    }
}
