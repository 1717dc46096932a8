import SandboxCrypto
import Synchronization

/// Remembers the most recently derived signing key, so the four-HMAC derivation runs once per day and credentials
/// rather than once per request.
///
/// One slot is enough: a signer has one region and service, the date changes daily and credentials hourly at most.
/// The entry holds the secret it was derived from, so new credentials never reuse an old key.
final class SigV4SigningKeyCache: Sendable {
    private struct Entry {
        var secretAccessKey: String
        var dateStamp: String
        var region: String
        var service: String
        var key: [UInt8]
    }

    private let entry = Mutex<Entry?>(nil)

    /// Returns the signing key for the given scope, deriving and remembering it if it is not the cached one.
    func signingKey(secretAccessKey: String, dateStamp: String, region: String, service: String) -> [UInt8] {
        let cached = entry.withLock { entry -> [UInt8]? in
            guard let entry, entry.dateStamp == dateStamp, entry.region == region, entry.service == service,
                entry.secretAccessKey == secretAccessKey
            else { return nil }
            return entry.key
        }
        if let cached { return cached }
        let key = Self.deriveSigningKey(
            secretAccessKey: secretAccessKey,
            dateStamp: dateStamp,
            region: region,
            service: service
        )
        entry.withLock {
            $0 = Entry(
                secretAccessKey: secretAccessKey,
                dateStamp: dateStamp,
                region: region,
                service: service,
                key: key
            )
        }
        return key
    }

    /// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
    static func deriveSigningKey(
        secretAccessKey: String,
        dateStamp: String,
        region: String,
        service: String
    )
        -> [UInt8]
    {
        let dateKey = HMAC.authenticationCode(for: dateStamp.utf8, key: ("AWS4" + secretAccessKey).utf8)
        let regionKey = HMAC.authenticationCode(for: region.utf8, key: dateKey)
        let serviceKey = HMAC.authenticationCode(for: service.utf8, key: regionKey)
        return HMAC.authenticationCode(for: "aws4_request".utf8, key: serviceKey)
    }
}
