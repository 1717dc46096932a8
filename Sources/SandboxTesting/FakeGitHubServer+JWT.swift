import Foundation

extension FakeGitHubServer {
    /// A GitHub App's JSON web token, read as GitHub reads one (RFC 7519 with RS256): three base64url parts
    /// without padding, `header.payload.signature`, whose header and payload are JSON objects.
    ///
    /// The fake decides nothing about the RSA signature itself: ``App/verifySignature`` does.
    struct JSONWebToken {
        /// The JOSE header: only `alg` matters.
        struct Header: Decodable {
            var alg: String?
        }

        /// A claim's value, as far as GitHub's checks tell them apart.
        enum Claim: Decodable {
            /// A JSON number without a fraction.
            case integer(Int64)
            /// A JSON string.
            case string(String)
            /// Anything else (a fraction, a boolean, an object, …).
            case other

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let integer = try? container.decode(Int64.self) {
                    self = .integer(integer)
                } else if let string = try? container.decode(String.self) {
                    self = .string(string)
                } else {
                    self = .other
                }
            }
        }

        /// The claims GitHub checks.
        struct Claims: Decodable {
            var iss: Claim?
            var iat: Claim?
            var exp: Claim?
        }

        /// GitHub's message for a token it cannot read, or whose signature or issuer it cannot verify.
        static let undecodable = "A JSON web token could not be decoded"
        static let issuerInvalid = "'Issuer' claim ('iss') must be an Integer"
        static let issuedAtInvalid =
            "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
        static let expirationInvalid =
            "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the "
            + "assertion expires"
        static let expirationTooFar = "'Expiration time' claim ('exp') is too far in the future"

        /// The ASCII bytes of `header.payload`, which the signature covers.
        let signingInput: [UInt8]
        let signature: [UInt8]
        let header: Header
        let claims: Claims

        /// Reads `text`; `nil` when it is not three base64url parts whose first two are JSON objects.
        init?(_ text: String) {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, let header = Self.base64URLDecoded(parts[0]),
                let payload = Self.base64URLDecoded(parts[1]), let signature = Self.base64URLDecoded(parts[2]),
                let decodedHeader = try? JSONDecoder().decode(Header.self, from: Data(header)),
                let decodedClaims = try? JSONDecoder().decode(Claims.self, from: Data(payload))
            else { return nil }
            signingInput = Array("\(parts[0]).\(parts[1])".utf8)
            self.signature = signature
            self.header = decodedHeader
            claims = decodedClaims
        }

        /// Whether `text` is shaped like a JSON web token (three parts joined by dots): what GitHub refuses
        /// outside the App's own routes.
        static func looksLike(_ text: String) -> Bool {
            text.split(separator: ".", omittingEmptySubsequences: false).count == 3
        }

        /// The bytes of a non-empty base64url text without padding (RFC 4648 §5); `nil` for anything else.
        static func base64URLDecoded(_ text: Substring) -> [UInt8]? {
            let alphabet = { (byte: UInt8) in
                (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == 0x2D || byte == 0x5F
            }
            guard !text.isEmpty, text.utf8.allSatisfy(alphabet), text.utf8.count % 4 != 1 else { return nil }
            var base64 = String(text).replacing("-", with: "+").replacing("_", with: "/")
            base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
            return Data(base64Encoded: base64).map { [UInt8]($0) }
        }

        /// Why GitHub refuses `text` as `app`'s JSON web token at `now`, or `nil` when it accepts it.
        ///
        /// GitHub's rules (docs: "Generating a JSON Web Token (JWT) for a GitHub App"): `alg` is `RS256`;
        /// `iss` is the App's id (a number, or its digits as a string) or its client id; the signature
        /// verifies; `iat` is an integer at most 60 s ahead of GitHub's clock (clients are told to set it 60 s
        /// in the past); `exp` is an integer in the future and "no more than 10 minutes into the future".
        static func refusal(of text: String, app: App, now: Date) -> String? {
            guard let token = JSONWebToken(text), token.header.alg == "RS256" else { return undecodable }
            switch token.claims.iss {
            case .integer(let id)?:
                guard id == app.id else { return undecodable }  // another App's key would not verify it
            case .string(let issuer)?:
                guard issuer == String(app.id) || issuer == app.clientID else { return undecodable }
            default:
                return issuerInvalid
            }
            guard app.verifySignature(token.signingInput, token.signature) else { return undecodable }
            let seconds = now.timeIntervalSince1970
            guard case .integer(let issuedAt)? = token.claims.iat, Double(issuedAt) <= seconds + 60 else {
                return issuedAtInvalid
            }
            guard case .integer(let expiration)? = token.claims.exp, Double(expiration) > seconds else {
                return expirationInvalid
            }
            guard Double(expiration) <= seconds + 600 else { return expirationTooFar }
            return nil
        }
    }
}
