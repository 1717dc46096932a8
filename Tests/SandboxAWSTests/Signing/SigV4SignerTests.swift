import Foundation
import SandboxAWS
import SandboxCrypto
import Testing

@Suite("SigV4 signer")
struct SigV4SignerTests {
    @Test("reproduces every botocore vector step by step", arguments: SigV4Vector.shared + SigV4Vector.edgeCases)
    func signature_matchesBotocore(_ vector: SigV4Vector) {
        let signer = SigV4Signer(region: vector.inputs.region, service: vector.inputs.service)
        let result = signer.signature(for: vector.request, credentials: vector.credentials, date: vector.date)

        #expect(result.timestamp == vector.inputs.timestamp)
        #expect(result.canonicalRequest == vector.canonicalRequest)
        #expect(result.stringToSign == vector.stringToSign)
        let dateStamp = String(vector.inputs.timestamp.prefix(8))
        #expect(
            Hex.encode(
                signer.signingKey(secretAccessKey: vector.inputs.credentials.secretAccessKey, dateStamp: dateStamp)
            )
                == vector.signingKeyHex
        )
        #expect(result.signature == vector.signature)
        #expect(result.authorization == vector.authorization)
    }

    @Test("sign(_:) leaves the request with exactly botocore's headers", arguments: SigV4Vector.shared)
    func sign_addsBotocoreHeaders(_ vector: SigV4Vector) throws {
        let expected = try #require(vector.headersAfterSigning)
        var request = vector.request
        SigV4Signer(region: vector.inputs.region).sign(&request, credentials: vector.credentials, date: vector.date)

        let names = request.headers.map(\.0)
        #expect(Set(names) == Set(expected.keys), "same header names, same spelling")
        #expect(names.count == expected.count, "no duplicates")
        for (name, value) in request.headers {
            #expect(expected[name] == value, "\(name)")
        }
    }

    @Test("signing again for a retry replaces the previous date, token and signature")
    func sign_twice_replacesSigningHeaders() throws {
        let vector = try #require(SigV4Vector.shared.first { $0.name == "provision-product-session-token" })
        let signer = SigV4Signer(region: vector.inputs.region)
        var request = vector.request
        signer.sign(&request, credentials: vector.credentials, date: vector.date.addingTimeInterval(-3600))
        signer.sign(&request, credentials: vector.credentials, date: vector.date)

        #expect(request.headers.count == 5)
        #expect(request.headers.first { $0.0 == "Authorization" }?.1 == vector.authorization)
        #expect(request.headers.filter { $0.0.lowercased() == "x-amz-date" }.map(\.1) == [vector.inputs.timestamp])
    }

    @Test("a retry with long-term keys drops the security token of earlier temporary credentials")
    func sign_withoutToken_removesOldToken() throws {
        let vector = try #require(SigV4Vector.shared.first { $0.name == "describe-record-static-creds" })
        var request = vector.request
        request.headers.append(("x-amz-security-token", "stale"))
        SigV4Signer(region: vector.inputs.region).sign(&request, credentials: vector.credentials, date: vector.date)
        #expect(!request.headers.contains { $0.0.lowercased() == "x-amz-security-token" })
        #expect(request.headers.first { $0.0 == "Authorization" }?.1 == vector.authorization)
    }

    @Test("headers a transport adds or rewrites are never signed")
    func transportHeaders_areNotSigned() throws {
        let vector = try #require(SigV4Vector.shared.first { $0.name == "describe-record-static-creds" })
        var request = vector.request
        request.headers += [
            ("Content-Length", "26"), ("User-Agent", "sandboxd/1.0"), ("Accept", "*/*"),
            ("amz-sdk-invocation-id", "2f1e6c1a-8d2b-4c3e-9f4a-5b6c7d8e9f00"), ("amz-sdk-request", "attempt=1; max=3"),
            ("Host", "ignored.example.com"),
        ]
        let result = SigV4Signer(region: "us-east-1").signature(
            for: request,
            credentials: vector.credentials,
            date: vector.date
        )
        #expect(result.signedHeaders == "content-type;host;x-amz-date;x-amz-target")
        #expect(result.signature == vector.signature)
    }

    @Test(
        "timestamps are UTC, zero-padded, with fractional seconds dropped",
        arguments: [
            (0.0, "19700101T000000Z"),
            (951_782_400.0, "20000229T000000Z"),
            (1_709_251_199.999, "20240229T235959Z"),
            (1_735_603_200.0, "20241231T000000Z"),
            (4_102_444_800.5, "21000101T000000Z"),
        ]
    )
    func timestamp_formatsUTC(seconds: Double, expected: String) {
        #expect(SigV4Signer.timestamp(for: Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test("the cached signing key follows new credentials and new days")
    func signingKey_cacheFollowsSecretAndDate() {
        let signer = SigV4Signer(region: "us-east-1")
        let first = signer.signingKey(secretAccessKey: "secret-a", dateStamp: "20240115")
        #expect(signer.signingKey(secretAccessKey: "secret-a", dateStamp: "20240115") == first)
        #expect(signer.signingKey(secretAccessKey: "secret-b", dateStamp: "20240115") != first)
        #expect(signer.signingKey(secretAccessKey: "secret-a", dateStamp: "20240116") != first)
        #expect(signer.signingKey(secretAccessKey: "secret-a", dateStamp: "20240115") == first)
    }

    @Test("signing from many tasks at once gives the same answer")
    func signature_isSafeConcurrently() async throws {
        let vector = try #require(SigV4Vector.shared.first)
        let signer = SigV4Signer(region: vector.inputs.region)
        let signatures = await withTaskGroup(of: String.self) { group in
            for index in 0..<32 {
                group.addTask {
                    // Alternate secrets so the cache is replaced while other tasks read it.
                    var credentials = vector.credentials
                    if index % 2 == 1 { credentials.secretAccessKey += "x" }
                    let result = signer.signature(for: vector.request, credentials: credentials, date: vector.date)
                    return index % 2 == 0 ? result.signature : vector.signature
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(signatures.allSatisfy { $0 == vector.signature })
    }
}

@Suite("AWS credentials")
struct AWSCredentialsTests {
    let credentials = AWSCredentials(
        accessKeyId: "ASIAEXAMPLEKEYID1234",
        secretAccessKey: "Xj8Pq2Lr5Tv9Wz3Bn6Cm1Df4Gh7Jk0Ls/ExAmPlE",
        sessionToken: "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN",
        expiration: Date(timeIntervalSince1970: 1_709_251_199)
    )

    @Test("no text form shows the secret or the session token")
    func textForms_hideSecrets() {
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [
            credentials.description, credentials.debugDescription, "\(credentials)", String(reflecting: credentials),
            dumped,
        ] {
            #expect(text.contains("ASIAEXAMPLEKEYID1234"))
            #expect(!text.contains("Xj8Pq2Lr5Tv9Wz3Bn6Cm1Df4Gh7Jk0Ls"))
            #expect(!text.contains("IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN"))
        }
        #expect(credentials.description.contains("2024-02-29T23:59:59Z"))
    }

    @Test("long-term keys say they have no token")
    func description_withoutToken() {
        let longTerm = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI")
        #expect(
            longTerm.description
                == "AWSCredentials(accessKeyId: AKIDEXAMPLE, secretAccessKey: <redacted>, sessionToken: none)"
        )
    }
}
