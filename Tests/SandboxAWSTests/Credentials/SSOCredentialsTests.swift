import Foundation
import SandboxHTTP
import SandboxTesting
import SandboxLocking
import Testing

@testable import SandboxAWS

/// Files the test can change while a resolver reads them (a new `aws sso login` rewrites the token cache).
final class MutableFiles: Sendable {
    let files: Locked<[String: String]>

    init(_ files: [String: String]) {
        self.files = Locked(files)
    }

    var reader: AWSFileReader { AWSFileReader { path in self.files.withLock { $0[path] } } }

    subscript(path: String) -> String? {
        get { files.withLock { $0[path] } }
        set { files.withLock { $0[path] = newValue } }
    }
}

/// A clock the test moves.
final class TestClock: Sendable {
    private let date: Locked<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        date = Locked(start)
    }

    var now: Date { date.withLock { $0 } }

    func set(_ value: Date) {
        date.withLock { $0 = value }
    }

    func advance(_ seconds: TimeInterval) {
        date.withLock { $0 += seconds }
    }
}

/// The AWS CLI's token cache entry, as `aws sso login` writes it.
func ssoToken(_ accessToken: String, expiresAt: Date) -> String {
    let formatter = ISO8601DateFormatter()
    return """
        {"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1", "accessToken": "\(accessToken)",
         "expiresAt": "\(formatter.string(from: expiresAt))", "clientId": "c", "clientSecret": "CLIENTSECRET",
         "refreshToken": "REFRESHSECRET"}
        """
}

@Suite("IAM Identity Center (SSO): the CLI's token cache, the portal's GetRoleCredentials, and aws sso login advice")
struct SSOCredentialsTests {
    static let sessionConfig = """
        [profile sandbox]
        sso_session = corp
        sso_account_id = 111122223333
        sso_role_name = SandboxdProvisioner
        region = us-east-1
        [sso-session corp]
        sso_start_url = https://corp.awsapps.com/start
        sso_region = eu-west-1
        sso_registration_scopes = sso:account:access
        """
    static let legacyConfig = """
        [profile sandbox]
        sso_start_url = https://legacy.awsapps.com/start
        sso_region = eu-west-1
        sso_account_id = 111122223333
        sso_role_name = SandboxdProvisioner
        region = us-east-1
        """
    /// `sha1("corp")` and `sha1("https://legacy.awsapps.com/start")`, as botocore's `SSOTokenLoader` names them.
    static let sessionCache = "/home/test/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json"
    static let legacyCache = "/home/test/.aws/sso/cache/79e435d7a515078e81c9dffc35f38d5687ebd3a7.json"

    struct Scene {
        let portal: FakeSSOPortalServer
        let files: MutableFiles
        let clock = TestClock()
        let resolver: AWSConfigurationResolver

        init(
            config: String = SSOCredentialsTests.sessionConfig,
            cache: String? = SSOCredentialsTests.sessionCache
        ) throws {
            let clock = clock
            portal = try FakeSSOPortalServer(.init(accessToken: "portal-token-ok", now: { clock.now }))
            var files = ["/home/test/.aws/config": config]
            if let cache { files[cache] = ssoToken("portal-token-ok", expiresAt: clock.now + 8 * 3600) }
            self.files = MutableFiles(files)
            resolver = AWSConfigurationResolver(
                environment: [
                    "HOME": "/home/test", "AWS_PROFILE": "sandbox",
                    "AWS_ENDPOINT_URL_SSO": portal.endpoint.absoluteString,
                ],
                fileReader: self.files.reader,
                transport: sharedTransport,
                retryPolicy: testRetryPolicy(),
                now: { clock.now }
            )
        }

        var credentials: ResolvedCredentials {
            get throws { try resolver.resolve().credentials }
        }

        func stop() {
            portal.stop()
        }
    }

    @Test("sso_session: the token cached under the session's name buys the role's credentials, unsigned")
    func ssoSession() async throws {
        let scene = try Scene()
        defer { scene.stop() }
        let resolved = try scene.credentials
        try await resolved.startupCheck?()
        let credentials = try await resolved.provider.credentials()
        let issued = try #require(scene.portal.issued.first)
        #expect(credentials.accessKeyId == issued.accessKeyId)
        #expect(credentials.secretAccessKey == issued.secretAccessKey)
        #expect(credentials.sessionToken == issued.sessionToken)
        #expect(credentials.expiration == scene.clock.now + 3600)
        #expect(scene.portal.violations.isEmpty)
        let request = try #require(scene.portal.requests.first)
        #expect(request.path == "/federation/credentials?account_id=111122223333&role_name=SandboxdProvisioner")
        #expect(request.headers["x-amz-sso_bearer_token"] == "portal-token-ok")
        #expect(request.headers["Authorization"] == nil)
    }

