import Foundation
@testable import SandboxAWS
import SandboxCore
import SandboxHTTP
import Testing

/// The same client code against a real third-party peer: moto's server (`moto[server]` from PyPI).
///
/// `.ci/run` installs moto when it is missing, starts `moto_server` on 127.0.0.1 and sets `SANDBOXD_TEST_MOTO_URL`.
/// Without that variable each test here passes without checking anything and prints "moto not configured", so a
/// plain `swift test` on a fresh machine stays green and says what it did not cover.
///
/// moto does not verify signatures and does not implement provisioning, so this suite covers STS (AssumeRole and
/// AssumeRoleWithWebIdentity answered in AWS's XML) and Service Catalog's JSON protocol and error format
/// (`DescribeProduct`).
@Suite("against moto_server (SANDBOXD_TEST_MOTO_URL)")
struct MotoTests {
    /// moto's URL, or `nil` (after saying so) when it is not configured.
    static func motoURL(_ test: String) -> URL? {
        guard let value = ProcessInfo.processInfo.environment["SANDBOXD_TEST_MOTO_URL"], !value.isEmpty,
            let url = URL(string: value)
        else {
            print(
                "moto not configured: \(test) checked nothing (set SANDBOXD_TEST_MOTO_URL to a moto_server URL; .ci/run does)"
            )
            return nil
        }
        return url
    }

    static let motoCredentials = AWSCredentials(accessKeyId: "testing", secretAccessKey: "testing")

    @Test("STS AssumeRole: moto's XML answer becomes temporary credentials")
    func assumeRole() async throws {
        guard let url = Self.motoURL("STS AssumeRole") else { return }
        let sts = STSCredentialsProvider(
            roleArn: "arn:aws:iam::123456789012:role/sandboxd",
            proof: .signedBy(StaticCredentialsProvider(Self.motoCredentials)),
            endpoint: AWSEndpoint(url: url, signingRegion: "us-east-1", origin: "moto"),
            transport: sharedTransport,
            sessionName: "sandboxd-moto",
            durationSeconds: 900
        )
        let credentials = try await sts.credentials()
        #expect(credentials.accessKeyId.hasPrefix("ASIA"))
        #expect(!credentials.secretAccessKey.isEmpty)
        #expect(credentials.sessionToken?.isEmpty == false)
        #expect(credentials.expiration.map { $0 > Date() } == true)
    }

    @Test("STS AssumeRoleWithWebIdentity from a token file, through the caching provider")
    func webIdentity() async throws {
        guard let url = Self.motoURL("STS AssumeRoleWithWebIdentity") else { return }
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token")
        try Data("eyJhbGciOiJSUzI1NiJ9.moto.token".utf8).write(to: tokenFile)
        let provider = CachingCredentialsProvider(
            STSCredentialsProvider(
                roleArn: "arn:aws:iam::123456789012:role/oidc",
                proof: .webIdentityTokenFile(tokenFile.path),
                endpoint: AWSEndpoint(url: url, signingRegion: "us-east-1", origin: "moto"),
                transport: sharedTransport
            )
        )
        let first = try await provider.credentials()
        let second = try await provider.credentials()
        #expect(first.accessKeyId.hasPrefix("ASIA"))
        #expect(first == second)
    }

    @Test("Service Catalog JSON 1.1: DescribeProduct finds a product and decodes moto's ResourceNotFoundException")
    func describeProduct() async throws {
        guard let url = Self.motoURL("Service Catalog DescribeProduct") else { return }
        let transport = sharedTransport
        // Create a product with a raw signed call (the client has no admin operations).
        let name = "sandbox-\(UUID().uuidString.prefix(8))"
        let body = Array(
            #"{"IdempotencyToken":"\#(name)","Name":"\#(name)","Owner":"platform","ProductType":"CLOUD_FORMATION_TEMPLATE","ProvisioningArtifactParameters":{"Info":{"LoadTemplateFromURL":"https://example.com/t.yaml"}}}"#
                .utf8
        )
        var signable = SigV4Request(
            method: "POST",
            url: url,
            headers: [
                ("X-Amz-Target", "AWS242ServiceCatalogService.CreateProduct"),
                ("Content-Type", "application/x-amz-json-1.1"),
            ],
            body: body
        )
        SigV4Signer(region: "us-east-1").sign(&signable, credentials: Self.motoCredentials, date: Date())
        let created = try await transport.send(
            HTTPRequest(
                method: "POST",
                url: url,
                headers: HTTPHeaders(signable.headers.map { (name: $0.0, value: $0.1) }),
                body: Data(body),
                timeout: .seconds(10)
            )
        )
        #expect(created.status == 200)
        let object = try JSONSerialization.jsonObject(with: created.body) as? [String: Any]
        let view = (object?["ProductViewDetail"] as? [String: Any])?["ProductViewSummary"] as? [String: Any]
        let productId = try #require(view?["ProductId"] as? String)

        let client = ServiceCatalogClient(
            endpoint: url,
            region: "us-east-1",
            credentials: StaticCredentialsProvider(Self.motoCredentials),
            transport: transport
        )
        let product = try await client.send(ServiceCatalog.describeProduct, ServiceCatalog.IdInput(id: productId))
        // moto answers `"ProvisioningArtifacts": [], "LaunchPaths": []` beside members sandboxd does not read:
        // the lists decode (present, not nil) and the unknown members are ignored.
        #expect(product.provisioningArtifacts == [], "\(product)")
        #expect(product.launchPaths == [], "\(product)")

        let catalog = AWSCatalog(client: client)
        let error = await catalogError {
            try await catalog.checkProduct(
                ProductReference(productId: "prod-nothere12345", provisioningArtifactId: "pa-nothere12345")
            )
        }
        #expect(error?.kind == .notFound)
        #expect(error?.code == "ResourceNotFoundException")
        #expect(error?.message.contains("Product with Id 'prod-nothere12345' not found.") == true)
    }
}
