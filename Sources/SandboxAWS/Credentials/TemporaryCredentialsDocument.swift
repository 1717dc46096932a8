import Foundation

/// The one shape every fetching source answers in, read the same way:
/// - the container endpoint and instance metadata: `{"Code"?, "AccessKeyId", "SecretAccessKey", "Token",
///   "Expiration": "2024-01-15T15:30:00Z"}`;
/// - a `credential_process`: `{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?, "Expiration"?}`;
/// - SSO's `roleCredentials`: the same keys in lower camel case, `expiration` in epoch milliseconds;
/// - STS's XML `Credentials` element, built by ``STSCredentialsProvider``.
struct TemporaryCredentialsDocument: Decodable {
    enum Expiration: Decodable {
        case iso8601(String)
        case epochMilliseconds(Double)

        init(from decoder: any Decoder) throws {
            let value = try decoder.singleValueContainer()
            self =
                try (try? value.decode(Double.self)).map(Self.epochMilliseconds) ?? .iso8601(value.decode(String.self))
        }
    }

    var version: Int?
    var accessKeyId: String?
    var secretAccessKey: String?
    var token: String?
    var sessionToken: String?
    var expiration: Expiration?
    var code: String?
    var message: String?

    /// Decodes `T` with the first letter of every JSON key lowercased (`AccessKeyId` → `accessKeyId`), as the
    /// Service Catalog client does, so the upper and lower camel case documents share these names; `nil` if it is
    /// not such JSON.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) -> T? {
        try? ServiceCatalogClient.decoder.decode(type, from: data)
    }

    /// The container endpoint's or instance metadata's answer; `source` names it in messages, which never quote
    /// the document's secrets.
    static func credentials(from data: Data, source: String) throws(AWSConfigurationError) -> AWSCredentials {
        guard let document = decode(Self.self, from: data) else {
            throw .refused("\(source) did not answer with a JSON credentials document")
        }
        if let code = document.code, code != "Success" {
            throw .refused("\(source) answered Code \(code): \(document.message ?? "no message")")
        }
        return try document.credentials(source: source)
    }

    func credentials(source: String) throws(AWSConfigurationError) -> AWSCredentials {
        guard let accessKeyId = accessKeyId.nonEmpty, let secret = secretAccessKey.nonEmpty else {
            throw .refused("\(source) answered without AccessKeyId or SecretAccessKey")
        }
        var date: Date?
        switch expiration {
        case .iso8601(let text):
            date = AWSTimestamp.parseISO8601(text)
            guard date != nil else { throw .refused("\(source) answered an Expiration that is not ISO 8601") }
        case .epochMilliseconds(let milliseconds): date = Date(timeIntervalSince1970: milliseconds / 1000)
        case nil: break
        }
        let token = (sessionToken ?? token).nonEmpty
        return AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secret, sessionToken: token, expiration: date)
    }
}
