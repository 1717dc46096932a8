import Foundation
import SandboxCore
import SandboxHTTP
import SandboxTesting
import Testing

@testable import SandboxAWS

@Suite("error responses decode as botocore decodes them")
struct AWSErrorDecodingTests {
    static let cases: [(status: Int, body: String, headers: [String: String], code: String, message: String)] = [
        (
            400, #"{"__type":"ResourceNotFoundException","message":"Record not found."}"#, [:],
            "ResourceNotFoundException", "Record not found."
        ),
        (
            400, #"{"__type":"com.amazonaws.servicecatalog#InvalidParametersException","Message":"bad"}"#, [:],
            "InvalidParametersException", "bad"
        ),
        (
            400,
            #"{"__type":"DuplicateResourceException:http://internal.amazon.com/coral/com.amazon.coral.service/","message":"dup"}"#,
            [:], "DuplicateResourceException", "dup"
        ),
        (400, #"{"__type":"a.b#C:http://x#y","message":"m"}"#, [:], "C", "m"),
        (400, #"{"message":"no type"}"#, [:], "400", "no type"),
        (400, #"{"message":"lower","Message":"upper"}"#, [:], "400", "lower"),
        (403, "not json at all", [:], "403", "not json at all"),
        (500, "", [:], "500", "Internal Server Error"),
        (503, "  <html><body>busy</body></html>", [:], "503", "Service Unavailable"),
        (502, #"{"__type":"BadGateway"}"#, [:], "BadGateway", ""),
        (
            400, #"{"__type":"AWS.SimpleQueueService.X","message":"m"}"#,
            ["x-amzn-query-error": "QueueDoesNotExist;Sender"], "QueueDoesNotExist", "m"
        ),
        (400, #"{"__type":"Kept","message":"m"}"#, ["x-amzn-query-error": ";Sender"], "Kept", "m"),
    ]

    @Test("__type in all its forms, message or Message, and the fallbacks", arguments: 0..<cases.count)
    func jsonForms(index: Int) {
        let item = Self.cases[index]
        var headers = HTTPHeaders(item.headers.map { (name: $0.key, value: $0.value) })
        headers["x-amzn-RequestId"] = "req-1"
        let decoded = AWSErrorResponse(
            json: HTTPResponse(status: item.status, headers: headers, body: Data(item.body.utf8))
        )
        #expect(decoded.code == item.code)
        #expect(decoded.message == item.message)
        #expect(decoded.requestId == "req-1")
    }

    @Test(
        "codes map to the port's kinds",
        arguments: [
            ("ResourceNotFoundException", 400, "", CatalogError.Kind.notFound),
            ("InvalidParametersException", 400, "", .invalidRequest),
            ("InvalidStateException", 400, "", .invalidRequest),
            ("DuplicateResourceException", 400, "", .duplicate),
            ("LimitExceededException", 400, "", .limitExceeded),
            ("ThrottlingException", 400, "Rate exceeded", .unavailable),
            ("TooManyRequestsException", 429, "", .unavailable),
            ("InternalFailure", 500, "", .unavailable),
            ("503", 503, "", .unavailable),
            ("RequestTimeoutException", 408, "", .unavailable),
            ("AccessDeniedException", 400, "", .accessDenied),
            ("UnrecognizedClientException", 400, "", .accessDenied),
            ("ExpiredTokenException", 400, "", .accessDenied),
            ("InvalidSignatureException", 403, "The request signature we calculated does not match", .accessDenied),
            (
                "InvalidSignatureException", 400,
                "Signature expired: 20240115T093000Z is now earlier than 20240115T094500Z (20240115T095000Z - 5 min.)",
                .clockSkew
            ),
            (
                "InvalidSignatureException", 400,
                "Signature not yet current: 20240115T100000Z is still later than 20240115T095500Z (20240115T095000Z + 5 min.)",
                .clockSkew
            ),
            ("RequestTimeTooSkewed", 403, "", .clockSkew),
            ("SomethingElse", 400, "", .other),
            ("403", 403, "", .accessDenied),
        ]
    )
    func kinds(code: String, status: Int, message: String, kind: CatalogError.Kind) {
        let body = #"{"__type":"\#(code)","message":"\#(message)"}"#
        let decoded = AWSErrorResponse(json: HTTPResponse(status: status, body: Data(body.utf8)))
        #expect(CatalogError.kind(for: decoded) == kind)
    }

    @Test("clock skew says by how much and which way, from AWS's own timestamps")
    func clockSkewMessage() {
        let behind = AWSErrorResponse(
            json: HTTPResponse(
                status: 400,
                body: Data(
                    #"{"__type":"InvalidSignatureException","message":"Signature expired: 20240115T093000Z is now earlier than 20240115T094500Z (20240115T095000Z - 5 min.)"}"#
                        .utf8
                )
            )
        )
        let error = CatalogError(aws: behind, operation: "DescribeRecord", attempts: 1, now: Date())
        #expect(error.kind == .clockSkew)
        #expect(error.message.hasPrefix("this machine's clock is off by 20m 0s (behind AWS); fix NTP"))
        let ahead = AWSErrorResponse(
            json: HTTPResponse(
                status: 403,
                headers: ["Date": "Mon, 15 Jan 2024 09:50:00 GMT"],
                body: Data(#"{"__type":"RequestTimeTooSkewed","message":"The difference is too large."}"#.utf8)
            )
        )
        let local = AWSTimestamp.date(year: 2024, month: 1, day: 15, hour: 11, minute: 0, second: 5)!
        let aheadError = CatalogError(aws: ahead, operation: "DescribeRecord", attempts: 1, now: local)
        #expect(aheadError.message.hasPrefix("this machine's clock is off by 1h 10m 5s (ahead of AWS)"))
    }

    @Test("STS's XML errors decode to code, message and request id")
    func xmlErrors() {
        let xml = """
            <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <Error><Type>Sender</Type><Code>AccessDenied</Code>
                <Message>User: arn:aws:iam::1:user/x is not authorized &amp; &lt;denied&gt; &#65;&#x42;</Message></Error>
              <RequestId>abc-123</RequestId>
            </ErrorResponse>
            """
        let decoded = AWSErrorResponse(xml: HTTPResponse(status: 403, body: Data(xml.utf8)))
        #expect(decoded.code == "AccessDenied")
        #expect(decoded.message == "User: arn:aws:iam::1:user/x is not authorized & <denied> AB")
        #expect(decoded.requestId == "abc-123")
        let generic = AWSErrorResponse(xml: HTTPResponse(status: 503, body: Data()))
        #expect(generic.code == "503")
        #expect(generic.message == "Service Unavailable")
    }

    @Test("the XML reader handles declarations, comments, CDATA and self-closing tags, and rejects mismatched tags")
    func xmlReader() throws {
        let root = try #require(
            AWSXMLElement.parse(
                Data(
                    """
                    <?xml version="1.0"?><!-- c --><a:Root xmlns:a="u"><a:B x="1>2">t<![CDATA[<raw>]]></a:B><C/></a:Root>
                    """.utf8
                )
            )
        )
        #expect(root.name == "Root")
        #expect(root.child("B")?.text == "t<raw>")
        #expect(root.child("C")?.children.isEmpty == true)
        #expect(AWSXMLElement.parse(Data("<a><b></a></b>".utf8)) == nil)
        #expect(AWSXMLElement.parse(Data("<a>".utf8)) == nil)
    }

    // Regression (found reading the code for the fuzzers, docs/RELIABILITY.md): the reader recursed with no
    // limit, so a body of nested elements — a hostile or broken endpoint may send megabytes — overflowed the stack.
    @Test("the XML reader refuses a document nested deeper than 32, instead of overflowing the stack")
    func deepNesting() {
        let deep = String(repeating: "<a>", count: 200_000) + String(repeating: "</a>", count: 200_000)
        #expect(AWSXMLElement.parse(Data(deep.utf8)) == nil)
        let limit = AWSXMLElement.maximumDepth
        let deepest = String(repeating: "<a>", count: limit) + "x" + String(repeating: "</a>", count: limit)
        #expect(AWSXMLElement.parse(Data(deepest.utf8))?.name == "a")
        let over = "<b>" + deepest + "</b>"
        #expect(AWSXMLElement.parse(Data(over.utf8)) == nil)
    }

    @Test("ISO 8601 timestamps as credential endpoints write them")
    func timestamps() {
        let base = AWSTimestamp.date(year: 2024, month: 1, day: 15, hour: 9, minute: 30, second: 0)!
        #expect(base.timeIntervalSince1970 == 1_705_311_000)
        #expect(AWSTimestamp.parseISO8601("2024-01-15T09:30:00Z") == base)
        #expect(AWSTimestamp.parseISO8601("2024-01-15T09:30:00.250Z") == base.addingTimeInterval(0.25))
        #expect(AWSTimestamp.parseISO8601("2024-01-15T10:30:00+01:00") == base)
        #expect(AWSTimestamp.parseISO8601("2024-01-15 09:30:00") == nil)
        #expect(AWSTimestamp.iso8601(base) == "2024-01-15T09:30:00Z")
    }
}

@Suite("error messages never carry the session token AWS quotes back")
struct AWSErrorSanitizingTests {
    @Test("a signature mismatch quoting the canonical request is cut before the quotation")
    func canonicalRequestQuoted() {
        let body = """
            {"__type":"InvalidSignatureException","message":"The request signature we calculated does not match the \
            signature you provided.\\n\\nThe Canonical String for this request should have been\\n'POST\\n/\\n\\n\
            x-amz-security-token:IQoJSECRETTOKEN\\n'\\n\\nThe String-to-Sign should have been\\n'AWS4-HMAC-SHA256'\\n"}
            """
        let decoded = AWSErrorResponse(json: HTTPResponse(status: 403, body: Data(body.utf8)))
        #expect(decoded.message == "The request signature we calculated does not match the signature you provided.")
    }

    @Test("a token quoted anywhere else is redacted, and the message stays on one line")
    func tokenElsewhere() {
        let body = #"{"message":"bad headers:\nx-amz-security-token:IQoJSECRET\nhost:x"}"#
        let decoded = AWSErrorResponse(json: HTTPResponse(status: 400, body: Data(body.utf8)))
        #expect(decoded.message == "bad headers: x-amz-security-token:<redacted> host:x")
    }

    @Test("through real HTTP: wrong temporary keys give accessDenied without the token in the message")
    func realHTTP() async throws {
        let token = "IQoJb3JpZ2luX2VjSECRET//token="
        let fake = try makeFakeCatalog(credentials: [
            SigV4Verifier.Credentials(accessKeyId: "ASIATEMP", secretAccessKey: "right", sessionToken: token)
        ])
        defer { fake.stop() }
        let wrong = AWSCredentials(accessKeyId: "ASIATEMP", secretAccessKey: "wrong", sessionToken: token)
        let catalog = AWSCatalog(client: makeClient(for: fake, credentials: StaticCredentialsProvider(wrong)))
        let error = await catalogError { _ = try await catalog.listProducts(pool: "default") }
        #expect(error?.kind == .accessDenied)
        #expect(error?.description.contains(token) == false)
        #expect(error?.description.contains("does not match the signature") == true)
    }
}
