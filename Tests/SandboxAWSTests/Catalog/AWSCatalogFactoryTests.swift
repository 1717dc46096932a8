import Foundation
import SandboxAWS
import SandboxCore
import SandboxHTTP
import SandboxTesting
import Testing

@Suite("AWSCatalog.fromEnvironment: configuration, fail-fast messages, and signing with each credential source")
struct AWSCatalogFactoryTests {
    /// An environment with an in-memory home, so the real ~/.aws is never read.
    func environment(_ values: [String: String]) -> [String: String] {
        values.merging(["HOME": "/home/test"]) { current, _ in current }
    }

    func factoryError(
        _ environment: [String: String],
        files: [String: String] = [:],
        pool: String = "default"
    ) async -> AWSConfigurationError? {
        do {
            _ = try await AWSCatalog.fromEnvironment(
                environment,
                poolName: pool,
                fileReader: .inMemory(files),
                transport: sharedTransport
            )
            return nil
        } catch {
            return error
        }
    }

    @Test("no region: one line saying what to set")
    func missingRegion() async {
        let error = await factoryError(
            environment(["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret-x"])
        )
        #expect(error?.code == .missingRegion)
        #expect(error?.message.hasPrefix("no AWS region: set AWS_REGION") == true)
        #expect(error?.message.contains("\n") == false)
    }

    @Test("no credentials (instance metadata disabled): one line saying what to set")
    func missingCredentials() async {
        let error = await factoryError(environment(["AWS_REGION": "eu-west-1", "AWS_EC2_METADATA_DISABLED": "true"]))
        #expect(error?.code == .noCredentials)
        #expect(error?.message.hasPrefix("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY") == true)
        #expect(error?.message.contains("\n") == false)
    }

    @Test("no credentials anywhere and no instance metadata answering: fails at start-up, not every pass")
    func noInstanceMetadata() async throws {
        // Port 1 on loopback: nothing listens there, and unlike a just-closed ephemeral port it cannot be handed to
        // another test's server meanwhile.
        let url = "http://127.0.0.1:1/"
        let started = ContinuousClock.now
        let error = await factoryError(
            environment(["AWS_REGION": "eu-west-1", "AWS_EC2_METADATA_SERVICE_ENDPOINT": url])
        )
        // Generous (the suite runs in parallel on 2 cores): the point is one bounded try, not a hang.
        #expect(ContinuousClock.now - started < Sanitizer.scaled(.seconds(30)))
        #expect(error?.code == .noCredentials)
        #expect(error?.message.hasPrefix("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY") == true)
        #expect(error?.message.contains("instance metadata at \(url)") == true)
        #expect(error?.message.contains("\n") == false)
    }

    @Test("a pool name that cannot be a tag value is refused")
    func badPoolName() async {
        let error = await factoryError(
            environment(["AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s"]),
            pool: "team;prod"
        )
        #expect(error?.code == .invalidValue)
        #expect(error?.message.contains("team;prod") == true)
    }

    @Test("credentials only in a shared credentials file profile sign correctly")
    func sharedCredentialsFile() async throws {
        let fake = try makeFakeCatalog()
        defer { fake.stop() }
        let catalog = try await AWSCatalog.fromEnvironment(
            environment([
                "AWS_PROFILE": "sandbox", "AWS_REGION": "us-east-1",
                "AWS_ENDPOINT_URL_SERVICE_CATALOG": fake.endpoint.absoluteString,
            ]),
            poolName: "default",
            fileReader: .inMemory([
                "/home/test/.aws/credentials": """
                [default]
                aws_access_key_id = AKIAWRONGPROFILE
                aws_secret_access_key = wrong
                [sandbox]
                aws_access_key_id = \(testCredentials.accessKeyId)
                aws_secret_access_key = \(testCredentials.secretAccessKey)
                """
            ]),
            transport: sharedTransport,
            retryPolicy: testRetryPolicy()
        )
        try await catalog.checkProduct(sandboxProduct)
        _ = try await catalog.listProducts(pool: "default")
        #expect(fake.violations.isEmpty)
        // DescribeProduct, DescribeProvisioningArtifact, and the first listing: narrowed, then checked in full.
        #expect(fake.requests.count == 4)
        #expect(catalog.summary.contains(fake.endpoint.absoluteString))
        #expect(catalog.summary.contains("profile sandbox"))
        #expect(!catalog.summary.contains(testCredentials.secretAccessKey))
    }

