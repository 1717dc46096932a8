public import Foundation
import SandboxCrypto

/// Signs requests with AWS Signature Version 4, the way botocore's `SigV4Auth` does for JSON-protocol services.
///
/// The signed headers are `content-type`, `host` (from the URL) and every `x-amz-*` header, which for Service Catalog
/// is exactly botocore's `content-type;host;x-amz-date;[x-amz-security-token;]x-amz-target`. Everything else
/// (`Content-Length`, `User-Agent`, `Accept`, `amz-sdk-*`) is left unsigned because botocore adds those after
/// signing and HTTP stacks add or rewrite them on their own.
///
/// ```swift
/// let signer = SigV4Signer(region: "us-east-1")
/// signer.sign(&request, credentials: credentials, date: Date())
/// ```
///
/// - Important: Sign every attempt again, just before sending it: the signature covers `X-Amz-Date`, and AWS
///   rejects requests signed more than 5 minutes ago. Sign the exact body bytes that will be sent.
public struct SigV4Signer: Sendable {
    /// The signing algorithm name, the first word of the `Authorization` header.
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// The region in the credential scope (the normalized region: `us-east-1`, not `us-east-1-fips`).
    public let region: String
    /// The signing name in the credential scope; `servicecatalog` for Service Catalog.
    public let service: String

    private let signingKeyCache = SigV4SigningKeyCache()

    /// Creates a signer for one region and service.
    ///
    /// - Parameters:
    ///   - region: The signing region, which stays the configured region even with an endpoint override.
    ///   - service: The service signing name.
    public init(region: String, service: String = "servicecatalog") {
        self.region = region
        self.service = service
    }

    /// Computes the signature of a request without changing it.
    ///
    /// Any `Authorization`, `X-Amz-Date` or `X-Amz-Security-Token` already on the request (from an earlier
    /// attempt) is ignored and replaced by the values for `date` and `credentials`.
    ///
    /// - Parameters:
    ///   - request: The request as it will be sent, before signing.
    ///   - credentials: The credentials to sign with.
    ///   - date: The signing time; only whole seconds count.
    /// - Returns: The headers to add and every intermediate string.
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
            Self.algorithm,
            timestamp,
            credentialScope,
            Hex.encode(SHA256.hash(canonical.request.utf8)),
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

    /// Signs a request in place: removes any previous signing headers and appends `X-Amz-Date`,
    /// `X-Amz-Security-Token` (temporary credentials only) and `Authorization`.
    ///
    /// - Parameters:
    ///   - request: The request to sign.
    ///   - credentials: The credentials to sign with.
    ///   - date: The signing time.
    public func sign(_ request: inout SigV4Request, credentials: AWSCredentials, date: Date) {
        let result = signature(for: request, credentials: credentials, date: date)
        request.headers.removeAll { Self.replacedHeaderNames.contains($0.0.lowercased()) }
        request.headers.append(contentsOf: result.headers.map { ($0.name, $0.value) })
    }

    /// Returns the signing key for a day: the HMAC chain over the date stamp, region, service and `aws4_request`,
    /// starting from `"AWS4" + secret`. The last key derived is cached.
    ///
    /// - Parameters:
    ///   - secretAccessKey: The secret access key.
    ///   - dateStamp: The UTC date, `yyyyMMdd`.
    /// - Returns: The 32-byte key.
    public func signingKey(secretAccessKey: String, dateStamp: String) -> [UInt8] {
        signingKeyCache.signingKey(
            secretAccessKey: secretAccessKey,
            dateStamp: dateStamp,
            region: region,
            service: service
        )
    }

    /// Formats a signing time as SigV4 wants it: `yyyyMMdd'T'HHmmss'Z'` in UTC, fractional seconds dropped.
    ///
    /// - Parameter date: The time.
    /// - Returns: For example `20240115T093000Z`.
    public static func timestamp(for date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(year, 4) + pad(month, 2) + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2)
            + pad(secondOfDay % 3600 / 60, 2) + pad(secondOfDay % 60, 2) + "Z"
    }

    /// Proleptic Gregorian year, month and day for a day count since 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`).
    private static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
