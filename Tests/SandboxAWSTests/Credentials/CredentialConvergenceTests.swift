import Foundation
import SandboxHTTP
import SandboxCore
import SandboxRuntime
import SandboxTesting
import Testing

@testable import SandboxAWS

/// The whole path: `AWSCatalog.fromEnvironment` reads real files from a temporary home, the credentials come from a
/// `credential_process` or an SSO login, and the Reconciler converges a pool of three against the fake Service
/// Catalog, which verifies every signature with the secret it knows.
@Suite("a pool converges with credentials from credential_process and from SSO")
struct CredentialConvergenceTests {
    struct Home {
        let directory = temporaryDirectory()

        func write(_ relative: String, _ text: String) throws {
            let url = directory.appendingPathComponent(relative)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try Data(text.utf8).write(to: url)
        }

        func environment(_ fake: FakeServiceCatalogServer, _ extra: [String: String]) -> [String: String] {
            [
                "HOME": directory.path, "PATH": "/usr/bin:/bin", "AWS_PROFILE": "sandbox",
                "AWS_CONFIG_FILE": directory.path + "/.aws/config", "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_ENDPOINT_URL_SERVICE_CATALOG": fake.endpoint.absoluteString,
            ].merging(extra) { $1 }
        }

        func remove() {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    func converge(_ catalog: AWSCatalog, _ fake: FakeServiceCatalogServer) async throws {
        let requests = Dictionary(
            uniqueKeysWithValues: ["alice", "bob", "carol"].enumerated().map { index, requester in
                let id = RequestID("req-\(requester)")!
                return (id, RequestEntry.valid(RequestSpec(id: id, requester: requester, pullRequest: 10 + index)))
            }
        )
        let pool = PoolConfiguration(capacity: 3, lease: LeaseDuration("3d")!, product: sandboxProduct, parameters: [:])
        let clock = ManualClock()
        let reconciler = Reconciler(
            store: InMemoryJournalStore(lineage: "credentials"),
            state: JournalState(lineage: "credentials"),
            catalog: catalog,
            github: OfflineGitHub(),
            clock: clock,
            poolName: "default"
        )
        for _ in 0..<20 {
            _ = try await reconciler.pass(desired: DesiredState(pool: pool, requests: requests))
            clock.advance(by: 30)
            if await reconciler.state.requests.values.count(where: { $0.state == .active }) == 3 { break }
        }
        #expect(await reconciler.state.requests.values.allSatisfy { $0.state == .active })
        #expect(fake.liveProducts.count == 3)
        #expect(fake.violations.isEmpty, "\(fake.violations)")
    }

    @Test("credential_process (aws-vault, granted, 1Password): its keys sign every call")
    func credentialProcess() async throws {
        let keys = SigV4Verifier.Credentials(
            accessKeyId: "ASIAVAULT000000001",
            secretAccessKey: "vault/secret+key",
            sessionToken: "vault-session-token"
        )
        let script = try CredentialScript.printing(keys, expiration: "2099-01-01T00:00:00Z")
        defer { script.remove() }
        let home = Home()
        defer { home.remove() }
        try home.write(".aws/config", "[profile sandbox]\nregion = us-east-1\n" + script.configLine)
        let fake = try makeFakeCatalog(credentials: [keys])
        defer { fake.stop() }
        let catalog = try await AWSCatalog.fromEnvironment(
            home.environment(fake, [:]),
            poolName: "default",
            transport: sharedTransport,
            retryPolicy: testRetryPolicy()
        )
        #expect(catalog.summary.contains("credentials from credential_process of profile sandbox"))
        try await converge(catalog, fake)
        #expect(
            fake.requests.allSatisfy {
                $0.headers["Authorization"]?.contains("Credential=\(keys.accessKeyId)/") == true
            }
        )
        #expect(fake.requests.allSatisfy { $0.headers["X-Amz-Security-Token"] == keys.sessionToken })
        #expect(script.runs == 1)
    }

    @Test("SSO: the role's credentials from the portal sign every call")
    func singleSignOn() async throws {
        let fake = try makeFakeCatalog(credentials: [])
        defer { fake.stop() }
        let portal = try FakeSSOPortalServer(.init(accessToken: "sso-access-token", onIssue: { fake.accept($0) }))
        defer { portal.stop() }
        let home = Home()
        defer { home.remove() }
        try home.write(".aws/config", SSOCredentialsTests.sessionConfig)
        let cache = ".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json"
        try home.write(cache, ssoToken("sso-access-token", expiresAt: Date() + 8 * 3600))
        let catalog = try await AWSCatalog.fromEnvironment(
            home.environment(fake, ["AWS_ENDPOINT_URL_SSO": portal.endpoint.absoluteString]),
            poolName: "default",
            transport: sharedTransport,
            retryPolicy: testRetryPolicy()
        )
        #expect(catalog.summary.contains("credentials from IAM Identity Center (SSO) session corp"))
        try await converge(catalog, fake)
        let issued = try #require(portal.issued.first)
        #expect(portal.issued.count == 1)
        #expect(
            fake.requests.allSatisfy {
                $0.headers["Authorization"]?.contains("Credential=\(issued.accessKeyId)/") == true
            }
        )
        #expect(fake.requests.allSatisfy { $0.headers["X-Amz-Security-Token"] == issued.sessionToken })
    }

    @Test("SSO with an expired login: fromEnvironment fails at once with one line")
    func expiredLogin() async throws {
        let home = Home()
        defer { home.remove() }
        try home.write(".aws/config", SSOCredentialsTests.sessionConfig)
        try home.write(
            ".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json",
            ssoToken("sso-access-token", expiresAt: Date() - 3600)
        )
        let fake = try makeFakeCatalog()
        defer { fake.stop() }
        do {
            _ = try await AWSCatalog.fromEnvironment(
                home.environment(fake, [:]),
                poolName: "default",
                transport: sharedTransport
            )
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .ssoLoginRequired)
            #expect(
                error.message == "the SSO session for profile sandbox has expired: run aws sso login --profile sandbox"
            )
        }
        #expect(fake.requests.isEmpty)
    }
}
