import Foundation
@testable import SandboxAWS
import SandboxCore
import SandboxHTTP
import SandboxTesting
import SandboxLocking
import Testing

@Suite("credential providers over real HTTP: IMDSv2, ECS, STS, web identity, caching")
struct CredentialProviderTests {
    @Test("IMDSv2: a token first, then the role, then its credentials, which sign correctly")
    func imdsV2() async throws {
        let imds = try makeIMDS()
        defer { imds.stop() }
        let provider = InstanceMetadataCredentialsProvider(
            endpoint: imds.baseURL,
            transport: sharedTransport,
            timeout: imdsTestTimeout
        )
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyId == servedCredentials.accessKeyId)
        #expect(credentials.sessionToken == servedCredentials.sessionToken)
        #expect(credentials.expiration.map { $0 > Date().addingTimeInterval(5 * 3600) } == true)
        #expect(
            imds.requests.map { "\($0.method) \($0.path)" } == [
                "PUT /latest/api/token", "GET /latest/meta-data/iam/security-credentials/",
                "GET /latest/meta-data/iam/security-credentials/sandboxd-role",
            ]
        )

        let fake = try makeFakeCatalog(credentials: [servedCredentials])
        defer { fake.stop() }
        let catalog = AWSCatalog(client: makeClient(for: fake, credentials: CachingCredentialsProvider(provider)))
        _ = try await catalog.listProducts(pool: "default")
        #expect(fake.violations.isEmpty)
        #expect(fake.requests.last?.headers["X-Amz-Security-Token"] == servedCredentials.sessionToken)
    }

    @Test("IMDS answering 405 to the token request falls back to IMDSv1, unless v1 is disabled")
    func imdsV1Fallback() async throws {
        let imds = try makeIMDS(v2: false)
        defer { imds.stop() }
        let provider = InstanceMetadataCredentialsProvider(
            endpoint: imds.baseURL,
            transport: sharedTransport,
            timeout: imdsTestTimeout
        )
        #expect(try await provider.credentials().accessKeyId == servedCredentials.accessKeyId)
        #expect(imds.requests.dropFirst().allSatisfy { $0.headers["x-aws-ec2-metadata-token"] == nil })

        let strict = InstanceMetadataCredentialsProvider(
            endpoint: imds.baseURL,
            v1Disabled: true,
            transport: sharedTransport,
            timeout: imdsTestTimeout
        )
        do {
            _ = try await strict.credentials()
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .credentialsRefused)
            #expect(error.message.contains("IMDSv1 is disabled"))
        }
    }

    @Test("ECS: the full URI with the token from its file in Authorization; 5xx retried, 4xx not")
    func container() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token")
        try Data("pod-identity-token-123\n".utf8).write(to: tokenFile)
        let failures = Locked(1)
        let server = try LoopbackHTTPServer { request in
            guard request.path == "/v1/credentials", request.headers["Authorization"] == "pod-identity-token-123" else {
                return .response(status: 403)
            }
            if failures.withLock({ value in
                defer { value -= 1 }
                return value > 0
            }) {
                return .response(status: 500)
            }
            return .response(status: 200, body: credentialsDocument(servedCredentials))
        }
        defer { server.stop() }
        let provider = ContainerCredentialsProvider(
            url: server.baseURL.appending(path: "v1/credentials"),
            authorization: .tokenFile(tokenFile.path),
            transport: sharedTransport,
            sleep: { _ in }
        )
        #expect(try await provider.credentials().secretAccessKey == servedCredentials.secretAccessKey)
        #expect(server.requests.count == 2)
        #expect(server.requests.last?.headers["Accept"] == "application/json")

        let wrong = ContainerCredentialsProvider(
            url: server.baseURL.appending(path: "v1/credentials"),
            authorization: .token("wrong-token-secret"),
            transport: sharedTransport,
            sleep: { _ in }
        )
        do {
            _ = try await wrong.credentials()
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .credentialsRefused)
            #expect(error.message.contains("HTTP 403"))
            #expect(!error.message.contains("wrong-token-secret"))
        }
        #expect(server.requests.count == 3)
    }

    @Test("STS AssumeRole: signed with the source keys, answered in XML, and the role's keys sign Service Catalog")
    func assumeRole() async throws {
        let fake = try makeFakeCatalog()
        defer { fake.stop() }
        let sts = try FakeSTSServer(.init(callers: [acceptedTestCredentials], onIssue: { fake.accept($0) }))
        defer { sts.stop() }
        let provider = STSCredentialsProvider(
            roleArn: "arn:aws:iam::210987654321:role/sandboxd-provisioner",
            proof: .signedBy(StaticCredentialsProvider(testCredentials)),
            endpoint: stsEndpoint(sts),
            transport: sharedTransport,
            sessionName: "sandboxd-test",
            externalId: "ext-1",
            durationSeconds: 900
        )
        let catalog = AWSCatalog(client: makeClient(for: fake, credentials: CachingCredentialsProvider(provider)))
        _ = try await catalog.listProducts(pool: "default")
        _ = try await catalog.listProducts(pool: "default")
        #expect(sts.issued.count == 1)  // cached
        #expect(sts.violations.isEmpty)
        #expect(fake.violations.isEmpty)
        let issued = try #require(sts.issued.first)
        #expect(fake.requests.last?.headers["Authorization"]?.contains("Credential=\(issued.accessKeyId)/") == true)
        #expect(
            sts.parameters.first == [
                "Action": "AssumeRole", "Version": "2011-06-15",
                "RoleArn": "arn:aws:iam::210987654321:role/sandboxd-provisioner", "RoleSessionName": "sandboxd-test",
                "ExternalId": "ext-1", "DurationSeconds": "900",
            ]
        )
        #expect(sts.requests.first?.headers["Authorization"]?.contains("/us-east-1/sts/aws4_request") == true)
    }

    @Test("STS: throttling is retried; a refusal is reported with STS's code and message, without secrets")
    func stsErrors() async throws {
        let sts = try FakeSTSServer(.init(callers: [acceptedTestCredentials]))
        defer { sts.stop() }
        func assumeRole(signedBy keys: AWSCredentials) -> STSCredentialsProvider {
            STSCredentialsProvider(
                roleArn: "arn:aws:iam::1:role/r",
                proof: .signedBy(StaticCredentialsProvider(keys)),
                endpoint: stsEndpoint(sts),
                transport: sharedTransport,
                retryPolicy: testRetryPolicy(),
                sessionName: "s"
            )
        }
        sts.throttleNext(2)
        let credentials = try await assumeRole(signedBy: testCredentials).credentials()
        #expect(credentials.accessKeyId.hasPrefix("ASIAFAKESTS"))
        #expect(credentials.secretAccessKey.contains("&key="))  // decoded from &amp;
        #expect(sts.requests.count == 3)

        let stranger = AWSCredentials(accessKeyId: "AKIASTRANGER", secretAccessKey: "stranger-secret")
        do {
            _ = try await assumeRole(signedBy: stranger).credentials()
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .credentialsRefused)
            #expect(error.message.hasPrefix("STS AssumeRole for arn:aws:iam::1:role/r failed: SignatureDoesNotMatch"))
            #expect(!error.message.contains("stranger-secret"))
        }
    }

    @Test("web identity: the token file is read and sent unsigned; a bad token is refused")
    func webIdentity() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token")
        try Data("eyJhbGciOiJSUzI1NiJ9.fake.token\n".utf8).write(to: tokenFile)
        let sts = try FakeSTSServer(.init())
        defer { sts.stop() }
        let provider = STSCredentialsProvider(
            roleArn: "arn:aws:iam::1:role/oidc",
            proof: .webIdentityTokenFile(tokenFile.path),
            endpoint: stsEndpoint(sts, region: "eu-west-1"),
            transport: sharedTransport,
            sessionName: "gha"
        )
        let credentials = try await provider.credentials()
        #expect(credentials.sessionToken == sts.issued.first?.sessionToken)
        #expect(sts.requests.first?.headers["Authorization"] == nil)
        #expect(sts.parameters.first?["WebIdentityToken"] == "eyJhbGciOiJSUzI1NiJ9.fake.token")
        #expect(sts.parameters.first?["Action"] == "AssumeRoleWithWebIdentity")

        try Data("forged-token-value".utf8).write(to: tokenFile)
        do {
            _ = try await provider.credentials()
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("InvalidIdentityToken"))
            #expect(!error.message.contains("forged-token-value"))
        }
    }
}

