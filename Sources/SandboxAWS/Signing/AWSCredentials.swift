public import Foundation

/// An AWS access key pair, with the session token and expiry that temporary credentials carry.
///
/// - Important: Every text form (`description`, `debugDescription`, `dump`, interpolation) shows the access key id
///   and expiry only, never the secret or the token (docs/behaviour.md §4).
public struct AWSCredentials: Sendable, Hashable {
    /// `AKIA…` long-term, `ASIA…` temporary; not secret, every signed request carries it.
    public var accessKeyId: String
    public var secretAccessKey: String
    /// Sent (and signed) as `X-Amz-Security-Token`.
    public var sessionToken: String?
    /// `nil` for long-term keys.
    public var expiration: Date?

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
        "AWSCredentials(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>, sessionToken: "
            + (sessionToken == nil ? "none" : "<redacted>")
            + (expiration.map { ", expiration: \(AWSTimestamp.iso8601($0))" } ?? "") + ")"
    }

    public var debugDescription: String { description }

    /// Without the secrets, so `dump` and reflection cannot print them either.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "accessKeyId": accessKeyId, "secretAccessKey": "<redacted>",
                "sessionToken": sessionToken == nil ? "none" : "<redacted>", "expiration": expiration as Any,
            ],
            displayStyle: .struct
        )
    }
}
