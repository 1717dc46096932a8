import Foundation
import Testing

@testable import SandboxAWS

@Suite("AWS region, endpoints, retries and files")
struct AWSConfigurationResolverTests {
    // MARK: Region

    @Test(
        "region precedence: AWS_REGION, AWS_DEFAULT_REGION, then the profile (credentials file over config file)",
        arguments: [
            (["AWS_REGION": "ap-south-1", "AWS_DEFAULT_REGION": "us-east-1"], nil, nil, "ap-south-1"),
            (["AWS_DEFAULT_REGION": "us-east-1"], "[default]\nregion = eu-west-1\n", nil, "us-east-1"),
            (["AWS_REGION": ""], "[default]\nregion = eu-west-1\n", nil, "eu-west-1"),
            ([:], "[default]\nregion = eu-west-1\n", nil, "eu-west-1"),
            (["AWS_PROFILE": "dev"], "[profile dev]\nregion = eu-west-1\n", "[dev]\nregion = us-west-2\n", "us-west-2"),
            (["AWS_PROFILE": "x"], "[DEFAULT]\nregion = sa-east-1\n[profile x]\noutput = json\n", nil, "sa-east-1"),
            ([:], "[default]\nregion =\n", nil, nil),
            ([:], nil, nil, nil),
        ] as [([String: String], String?, String?, String?)]
    )
    func region_precedence(
        environment: [String: String],
        config: String?,
        credentials: String?,
        expected: String?
    )
        throws
    {
        #expect(try makeResolver(environment, config: config, credentials: credentials).resolveRegion() == expected)
    }