/// The fake STS as the resolver would give it.
func stsEndpoint(_ sts: FakeSTSServer, region: String = "us-east-1") -> AWSEndpoint {
    AWSEndpoint(url: sts.endpoint, signingRegion: region, origin: "AWS_ENDPOINT_URL_STS")
}

/// Counts fetches and hands out credentials that expire `lifetime` seconds after the (manual) clock's now.
final class CountingProvider: AWSCredentialsProvider {
    let fetches = Locked(0)
    let failing = Locked(false)
    let clock: Locked<Date>
    let lifetime: TimeInterval

    init(start: Date, lifetime: TimeInterval) {
        clock = Locked(start)
        self.lifetime = lifetime
    }

    var now: Date { clock.withLock { $0 } }

    func credentials() async throws(AWSConfigurationError) -> AWSCredentials {
        let count = fetches.withLock { value in
            value += 1
            return value
        }
        try? await Task.sleep(for: .milliseconds(20))
        if failing.withLock({ $0 }) { throw AWSConfigurationError(.credentialsUnavailable, "source down") }
        return AWSCredentials(
            accessKeyId: "ASIA\(count)",
            secretAccessKey: "s\(count)",
            sessionToken: "t",
            expiration: now.addingTimeInterval(lifetime)
        )
    }
}