    @Test("legacy keys: the token cached under the start URL's hash")
    func legacyProfile() async throws {
        let scene = try Scene(config: Self.legacyConfig, cache: Self.legacyCache)
        defer { scene.stop() }
        let resolved = try scene.credentials
        try await resolved.startupCheck?()
        #expect(try await resolved.provider.credentials().accessKeyId == scene.portal.issued.first?.accessKeyId)
    }

    @Test("the role's credentials are cached until shortly before they expire, then bought again")
    func refresh() async throws {
        let scene = try Scene()
        defer { scene.stop() }
        let provider = try scene.credentials.provider
        let first = try await provider.credentials()
        scene.clock.advance(40 * 60)
        #expect(try await provider.credentials() == first)
        scene.clock.advance(10 * 60)
        #expect(try await provider.credentials().accessKeyId != first.accessKeyId)
        #expect(scene.portal.issued.count == 2)
    }

    @Test("an expired or missing token stops start-up with one line saying to run aws sso login")
    func expiredToken() async throws {
        let scene = try Scene()
        defer { scene.stop() }
        scene.files[Self.sessionCache] = ssoToken("portal-token-ok", expiresAt: scene.clock.now - 60)
        let resolved = try scene.credentials
        let error = await startupError(resolved)
        #expect(error?.code == .ssoLoginRequired)
        #expect(
            error?.message == "the SSO session for profile sandbox has expired: run aws sso login --profile sandbox"
        )
        #expect(await credentialsError(resolved.provider)?.message == error?.message)
        #expect(scene.portal.requests.isEmpty)

        scene.files[Self.sessionCache] = nil
        let missing = await startupError(resolved)
        #expect(missing?.code == .ssoLoginRequired)
        #expect(
            missing?.message
                == "the SSO session for profile sandbox has not started (no \(Self.sessionCache)): run aws sso login --profile sandbox"
        )
        scene.files[Self.sessionCache] = "not json"
        #expect(
            await startupError(resolved)?.message.hasSuffix("is not valid: run aws sso login --profile sandbox") == true
        )
    }

    @Test("a new login is picked up without a restart")
    func newLogin() async throws {
        let scene = try Scene()
        defer { scene.stop() }
        scene.files[Self.sessionCache] = ssoToken("portal-token-ok", expiresAt: scene.clock.now - 60)
        let provider = try scene.credentials.provider
        #expect(await credentialsError(provider) != nil)
        scene.files[Self.sessionCache] = ssoToken("portal-token-ok", expiresAt: scene.clock.now + 3600)
        #expect(try await provider.credentials().accessKeyId == scene.portal.issued.first?.accessKeyId)
    }

    @Test("the portal refusing the token (401) is reported with the same advice, without the token")
    func portalRefuses() async throws {
        let scene = try Scene()
        defer { scene.stop() }
        scene.files[Self.sessionCache] = ssoToken("revoked-token-SECRET", expiresAt: scene.clock.now + 3600)
        let resolved = try scene.credentials
        try await resolved.startupCheck?()  // the cache alone looks fine
        let error = await credentialsError(resolved.provider)
        let message = try #require(error?.message)
        #expect(error?.code == .credentialsRefused)
        #expect(message.hasPrefix("the SSO session for profile sandbox has expired or was revoked"), "\(message)")
        #expect(message.contains("HTTP 401 UnauthorizedException"), "\(message)")
        #expect(message.hasSuffix(": run aws sso login --profile sandbox"), "\(message)")
        #expect(!message.contains("revoked-token-SECRET"))
    }

    @Test("a role the user is not assigned (403) gets the same advice; the account and role are named")
    func portalForbids() async throws {
        let scene = try Scene(config: Self.sessionConfig.replacing("SandboxdProvisioner", with: "Other"))
        defer { scene.stop() }
        let message = await credentialsError(try scene.credentials.provider)?.message ?? ""
        #expect(message.contains("account 111122223333, role Other"), "\(message)")
        #expect(message.contains("HTTP 403 ForbiddenException"), "\(message)")
    }
}

/// The error a resolved source's start-up check throws, if any.
func startupError(_ resolved: ResolvedCredentials) async -> AWSConfigurationError? {
    do {
        try await resolved.startupCheck?()
        return nil
    } catch {
        return error
    }
}
