import Foundation

/// The JSON credentials documents of the container endpoint and instance metadata
/// (`{"AccessKeyId", "SecretAccessKey", "Token", "Expiration": "2024-01-15T15:30:00Z", "Code"}`) and of a
/// `credential_process` (`{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}`).
struct TemporaryCredentialsDocument: Decodable {
    var Version: Int?
    var AccessKeyId: String?
    var SecretAccessKey: String?
    var Token: String?
    var SessionToken: String?
    var Expiration: String?
    var Code: String?
    var Message: String?

    /// Decodes a document into credentials; `source` names the endpoint in messages, which never quote the
    /// document's secrets.
    static func credentials(from data: Data, source: String) throws(AWSCredentialsError) -> AWSCredentials {
        let document: TemporaryCredentialsDocument
        do {
            document = try JSONDecoder().decode(TemporaryCredentialsDocument.self, from: data)
        } catch {
            throw .refused("\(source) did not answer with a JSON credentials document")
        }
        if let code = document.Code, code != "Success" {
            throw .refused("\(source) answered Code \(code): \(document.Message ?? "no message")")
        }
        return try document.credentials(source: source)
    }

    func credentials(source: String) throws(AWSCredentialsError) -> AWSCredentials {
        guard let accessKeyId = AccessKeyId, !accessKeyId.isEmpty, let secret = SecretAccessKey, !secret.isEmpty else {
            throw .refused("\(source) answered without AccessKeyId or SecretAccessKey")
        }
        var expiration: Date?
        if let text = Expiration {
            guard let date = AWSTimestamp.parseISO8601(text) else {
                throw .refused("\(source) answered an Expiration that is not ISO 8601")
            }
            expiration = date
        }
        let token = (SessionToken ?? Token).flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(
            accessKeyId: accessKeyId,
            secretAccessKey: secret,
            sessionToken: token,
            expiration: expiration
        )
    }
}