@Suite("CachingCredentialsProvider refreshes before expiry, once at a time")
struct CachingCredentialsProviderTests {
    @Test("cached until 15 minutes before expiry, then refreshed")
    func refreshWindow() async throws {
        let source = CountingProvider(start: Date(timeIntervalSince1970: 1_800_000_000), lifetime: 3600)
        let cache = CachingCredentialsProvider(source, now: { source.now })
        #expect(try await cache.credentials().accessKeyId == "ASIA1")
        source.clock.withLock { $0 += 40 * 60 }
        #expect(try await cache.credentials().accessKeyId == "ASIA1")
        source.clock.withLock { $0 += 6 * 60 }
        #expect(try await cache.credentials().accessKeyId == "ASIA2")
        #expect(source.fetches.withLock { $0 } == 2)
    }

    @Test("concurrent callers share one refresh")
    func singleFlight() async throws {
        let source = CountingProvider(start: Date(timeIntervalSince1970: 1_800_000_000), lifetime: 3600)
        let cache = CachingCredentialsProvider(source, now: { source.now })
        let keys = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 {
                group.addTask { try await cache.credentials().accessKeyId }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(keys == ["ASIA1"])
        #expect(source.fetches.withLock { $0 } == 1)
    }

    @Test("a failed refresh keeps usable credentials, and fails once they are about to expire")
    func failedRefresh() async throws {
        let source = CountingProvider(start: Date(timeIntervalSince1970: 1_800_000_000), lifetime: 3600)
        let cache = CachingCredentialsProvider(source, now: { source.now })
        _ = try await cache.credentials()
        source.failing.withLock { $0 = true }
        source.clock.withLock { $0 += 50 * 60 }
        #expect(try await cache.credentials().accessKeyId == "ASIA1")
        source.clock.withLock { $0 += 9.5 * 60 }
        do {
            _ = try await cache.credentials()
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "source down")
        }
    }
}
