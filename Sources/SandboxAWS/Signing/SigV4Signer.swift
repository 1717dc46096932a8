public import Foundation
import SandboxCrypto
public import SandboxHTTP
import SandboxLocking

/// Signs requests with AWS Signature Version 4 as botocore's `SigV4Auth` does: `content-type`, `host` (from the URL)
/// and every `x-amz-*` header are signed, which for Service Catalog is exactly botocore's
/// `content-type;host;x-amz-date;[x-amz-security-token;]x-amz-target`; `Content-Length`, `User-Agent` and
/// `amz-sdk-*` are not (botocore adds them after signing). Sign every attempt again, over the exact body bytes.
public struct SigV4Signer: Sendable {
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// The normalized region (`us-east-1`, not `us-east-1-fips`), even with an endpoint override.
    public let region: String
    /// The signing name: `servicecatalog`, `sts`.
    public let service: String

    /// The last derived key with the secret and day it came from: derived once per day and credentials.
    private let lastKey = LastSigningKey()

    public init(region: String, service: String = "servicecatalog") {
        self.region = region
        self.service = service
    }

    /// The signature with every intermediate string; signing headers already on the request are replaced.
    public func signature(for request: SigV4Request, credentials: AWSCredentials, date: Date) -> SigV4Signature {
        let timestamp = Self.timestamp(for: date)
        let dateStamp = String(timestamp.prefix(8))
        let credentialScope = "\(dateStamp)/\(region)/\(service)/aws4_request"
        var added: [(name: String, value: String)] = [("X-Amz-Date", timestamp)]
        if let token = credentials.sessionToken, !token.isEmpty {
            added.append(("X-Amz-Security-Token", token))
        }
        let canonical = Self.canonicalRequest(for: request, adding: added)
        let stringToSign = [
            Self.algorithm, timestamp, credentialScope, Hex.encode(SHA256.hash(canonical.request.utf8)),
        ].joined(separator: "\n")
        let key = signingKey(secretAccessKey: credentials.secretAccessKey, dateStamp: dateStamp)
        let signature = Hex.encode(HMAC.authenticationCode(for: stringToSign.utf8, key: key))
        let authorization =
            "\(Self.algorithm) Credential=\(credentials.accessKeyId)/\(credentialScope), "
            + "SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
        return SigV4Signature(
            timestamp: timestamp,
            credentialScope: credentialScope,
            canonicalRequest: canonical.request,
            signedHeaders: canonical.signedHeaders,
            stringToSign: stringToSign,
            signature: signature,
            authorization: authorization,
            headers: added + [("Authorization", authorization)]
        )
    }

    /// Signs in place: any previous signing headers are replaced by this signature's.
    public func sign(_ request: inout SigV4Request, credentials: AWSCredentials, date: Date) {
        let result = signature(for: request, credentials: credentials, date: date)
        request.headers.removeAll { Self.replacedHeaderNames.contains($0.0.lowercased()) }
        request.headers.append(contentsOf: result.headers.map { ($0.name, $0.value) })
    }

    /// The request as it is sent: signed when there are credentials, then the headers botocore adds after signing
    /// (`User-Agent`, `amz-sdk-*`).
    public func httpRequest(
        _ request: SigV4Request,
        signedWith credentials: AWSCredentials?,
        date: Date,
        unsigned: [(String, String)] = []
    ) -> HTTPRequest {
        var request = request
        if let credentials { sign(&request, credentials: credentials, date: date) }
        let headers = request.headers + [("User-Agent", ServiceCatalogClient.userAgent)] + unsigned
        let fields = HTTPHeaders(headers.map { (name: $0.0, value: $0.1) })
        return HTTPRequest(method: request.method, url: request.url, headers: fields, body: Data(request.body))
    }

    /// The attempts of one JSON-protocol call (`POST /` with `X-Amz-Target`): attempt `attempt` of `maxAttempts` signed
    /// with fresh credentials when it is sent, with botocore's `amz-sdk-invocation-id` (one per call) and
    /// `amz-sdk-request`. Service Catalog's and DynamoDB's clients both send through it.
    public func attempts(
        endpoint: URL,
        headers: [(String, String)],
        body: [UInt8],
        credentials: any AWSCredentialsProvider,
        now: @escaping @Sendable () -> Date
    ) -> @Sendable (Int, Int) async throws(AWSCallError) -> HTTPRequest {
        let url = Self.rootURL(endpoint)
        let invocationId = UUID().uuidString.lowercased()
        return { [self] (attempt, maxAttempts) throws(AWSCallError) -> HTTPRequest in
            let signing: AWSCredentials
            do throws(AWSConfigurationError) {
                signing = try await credentials.credentials()
            } catch {
                throw .credentials(error)
            }
            return httpRequest(
                SigV4Request(method: "POST", url: url, headers: headers, body: body),
                signedWith: signing,
                date: now(),
                unsigned: [
                    ("amz-sdk-invocation-id", invocationId),
                    ("amz-sdk-request", "attempt=\(attempt); max=\(maxAttempts)"),
                ]
            )
        }
    }

    /// The endpoint with the path `/` when it has none; a path it has is kept.
    public static func rootURL(_ endpoint: URL) -> URL {
        guard endpoint.path.isEmpty, var components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false)
        else { return endpoint }
        components.path = "/"
        return components.url ?? endpoint
    }

    /// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")` for a `yyyyMMdd` date.
    public func signingKey(secretAccessKey: String, dateStamp: String) -> [UInt8] {
        if let cached = lastKey.entry.withLock({ $0 }), cached.secret == secretAccessKey, cached.dateStamp == dateStamp
        {
            return cached.key
        }
        var key = HMAC.authenticationCode(for: dateStamp.utf8, key: ("AWS4" + secretAccessKey).utf8)
        for part in [region, service, "aws4_request"] {
            key = HMAC.authenticationCode(for: part.utf8, key: key)
        }
        lastKey.entry.withLock { [key] in $0 = (secretAccessKey, dateStamp, key) }
        return key
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC, fractional seconds dropped: `20240115T093000Z`.
    public static func timestamp(for date: Date) -> String {
        AWSTimestamp.sigV4(date)
    }
}

private final class LastSigningKey: Sendable {
    let entry = Locked<(secret: String, dateStamp: String, key: [UInt8])?>(nil)
}

/// The parts of an HTTP request that Signature Version 4 covers.
public struct SigV4Request: Sendable {
    public var method: String
    /// Its host (and non-default port), path and query are signed.
    public var url: URL
    /// In order, with their original spelling; names compare case-insensitively.
    public var headers: [(String, String)]
    /// The exact bytes that will be sent.
    public var body: [UInt8]

    public init(method: String, url: URL, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// One signature with its intermediate strings, which tests compare with botocore's. ``canonicalRequest`` and
/// ``headers`` hold the session token of temporary credentials: never log them.
public struct SigV4Signature: Sendable {
    public var timestamp: String
    /// `date/region/service/aws4_request`.
    public var credentialScope: String
    public var canonicalRequest: String
    /// Lowercase, sorted, joined with `;`.
    public var signedHeaders: String
    public var stringToSign: String
    public var signature: String
    public var authorization: String
    /// To add, in order: `X-Amz-Date`, `X-Amz-Security-Token` (temporary credentials only), `Authorization`.
    public var headers: [(name: String, value: String)]
}
