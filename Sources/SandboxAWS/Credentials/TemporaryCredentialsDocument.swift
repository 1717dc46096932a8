import Foundation

/// The JSON document the container endpoint and instance metadata serve:
/// `{"AccessKeyId": …, "SecretAccessKey": …, "Token": …, "Expiration": "2024-01-15T15:30:00Z"}`.
struct TemporaryCredentialsDocument: Decodable {
    var AccessKeyId: String?
    var SecretAccessKey: String?
    var Token: String?
    var Expiration: String?
    var Code: String?
    var Message: String?

    /// Decodes a document into credentials.
    ///
    /// - Parameters:
    ///   - data: The response body.
    ///   - source: The endpoint's name, for messages.
    /// - Returns: The credentials.
    /// - Throws: ``AWSCredentialsError/Kind/refused`` when the document is not JSON, lacks a key, or has a bad expiry.
    static func credentials(from data: Data, source: String) throws(AWSCredentialsError) -> AWSCredentials {
        let document: TemporaryCredentialsDocument
        do {
            document = try JSONDecoder().decode(TemporaryCredentialsDocument.self, from: data)
        } catch {
            throw AWSCredentialsError(.refused, "\(source) did not answer with a JSON credentials document")
        }
        if let code = document.Code, code != "Success" {
            throw AWSCredentialsError(.refused, "\(source) answered Code \(code): \(document.Message ?? "no message")")
        }
        guard let accessKeyId = document.AccessKeyId, !accessKeyId.isEmpty,
            let secret = document.SecretAccessKey, !secret.isEmpty
        else {
            throw AWSCredentialsError(.refused, "\(source) answered without AccessKeyId or SecretAccessKey")
        }
        var expiration: Date?
        if let text = document.Expiration {
            guard let date = AWSTimestamp.parseISO8601(text) else {
                throw AWSCredentialsError(.refused, "\(source) answered an Expiration that is not ISO 8601: \(text)")
            }
            expiration = date
        }
        return AWSCredentials(
            accessKeyId: accessKeyId,
            secretAccessKey: secret,
            sessionToken: document.Token.flatMap { $0.isEmpty ? nil : $0 },
            expiration: expiration
        )
    }
}