    @Test("a missing region says exactly what to set")
    func resolve_withoutRegion_explains() {
        let error = configurationError {
            try makeResolver(["AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S"]).resolve()
        }
        #expect(error?.code == .missingRegion)
        #expect(
            error?.message
                == "no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION, or region in the AWS_PROFILE's config)"
        )
    }

    @Test(
        "regions that are not host labels are rejected, as botocore's validate_region_name does",
        arguments: [
            "us_east_1", "us-east-1 # main", "-us-east-1", "us-east-1-", "12345", String(repeating: "a", count: 64),
        ]
    )
    func region_invalid(region: String) {
        let error = configurationError { try makeResolver(["AWS_REGION": region]).resolveRegion() }
        #expect(error?.code == .invalidRegion)
        #expect(error?.message.hasPrefix("AWS_REGION is \"\(region)\"") == true)
    }

    @Test("an inline comment is part of the value, so it makes the region invalid (botocore agrees)")
    func region_inlineComment() {
        let error = configurationError {
            try makeResolver(config: "[default]\nregion = us-east-1 # main\n").resolveRegion()
        }
        #expect(
            error?.message
                == "region in profile default is \"us-east-1 # main\", which is not a region name: use one like us-east-1"
        )
    }

    // MARK: Endpoint

    @Test(
        "partition endpoints, FIPS and dual-stack (all checked against botocore)",
        arguments: [
            ("us-east-1", [:], "https://servicecatalog.us-east-1.amazonaws.com", "us-east-1", "aws"),
            (
                "us-east-1", ["AWS_USE_FIPS_ENDPOINT": "true"], "https://servicecatalog-fips.us-east-1.amazonaws.com",
                "us-east-1", "aws"
            ),
            (
                "us-east-1", ["AWS_USE_DUALSTACK_ENDPOINT": "TRUE"], "https://servicecatalog.us-east-1.api.aws",
                "us-east-1", "aws"
            ),
            (
                "us-east-1", ["AWS_USE_FIPS_ENDPOINT": "1"], "https://servicecatalog.us-east-1.amazonaws.com",
                "us-east-1", "aws"
            ),
            ("cn-north-1", [:], "https://servicecatalog.cn-north-1.amazonaws.com.cn", "cn-north-1", "aws-cn"),
            (
                "cn-north-1", ["AWS_USE_FIPS_ENDPOINT": "TRUE", "AWS_USE_DUALSTACK_ENDPOINT": "true"],
                "https://servicecatalog-fips.cn-north-1.api.amazonwebservices.com.cn", "cn-north-1", "aws-cn"
            ),
            (
                "cn-northwest-1", ["AWS_USE_FIPS_ENDPOINT": "true"],
                "https://servicecatalog-fips.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1", "aws-cn"
            ),
            ("us-gov-west-1", [:], "https://servicecatalog.us-gov-west-1.amazonaws.com", "us-gov-west-1", "aws-us-gov"),
            (
                "fips-us-gov-west-1", [:], "https://servicecatalog-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1",
                "aws-us-gov"
            ),
            ("us-east-1-fips", [:], "https://servicecatalog-fips.us-east-1.amazonaws.com", "us-east-1", "aws"),
            ("xx-unknown-9", [:], "https://servicecatalog.xx-unknown-9.amazonaws.com", "xx-unknown-9", "aws"),
            ("us-iso-east-1", [:], "https://servicecatalog.us-iso-east-1.c2s.ic.gov", "us-iso-east-1", "aws-iso"),
            (
                "us-isob-east-1", [:], "https://servicecatalog.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1",
                "aws-iso-b"
            ),
            (
                "eu-isoe-west-1", [:], "https://servicecatalog.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1",
                "aws-iso-e"
            ),
            (
                "us-isof-south-1", [:], "https://servicecatalog.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1",
                "aws-iso-f"
            ),
            ("eusc-de-east-1", [:], "https://servicecatalog.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1", "aws-eusc"),
            ("ap-southeast-7", [:], "https://servicecatalog.ap-southeast-7.amazonaws.com", "ap-southeast-7", "aws"),
        ] as [(String, [String: String], String, String, String)]
    )
    func endpoint_fromPartition(
        region: String,
        environment: [String: String],
        url: String,
        signingRegion: String,
        partition: String
    ) throws {
        let endpoint = try makeResolver(environment).resolveEndpoint(region: region)
        #expect(endpoint.url.absoluteString == url)
        #expect(endpoint.signingRegion == signingRegion)
        #expect(endpoint.origin == "partition \(partition)")
    }

    @Test("use_fips_endpoint and use_dualstack_endpoint in the profile work too")
    func endpoint_flagsFromProfile() throws {
        let resolver = makeResolver(config: "[default]\nuse_fips_endpoint = True\nuse_dualstack_endpoint = true\n")
        #expect(
            try resolver.resolveEndpoint(region: "us-west-2").url.absoluteString
                == "https://servicecatalog-fips.us-west-2.api.aws"
        )
        let overridden = makeResolver(
            ["AWS_USE_FIPS_ENDPOINT": "false"],
            config: "[default]\nuse_fips_endpoint = true\n"
        )
        #expect(
            try overridden.resolveEndpoint(region: "us-west-2").url.absoluteString
                == "https://servicecatalog.us-west-2.amazonaws.com"
        )
    }

    static let servicesConfig = """
        [profile dev]
        region = eu-central-1
        services = my-svcs
        endpoint_url = http://profile-level:1
        [services my-svcs]
        service_catalog =
          endpoint_url = http://localhost:4566
        sts =
          endpoint_url = http://sts:2
        """

    @Test(
        "configured endpoints: service env, global env, services section, profile endpoint_url",
        arguments: [
            (
                [
                    "AWS_ENDPOINT_URL_SERVICE_CATALOG": "http://svc:1", "AWS_ENDPOINT_URL": "http://all:2",
                    "AWS_PROFILE": "dev",
                ],
                "http://svc:1", "AWS_ENDPOINT_URL_SERVICE_CATALOG"
            ),
            (["AWS_ENDPOINT_URL": "http://all:2", "AWS_PROFILE": "dev"], "http://all:2", "AWS_ENDPOINT_URL"),
            (
                ["AWS_PROFILE": "dev"], "http://localhost:4566",
                "endpoint_url for service_catalog in [services my-svcs]"
            ),
        ] as [([String: String], String, String)]
    )
    func endpoint_configured(environment: [String: String], url: String, origin: String) throws {
        let endpoint = try makeResolver(environment, config: Self.servicesConfig).resolveEndpoint(
            region: "eu-central-1"
        )
        #expect(endpoint.url.absoluteString == url)
        #expect(endpoint.origin == origin)
        #expect(endpoint.signingRegion == "eu-central-1")
    }

    @Test("a profile's endpoint_url is used when its services section has no service_catalog entry")
    func endpoint_profileLevel() throws {
        let config =
            "[profile p]\nendpoint_url = http://profile-level:1\nservices = s\n[services s]\nsts =\n  endpoint_url = http://sts:2\n"
        let endpoint = try makeResolver(["AWS_PROFILE": "p"], config: config).resolveEndpoint(region: "us-east-1")
        #expect(endpoint.url.absoluteString == "http://profile-level:1")
        #expect(endpoint.origin == "endpoint_url in profile p")
    }

    @Test("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS turns every configured endpoint off")
    func endpoint_ignoreConfigured() throws {
        let resolver = makeResolver(
            ["AWS_ENDPOINT_URL": "http://x:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "True", "AWS_PROFILE": "dev"],
            config: Self.servicesConfig
        )
        #expect(
            try resolver.resolveEndpoint(region: "us-west-2").url.absoluteString
                == "https://servicecatalog.us-west-2.amazonaws.com"
        )
    }

    @Test("a configured endpoint wins over FIPS and dual-stack, and signs for the plain region (botocore agrees)")
    func endpoint_configuredIgnoresFIPS() throws {
        let pseudo = try makeResolver(["AWS_ENDPOINT_URL": "http://localhost:4566"]).resolveEndpoint(
            region: "us-east-1-fips"
        )
        #expect(pseudo.url.absoluteString == "http://localhost:4566")
        #expect(pseudo.signingRegion == "us-east-1")
        let flags = try makeResolver([
            "AWS_ENDPOINT_URL": "http://localhost:4566", "AWS_USE_FIPS_ENDPOINT": "true",
            "AWS_USE_DUALSTACK_ENDPOINT": "true",
        ]).resolveEndpoint(region: "us-east-1")
        #expect(flags.url.absoluteString == "http://localhost:4566")
    }

    @Test("a services line naming a missing section is an error")
    func endpoint_missingServicesSection() {
        let error = configurationError {
            try makeResolver(["AWS_PROFILE": "dev"], config: "[profile dev]\nservices = nope\n").resolveEndpoint(
                region: "us-east-1"
            )
        }
        #expect(error?.code == .invalidProfile)
        #expect(
            error?.message
                == "profile dev has services = nope, but /home/test/.aws/config has no [services nope] section: add it or remove the services line"
        )
    }

    @Test(
        "an endpoint that is not a URL is an error",
        arguments: ["localhost:4566", "http://", "not a url", "ftp://x"]
    )
    func endpoint_invalid(url: String) {
        let error = configurationError {
            try makeResolver(["AWS_ENDPOINT_URL": url]).resolveEndpoint(region: "us-east-1")
        }
        #expect(error?.code == .invalidEndpoint)
        #expect(error?.message.hasPrefix("AWS_ENDPOINT_URL is \"\(url)\"") == true)
    }

    @Test(
        "STS and the SSO portal resolve like Service Catalog: their own variable, their services block, the partition",
        arguments: [
            (AWSService.sts, "us-east-1", [:], "https://sts.us-east-1.amazonaws.com"),
            (.sts, "cn-north-1", [:], "https://sts.cn-north-1.amazonaws.com.cn"),
            (.sts, "us-gov-west-1", ["AWS_USE_FIPS_ENDPOINT": "true"], "https://sts.us-gov-west-1.amazonaws.com"),
            (.sts, "us-east-1", ["AWS_USE_FIPS_ENDPOINT": "true"], "https://sts-fips.us-east-1.amazonaws.com"),
            (.sts, "eu-west-1", ["AWS_ENDPOINT_URL": "http://localhost:5000"], "http://localhost:5000"),
            (
                .sts, "eu-west-1", ["AWS_ENDPOINT_URL": "http://a:1", "AWS_ENDPOINT_URL_STS": "http://b:2"],
                "http://b:2"
            ),
            (
                .sts, "eu-west-1", ["AWS_ENDPOINT_URL_SERVICE_CATALOG": "http://a:1"],
                "https://sts.eu-west-1.amazonaws.com"
            ),
            (.sts, "eu-central-1", ["AWS_PROFILE": "dev"], "http://sts:2"),
            (.ssoPortal, "eu-west-1", [:], "https://portal.sso.eu-west-1.amazonaws.com"),
            (
                .ssoPortal, "us-gov-east-1", ["AWS_USE_FIPS_ENDPOINT": "true"],
                "https://portal.sso.us-gov-east-1.amazonaws.com"
            ),
            (.ssoPortal, "eu-west-1", ["AWS_USE_DUALSTACK_ENDPOINT": "true"], "https://portal.sso.eu-west-1.api.aws"),
            (.ssoPortal, "eu-west-1", ["AWS_ENDPOINT_URL_SSO": "http://127.0.0.1:9"], "http://127.0.0.1:9"),
            (
                .ssoPortal, "eu-west-1",
                ["AWS_ENDPOINT_URL_SSO": "http://s:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"],
                "https://portal.sso.eu-west-1.amazonaws.com"
            ),
        ] as [(AWSService, String, [String: String], String)]
    )
    func endpoint_otherServices(service: AWSService, region: String, environment: [String: String], url: String) throws
    {
        let resolver = makeResolver(environment, config: Self.servicesConfig)
        #expect(try resolver.resolveEndpoint(service, region: region).url.absoluteString == url)
    }

    // MARK: Retry

    @Test(
        "AWS_MAX_ATTEMPTS or max_attempts sets the attempts (at most 10); AWS_RETRY_MODE is not read",
        arguments: [
            ([:], nil, 3),
            (["AWS_MAX_ATTEMPTS": "4", "AWS_RETRY_MODE": "Standard"], nil, 4),
            ([:], "[default]\nmax_attempts = 7\nretry_mode = adaptive\n", 7),
            (["AWS_MAX_ATTEMPTS": "2"], "[default]\nmax_attempts = 7\n", 2),
            (["AWS_MAX_ATTEMPTS": "25"], nil, 10),
        ] as [([String: String], String?, Int)]
    )
    func retry_settings(environment: [String: String], config: String?, expected: Int) throws {
        var resolver = makeResolver(
            environment.merging(["AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S"]) {
                $1
            },
            config: config
        )
        resolver.retryPolicy = nil
        #expect(try resolver.resolve().retryPolicy.maxAttempts == expected)
    }

    @Test(
        "invalid attempt counts are errors, as in botocore",
        arguments: [
            ("0", "AWS_MAX_ATTEMPTS is \"0\": use a whole number of attempts, at least 1"),
            ("three", "AWS_MAX_ATTEMPTS is \"three\": use a whole number of attempts, at least 1"),
        ]
    )
    func retry_invalid(value: String, message: String) {
        let error = configurationError {
            try makeResolver([
                "AWS_MAX_ATTEMPTS": value, "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "A",
                "AWS_SECRET_ACCESS_KEY": "S",
            ]).resolve()
        }
        #expect(error?.code == .invalidValue)
        #expect(error?.message == message)
    }

    // MARK: Profile and files

    @Test(
        "profile selection: AWS_DEFAULT_PROFILE before AWS_PROFILE, else default",
        arguments: [
            (["AWS_DEFAULT_PROFILE": "a", "AWS_PROFILE": "b"], "a"),
            (["AWS_PROFILE": "b"], "b"),
            (["AWS_DEFAULT_PROFILE": "", "AWS_PROFILE": "b"], "b"),
            ([:], "default"),
        ] as [([String: String], String)]
    )
    func profileName(environment: [String: String], expected: String) throws {
        #expect(
            try makeResolver(environment, config: "[profile a]\n[profile b]\n").loadSettings().profileName == expected
        )
    }

    @Test("a profile named by AWS_PROFILE must exist, even when the environment has keys (ProfileNotFound)")
    func profileNotFound() {
        let error = configurationError {
            try makeResolver([
                "AWS_PROFILE": "nope", "AWS_ACCESS_KEY_ID": "E", "AWS_SECRET_ACCESS_KEY": "S",
                "AWS_REGION": "us-east-1",
            ]).resolve()
        }
        #expect(error?.code == .profileNotFound)
        #expect(
            error?.message
                == "AWS_PROFILE=nope names a profile that is in neither /home/test/.aws/config ([profile nope]) nor /home/test/.aws/credentials ([nope]): add it, or unset AWS_PROFILE"
        )
    }

    @Test("a profile defined only in the credentials file exists")
    func profileInCredentialsFileOnly() throws {
        let resolver = makeResolver(
            ["AWS_PROFILE": "ci", "AWS_REGION": "us-east-1"],
            credentials: "[ci]\naws_access_key_id = A\naws_secret_access_key = S\n"
        )
        #expect(try resolver.resolve().profileName == "ci")
    }

    @Test(
        "file paths: defaults, overrides, ~ and $VAR expansion",
        arguments: [
            ([:], "/home/test/.aws/config", "/home/test/.aws/credentials"),
            (
                ["AWS_CONFIG_FILE": "/etc/sandboxd/aws-config", "AWS_SHARED_CREDENTIALS_FILE": "~/creds"],
                "/etc/sandboxd/aws-config", "/home/test/creds"
            ),
            (
                [
                    "AWS_CONFIG_FILE": "$STATE/config", "AWS_SHARED_CREDENTIALS_FILE": "${STATE}/c$MISSING",
                    "STATE": "/var/lib/s",
                ], "/var/lib/s/config", "/var/lib/s/c$MISSING"
            ),
            (["HOME": "/", "AWS_CONFIG_FILE": "~"], "/", "/.aws/credentials"),
            (["AWS_CONFIG_FILE": "~other/config"], "~other/config", "/home/test/.aws/credentials"),
        ] as [([String: String], String, String)]
    )
    func filePaths(environment: [String: String], config: String, credentials: String) throws {
        let settings = try makeResolver(environment).loadSettings()
        #expect(settings.configFilePath == config)
        #expect(settings.credentialsFilePath == credentials)
    }

    @Test("files are read from the overridden paths")
    func filesFromOverriddenPaths() throws {
        let resolver = makeResolver(
            ["AWS_CONFIG_FILE": "/etc/aws/config", "AWS_SHARED_CREDENTIALS_FILE": "/etc/aws/credentials"],
            config: "[default]\nregion = ignored-1\n",
            otherFiles: [
                "/etc/aws/config": "[default]\nregion = eu-north-1\n",
                "/etc/aws/credentials": "[default]\naws_access_key_id = AKIAETC\naws_secret_access_key = S\n",
            ]
        )
        let configuration = try resolver.resolve()
        #expect(configuration.region == "eu-north-1")
        #expect(
            configuration.credentials.description
                == "shared credentials file /etc/aws/credentials, profile default (AKIAETC)"
        )
    }

    @Test("a malformed file and an unreadable file are reported with their path")
    func fileErrors() {
        let malformed = configurationError { try makeResolver(config: "region = x\n").resolveRegion() }
        #expect(malformed?.code == .malformedFile)
        #expect(
            malformed?.message == "/home/test/.aws/config, line 1: \"region = x\" comes before any [section] header"
        )

        struct Denied: Error, LocalizedError {
            var errorDescription: String? { "permission denied" }
        }
        let unreadable = AWSConfigurationResolver(
            environment: ["HOME": "/home/test"],
            fileReader: AWSFileReader { path in
                if path.hasSuffix("credentials") { throw Denied() }
                return nil
            },
            transport: sharedTransport
        )
        let error = configurationError { try unreadable.resolveRegion() }
        #expect(error?.code == .unreadableFile)
        #expect(
            error?.message
                == "cannot read /home/test/.aws/credentials: permission denied; fix its permissions or point AWS_SHARED_CREDENTIALS_FILE elsewhere"
        )
    }

    @Test("the file-system reader treats a missing file or a directory as no file")
    func fileSystemReader() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sandboxd-aws-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("config")
        try "[default]\nregion = us-east-2\n".write(to: file, atomically: true, encoding: .utf8)

        #expect(try AWSFileReader.fileSystem.contents(directory.path) == nil)
        #expect(try AWSFileReader.fileSystem.contents(directory.appendingPathComponent("missing").path) == nil)
        #expect(try AWSFileReader.fileSystem.contents(file.path) == "[default]\nregion = us-east-2\n")

        try Data([0x5b, 0xff, 0x5d]).write(to: file)
        #expect(throws: AWSConfigurationError.self) { try AWSFileReader.fileSystem.contents(file.path) }
    }

    @Test("resolve() puts it all together")
    func resolve_everything() throws {
        var resolver = makeResolver(
            ["AWS_PROFILE": "dev", "AWS_MAX_ATTEMPTS": "4"],
            config: Self.servicesConfig,
            credentials: "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = S\n"
        )
        resolver.retryPolicy = nil
        let configuration = try resolver.resolve()
        #expect(configuration.profileName == "dev")
        #expect(configuration.region == "eu-central-1")
        #expect(
            configuration.endpoint
                == AWSEndpoint(
                    url: URL(string: "http://localhost:4566")!,
                    signingRegion: "eu-central-1",
                    origin: "endpoint_url for service_catalog in [services my-svcs]"
                )
        )
        #expect(
            configuration.credentials.description
                == "shared credentials file /home/test/.aws/credentials, profile dev (AKIADEV)"
        )
        #expect(configuration.retryPolicy.maxAttempts == 4)
    }
}
