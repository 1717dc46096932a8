/// Everything one Signature Version 4 computation produced, including the intermediate strings.
///
/// ``headers`` are what goes on the wire; the other properties exist so tests can compare each step with botocore
/// and so a signature mismatch reported by AWS can be debugged.
///
/// - Important: ``canonicalRequest`` and ``headers`` contain the session token of temporary credentials. Do not log
///   them.
public struct SigV4Signature: Sendable {
    /// The signing time, `yyyyMMdd'T'HHmmss'Z'` in UTC (the `X-Amz-Date` value).
    public var timestamp: String
    /// `date/region/service/aws4_request`.
    public var credentialScope: String
    /// The canonical request: method, path, query, canonical headers, signed header names, payload hash.
    public var canonicalRequest: String
    /// The signed header names, lowercase, sorted, joined with `;`.
    public var signedHeaders: String
    /// `AWS4-HMAC-SHA256`, timestamp, scope and the hex SHA-256 of the canonical request, one per line.
    public var stringToSign: String
    /// The lowercase hex HMAC-SHA256 of ``stringToSign`` under the derived signing key.
    public var signature: String
    /// The `Authorization` header value.
    public var authorization: String
    /// The headers to add to the request, in this order: `X-Amz-Date`, `X-Amz-Security-Token` (temporary
    /// credentials only), `Authorization`.
    public var headers: [(name: String, value: String)]
}
