import Foundation
import SandboxCore
import SandboxCrypto

/// The JSON Web Token a GitHub App authenticates as itself with (docs/behaviour.md §4): RS256 over
/// `{"alg":"RS256","typ":"JWT"}` and `{"iat":…,"exp":…,"iss":"<app id>"}`.
///
/// `iat` is 60 seconds in the past and `exp` nine minutes ahead, as GitHub advises against clock
/// drift (it refuses an `exp` more than ten minutes after `iat`). Only the App's endpoints take it:
/// `GET /app`, the installation look-up and `POST /app/installations/{id}/access_tokens`.
enum GitHubAppJWT {
    /// How far back `iat` is set.
    static let backdating: TimeInterval = 60
    /// How long after `iat` it expires (GitHub allows ten minutes at most).
    static let lifetime: TimeInterval = 600
    /// A token is made again once less than this is left of it.
    static let reuseMargin: TimeInterval = 60

    /// A signed token and when it stops being accepted.
    struct Signed: Sendable {
        var token: GitHubToken
        var expiresAt: Date
    }

    /// Signs a token for `appID` at `now`.
    /// - Throws: ``GitHubError`` (`misconfigured`) when the key cannot sign.
    static func make(appID: String, key: RSAPrivateKey, now: Date) throws(GitHubError) -> Signed {
        let issuedAt = Int64(now.timeIntervalSince1970.rounded(.down)) - Int64(backdating)
        let expiresAt = issuedAt + Int64(lifetime)
        // The id is letters, digits, '.', '_' and '-' only (checked when configured): no escaping needed.
        let header = Array(#"{"alg":"RS256","typ":"JWT"}"#.utf8)
        let payload = Array(#"{"iat":\#(issuedAt),"exp":\#(expiresAt),"iss":"\#(appID)"}"#.utf8)
        let compact: String
        do {
            compact = try JSONWebSignature.rs256(header: header, payload: payload, key: key)
        } catch {
            throw GitHubError(
                .misconfigured,
                message: "the GitHub App's private key cannot sign (\(error.message)); replace the key file"
            )
        }
        do {
            return Signed(
                token: try GitHubToken(compact),
                expiresAt: Date(timeIntervalSince1970: TimeInterval(expiresAt))
            )
        } catch {
            throw GitHubError(.misconfigured, message: "the App's signed token is malformed: \(error.message)")
        }
    }
}