    @Test("credentials only behind an IMDSv2 endpoint sign correctly")
    func instanceMetadataOnly() async throws {
        let imds = try makeIMDS()
        defer { imds.stop() }
        let fake = try makeFakeCatalog(credentials: [servedCredentials])
        defer { fake.stop() }
        let catalog = try await AWSCatalog.fromEnvironment(
            environment([
                "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.baseURL.absoluteString,
                "AWS_ENDPOINT_URL": fake.endpoint.absoluteString, "AWS_METADATA_SERVICE_TIMEOUT": "10",
            ]),
            poolName: "default",
            fileReader: .inMemory([:]),
            transport: sharedTransport,
            retryPolicy: testRetryPolicy()
        )
        _ = try await catalog.provision(provisionRequest("sandbox-imds", token: "sbximds"))
        #expect(fake.violations.isEmpty)
        #expect(fake.liveProducts.count == 1)
        #expect(imds.requests.filter { $0.method == "PUT" }.count == 1)  // fetched once, at start-up, then cached
    }

    @Test("an assume-role profile goes through STS, and the role's credentials sign")
    func assumeRoleProfile() async throws {
        let fake = try makeFakeCatalog(credentials: [])
        defer { fake.stop() }
        let sts = try FakeSTSServer(.init(callers: [acceptedTestCredentials], onIssue: { fake.accept($0) }))
        defer { sts.stop() }
        let catalog = try await AWSCatalog.fromEnvironment(
            environment([
                "AWS_PROFILE": "sandbox-account", "AWS_ENDPOINT_URL_SERVICE_CATALOG": fake.endpoint.absoluteString,
                "AWS_ENDPOINT_URL_STS": sts.endpoint.absoluteString,
            ]),
            poolName: "default",
            fileReader: .inMemory([
                "/home/test/.aws/config": """
                [profile sandbox-account]
                region = us-east-1
                role_arn = arn:aws:iam::210987654321:role/sandboxd
                role_session_name = sandboxd-daemon
                source_profile = control
                """,
                "/home/test/.aws/credentials": """
                [control]
                aws_access_key_id = \(testCredentials.accessKeyId)
                aws_secret_access_key = \(testCredentials.secretAccessKey)
                """,
            ]),
            transport: sharedTransport,
            retryPolicy: testRetryPolicy()
        )
        _ = try await catalog.listProducts(pool: "default")
        #expect(fake.violations.isEmpty)
        #expect(sts.violations.isEmpty)
        #expect(sts.parameters.first?["RoleSessionName"] == "sandboxd-daemon")
        #expect(catalog.summary.contains("assume role arn:aws:iam::210987654321:role/sandboxd"))
    }

    @Test("web identity from the environment goes through STS unsigned")
    func webIdentityEnvironment() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token")
        try Data("eyJhbGciOiJSUzI1NiJ9.fake.token".utf8).write(to: tokenFile)
        let fake = try makeFakeCatalog(credentials: [])
        defer { fake.stop() }
        let sts = try FakeSTSServer(.init(onIssue: { fake.accept($0) }))
        defer { sts.stop() }
        let catalog = try await AWSCatalog.fromEnvironment(
            environment([
                "AWS_REGION": "us-east-1", "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path,
                "AWS_ROLE_ARN": "arn:aws:iam::1:role/oidc", "AWS_ENDPOINT_URL": fake.endpoint.absoluteString,
                "AWS_ENDPOINT_URL_STS": sts.endpoint.absoluteString,
            ]),
            poolName: "default",
            fileReader: .inMemory([:]),
            transport: sharedTransport,
            retryPolicy: testRetryPolicy()
        )
        _ = try await catalog.listProducts(pool: "default")
        #expect(fake.violations.isEmpty)
        #expect(sts.issued.count == 1)
    }

    @Test("regional endpoints, with the .amazonaws.com.cn suffix in China")
    func regionalEndpoints() async throws {
        let credentials = ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"]
        let china = try await AWSCatalog.fromEnvironment(
            environment(credentials.merging(["AWS_REGION": "cn-north-1"]) { $1 }),
            poolName: "default",
            fileReader: .inMemory([:]),
            transport: sharedTransport
        )
        #expect(china.client.endpoint.absoluteString == "https://servicecatalog.cn-north-1.amazonaws.com.cn")
        #expect(china.client.region == "cn-north-1")
        let frankfurt = try await AWSCatalog.fromEnvironment(
            environment(credentials.merging(["AWS_REGION": "eu-central-1"]) { $1 }),
            poolName: "default",
            fileReader: .inMemory([:]),
            transport: sharedTransport
        )
        #expect(frankfurt.client.endpoint.absoluteString == "https://servicecatalog.eu-central-1.amazonaws.com")
        // STS's regional endpoints, which assume-role and web identity use: AWSConfigurationResolverTests.
    }
}
