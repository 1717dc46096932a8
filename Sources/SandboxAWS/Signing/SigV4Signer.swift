public import Foundation
import SandboxCrypto
import Synchronization

/// Signs requests with AWS Signature Version 4, the way botocore's `SigV4Auth` does for JSON- and query-protocol
/// services.
///
/// The signed headers are `content-type`, `host` (from the URL) and every `x-amz-*` header, which for Service Catalog
/// is exactly botocore's `content-type;host;x-amz-date;[x-amz-security-token;]x-amz-target`. `Content-Length`,
/// `User-Agent` and `amz-sdk-*` stay unsigned: botocore adds them after signing, and HTTP stacks rewrite them.
///
/// - Important: Sign every attempt again just before sending it (AWS rejects signatures older than 5 minutes), over
///   the exact body bytes that will be sent.
public struct SigV4Signer: Sendable {
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// The normalized region (`us-east-1`, not `us-east-1-fips`), even with an endpoint override.
    public let region: String
    /// The signing name: `servicecatalog`, `sts`.
    public let service: String

    /// The last derived signing key: the derivation runs once per day and credentials, not per request. The entry
    /// holds the secret it came from, so new credentials never reuse an old key.
    private let lastKey = LastSigningKey()

    public init(region: String, service: String = "servicecatalog") {
        self.region = region
        self.service = service
    }

    /// The signature of a request, every intermediate string included. Any `Authorization`, `X-Amz-Date` or
    /// `X-Amz-Security-Token` already on the request (from an earlier attempt) is replaced.
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

    /// Signs in place: removes any previous signing headers and appends `X-Amz-Date`, `X-Amz-Security-Token`
    /// (temporary credentials only) and `Authorization`.
    public func sign(_ request: inout SigV4Request, credentials: AWSCredentials, date: Date) {
        let result = signature(for: request, credentials: credentials, date: date)
        request.headers.removeAll { Self.replacedHeaderNames.contains($0.0.lowercased()) }
        request.headers.append(contentsOf: result.headers.map { ($0.name, $0.value) })
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
    let entry = Mutex<(secret: String, dateStamp: String, key: [UInt8])?>(nil)
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

/// One signature with its intermediate strings, so tests compare each step with botocore and a mismatch AWS reports
/// can be debugged.
///
/// - Important: ``canonicalRequest`` and ``headers`` contain the session token of temporary credentials: never log
///   them.
public struct SigV4Signature: Sendable {
    /// The `X-Amz-Date` value.
    public var timestamp: String
    /// `date/region/service/aws4_request`.
    public var credentialScope: String
    public var canonicalRequest: String
    /// Lowercase, sorted, joined with `;`.
    public var signedHeaders: String
    public var stringToSign: String
    /// Lowercase hex.
    public var signature: String
    /// The `Authorization` header value.
    public var authorization: String
    /// To add, in order: `X-Amz-Date`, `X-Amz-Security-Token` (temporary credentials only), `Authorization`.
    public var headers: [(name: String, value: String)]
}
