public import Foundation

/// An AWS access key pair, with the session token and expiry that temporary credentials carry.
///
/// Printing a value (`description`, `debugDescription`, `dump`, string interpolation) shows the access key id and
/// expiry only: the secret access key and the session token are never part of any text form.
///
/// - Important: Secrets never appear in output or logs (docs/behaviour.md §4). Log ``accessKeyId`` if you
///   must log anything.
public struct AWSCredentials: Sendable, Hashable {
    /// The access key id (`AKIA…` long-term, `ASIA…` temporary). Not secret; it appears in every signed request.
    public var accessKeyId: String
    /// The secret access key. Signs requests; never sent, never printed.
    public var secretAccessKey: String
    /// The session token of temporary credentials, sent (and signed) as `X-Amz-Security-Token`.
    public var sessionToken: String?
    /// When temporary credentials stop working; `nil` for long-term keys.
    public var expiration: Date?

    /// Creates credentials.
    ///
    /// - Parameters:
    ///   - accessKeyId: The access key id.
    ///   - secretAccessKey: The secret access key.
    ///   - sessionToken: The session token, for temporary credentials.
    ///   - expiration: When temporary credentials expire.
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }
}

extension AWSCredentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `AWSCredentials(accessKeyId: AKID…, secretAccessKey: <redacted>, sessionToken: <redacted>, expiration: …)`.
    public var description: String {
        var text = "AWSCredentials(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>"
        text += ", sessionToken: \(sessionToken == nil ? "none" : "<redacted>")"
        if let expiration {
            text += ", expiration: \(expiration.formatted(.iso8601))"
        }
        return text + ")"
    }

    /// The same as ``description``.
    public var debugDescription: String { description }

    /// A mirror without the secrets, so `dump` and reflection-based printing cannot leak them either.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "accessKeyId": accessKeyId,
                "secretAccessKey": "<redacted>",
                "sessionToken": sessionToken == nil ? "none" : "<redacted>",
                "expiration": expiration as Any,
            ],
            displayStyle: .struct
        )
    }
}
