import Foundation
import SandboxAWS
import SandboxCore
import SandboxHTTP
import SandboxTesting
import Testing

@Suite("ServiceCatalogClient: wire format, validation before sending, lenient decoding")
struct ServiceCatalogClientTests {
    @Test("requests are POST / with the JSON 1.1 headers, botocore's sdk headers and only model members")
    func wireFormat() async throws {
        let fake = try makeFakeCatalog()
        defer { fake.stop() }
        let catalog = AWSCatalog(client: makeClient(for: fake))
        _ = try await catalog.provision(provisionRequest("sandbox-req-wire", token: "sbxwire"))
        let request = try #require(fake.requests.last)
        #expect(request.method == "POST")
        #expect(request.path == "/")
        #expect(request.headers["Content-Type"] == "application/x-amz-json-1.1")
        #expect(request.headers["X-Amz-Target"] == "AWS242ServiceCatalogService.ProvisionProduct")
        #expect(request.headers["amz-sdk-request"] == "attempt=1; max=3")
        #expect(request.headers["amz-sdk-invocation-id"]?.count == 36)
        let authorization = try #require(request.headers["Authorization"])
        #expect(authorization.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target,"))
        #expect(authorization.contains("/us-east-1/servicecatalog/aws4_request"))
        let body = try #require(JSONValue.parse(request.body))
        guard let members = body.members else {
            Issue.record("not an object")
            return
        }
        #expect(
            Set(members.map(\.key)) == [
                "ProductId", "ProvisioningArtifactId", "PathId", "ProvisionedProductName", "ProvisioningParameters",
                "Tags",
                "ProvisionToken",
            ]
        )
        #expect(body["Tags"]?.elements?.count == 3)
        #expect(fake.violations.isEmpty)
    }

    @Test("terminate never sends IgnoreErrors")
    func noIgnoreErrors() async throws {
        let fake = try makeFakeCatalog(stepsToComplete: 1)
        defer { fake.stop() }
        let catalog = AWSCatalog(client: makeClient(for: fake))
        let receipt = try await catalog.provision(provisionRequest("sandbox-req-term", token: "sbxterm"))
        _ = try await catalog.describeRecord(id: receipt.recordId)
        _ = try await catalog.terminate(provisionedProductId: receipt.provisionedProductId!, token: "sbxtermtoken")
        let body = try #require(fake.requests.last.flatMap { JSONValue.parse($0.body) })
        #expect(body["IgnoreErrors"] == nil)
        #expect(body["RetainPhysicalResources"] == nil)
        #expect(body["TerminateToken"]?.stringValue == "sbxtermtoken")
    }

    @Test(
        "requests that break the model's constraints are refused before anything is sent",
        arguments: [
            ("sandbox req", "sbxok", ["x": "y"], "ProvisionedProductName \"sandbox req\""),
            ("-sandbox", "sbxok", ["x": "y"], "ProvisionedProductName \"-sandbox\""),
            (String(repeating: "a", count: 129), "sbxok", ["x": "y"], "129 characters"),
            ("sandbox-ok", "sbx.dotted", ["x": "y"], "ProvisionToken \"sbx.dotted\""),
            ("sandbox-ok", "", ["x": "y"], "ProvisionToken is empty"),
        ]
    )
    func validation(name: String, token: String, extraTags: [String: String], fragment: String) async throws {
        let fake = try makeFakeCatalog()
        defer { fake.stop() }
        let catalog = AWSCatalog(client: makeClient(for: fake))
        var request = provisionRequest(name, token: token)
        request.tags.merge(extraTags) { $1 }
        let error = await catalogError { _ = try await catalog.provision(request) }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.code == "ParamValidation")
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "no error")")
        #expect(fake.requests.isEmpty)
    }

    @Test("a parameter value over 4096 characters is refused without showing the value")
    func limits() async throws {
        let fake = try makeFakeCatalog()
        defer { fake.stop() }
        let catalog = AWSCatalog(client: makeClient(for: fake))
        var request = provisionRequest("sandbox-limits", token: "sbxlimits")
        request.parameters["Secretish"] = String(repeating: "s", count: 4097)
        let error = await catalogError { _ = try await catalog.provision(request) }
        #expect(error?.message.contains("ProvisioningParameters[2].Value (Secretish): 4097 characters") == true)
        #expect(error?.message.contains("ssss") == false)
        #expect(fake.requests.isEmpty)
    }

    @Test("temporary credentials send and sign X-Amz-Security-Token")
    func sessionToken() async throws {
        let temporary = AWSCredentials(
            accessKeyId: "ASIATEMP",
            secretAccessKey: "temp/secret",
            sessionToken: "token+/="
        )
        let fake = try makeFakeCatalog(credentials: [
            SigV4Verifier.Credentials(accessKeyId: "ASIATEMP", secretAccessKey: "temp/secret", sessionToken: "token+/=")
        ])
        defer { fake.stop() }
        let catalog = AWSCatalog(client: makeClient(for: fake, credentials: StaticCredentialsProvider(temporary)))
        _ = try await catalog.listProducts(pool: "default")
        let request = try #require(fake.requests.last)
        #expect(request.headers["X-Amz-Security-Token"] == "token+/=")
        #expect(request.headers["Authorization"]?.contains("x-amz-security-token;x-amz-target") == true)
        #expect(fake.violations.isEmpty)
    }

    @Test("wrong keys are refused by the fake's signature check and map to accessDenied")
    func wrongSecret() async throws {
        let fake = try makeFakeCatalog()
        defer { fake.stop() }
        let wrong = AWSCredentials(accessKeyId: testCredentials.accessKeyId, secretAccessKey: "not-the-secret")
        let catalog = AWSCatalog(client: makeClient(for: fake, credentials: StaticCredentialsProvider(wrong)))
        let error = await catalogError { _ = try await catalog.listProducts(pool: "default") }
        #expect(error?.kind == .accessDenied)
        #expect(error?.code == "InvalidSignatureException")
        #expect(error?.message.contains("not-the-secret") == false)
        #expect(fake.requests.count == 1)  // not retried
    }

    @Test("a clock five minutes off is reported plainly as clock skew")
    func clockSkew() async throws {
        let fake = try makeFakeCatalog()
        defer { fake.stop() }
        let client = makeClient(for: fake, now: { Date().addingTimeInterval(-754) })
        let error = await catalogError { _ = try await AWSCatalog(client: client).listProducts(pool: "default") }
        #expect(error?.kind == .clockSkew)
        let message = error?.message ?? ""
        #expect(message.hasPrefix("this machine's clock is off by 12m 3"), "\(message)")
        #expect(message.contains("(behind AWS); fix NTP"))
        #expect(message.contains("Signature expired"))
        #expect(error?.isTransient == true)
    }

    @Test("responses decode leniently: unknown members, fractional epoch seconds, unknown statuses")
    func lenientDecoding() async throws {
        let fake = try makeFakeCatalog()
        defer { fake.stop() }
        let body = #"""
            {"RecordDetail":{"RecordId":"rec-abc","Status":"SOMETHING_NEW","CreatedTime":1718900000.123,
             "RecordErrors":[{"Code":"X"},{"Description":"only a description"}],"Brand":{"new":["member"]},
             "RecordTags":[{"Key":"k"}]},"RecordOutputs":[],"Unknown":1}
            """#
        fake.enqueue(.reply(status: 200, body: body), for: "DescribeRecord")
        let client = makeClient(for: fake)
        let output = try await client.send(ServiceCatalog.describeRecord, ServiceCatalog.IdInput(id: "rec-abc"))
        #expect(output.recordDetail?.createdTime == Date(timeIntervalSince1970: 1_718_900_000.123))
        #expect(output.recordDetail?.recordTags == [ServiceCatalog.Tag(key: "k", value: "")])
        fake.enqueue(.reply(status: 200, body: body), for: "DescribeRecord")
        let record = try await AWSCatalog(client: client).describeRecord(id: "rec-abc")
        #expect(record.status == .inProgress)
        #expect(record.errors == ["X", "only a description"])
    }

    @Test("a success whose body is not the expected JSON is an error, not a crash")
    func garbageBody() async throws {
        let fake = try makeFakeCatalog()
        defer { fake.stop() }
        fake.enqueue(.reply(status: 200, body: "<html>proxy</html>"), for: "DescribeRecord")
        let error = await catalogError {
            _ = try await AWSCatalog(client: makeClient(for: fake)).describeRecord(id: "rec-x")
        }
        #expect(error?.kind == .other)
        #expect(error?.message.contains("not the expected JSON") == true)
    }

    @Test("a page token that comes back twice stops the listing with an error")
    func repeatedPageToken() async throws {
        let fake = try makeFakeCatalog()
        defer { fake.stop() }
        let page = #"{"ProvisionedProducts":[],"NextPageToken":"same"}"#
        fake.enqueue(.reply(status: 200, body: page), for: "SearchProvisionedProducts")
        fake.enqueue(.reply(status: 200, body: page), for: "SearchProvisionedProducts")
        let error = await catalogError {
            _ = try await AWSCatalog(client: makeClient(for: fake)).listProducts(pool: "p")
        }
        #expect(error?.message.contains("same NextPageToken twice") == true)
    }
}
