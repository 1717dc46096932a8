public import Foundation
import SandboxCrypto
public import SandboxHTTP

/// Checks the SigV4 signature of a request the way an AWS service does, recomputing it from what arrived on the
/// wire: the signed headers as received, the path and query, and the exact body bytes.
///
/// It is written apart from sandboxd's signer (it shares only SHA-256 and HMAC), so a canonicalization bug in the
/// signer cannot hide itself: both sides would have to make the same mistake.
public struct SigV4Verifier: Sendable {
    /// Credentials the verifier accepts.
    public struct Credentials: Sendable, Hashable {
        /// The access key id.
        public var accessKeyId: String
        /// The secret access key.
        public var secretAccessKey: String
        /// The session token that must come with the key, for temporary credentials.
        public var sessionToken: String?

        /// Creates accepted credentials.
        public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyId = accessKeyId
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }
    }

    /// Why a request was refused, with the error an AWS service would answer.
    public struct Failure: Error, Sendable, Hashable {
        /// The HTTP status (400 or 403).
        public var status: Int
        /// The AWS error code (`InvalidSignatureException`, `UnrecognizedClientException`, …).
        public var code: String
        /// The message, worded like AWS's.
        public var message: String
    }

    /// The signing name (`servicecatalog`, `sts`).
    public var service: String
    /// The region requests must be scoped to.
    public var region: String
    /// The header names every request must sign (besides `host` and `x-amz-date`).
    public var requiredSignedHeaders: Set<String>

    /// Creates a verifier.
    public init(service: String, region: String, requiredSignedHeaders: Set<String> = []) {
        self.service = service
        self.region = region
        self.requiredSignedHeaders = requiredSignedHeaders
    }

    /// Verifies a request.
    ///
    /// - Parameters:
    ///   - method: The request method.
    ///   - target: The request target (path and query) as sent.
    ///   - headers: The headers as received.
    ///   - body: The body bytes as received.
    ///   - accepted: The credentials the service knows.
    ///   - now: The service's time: a request signed more than 5 minutes away from it is refused.
    /// - Returns: The credentials the request was signed with.
    /// - Throws: ``Failure``.
    public func verify(
        method: String,
        target: String,
        headers: HTTPHeaders,
        body: Data,
        accepted: [Credentials],
        now: Date
    ) throws(Failure) -> Credentials {
        guard let authorization = headers["Authorization"] else {
            throw Failure(
                status: 400,
                code: "MissingAuthenticationTokenException",
                message: "Missing Authentication Token"
            )
        }
        guard authorization.hasPrefix("AWS4-HMAC-SHA256 ") else {
            throw Failure(status: 400, code: "IncompleteSignatureException", message: "Unsupported signing algorithm")
        }
        var fields: [String: String] = [:]
        for part in authorization.dropFirst("AWS4-HMAC-SHA256 ".count).split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces)
            guard let equals = pair.firstIndex(of: "=") else { continue }
            fields[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        guard let credential = fields["Credential"], let signedHeaderList = fields["SignedHeaders"],
            let signature = fields["Signature"]
        else {
            throw Failure(
                status: 400,
                code: "IncompleteSignatureException",
                message: "Authorization header requires Credential, SignedHeaders and Signature"
            )
        }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5, scope[4] == "aws4_request" else {
            throw Failure(status: 400, code: "IncompleteSignatureException", message: "Malformed credential scope")
        }
        guard let credentials = accepted.first(where: { $0.accessKeyId == scope[0] }) else {
            throw Failure(
                status: 400,
                code: "UnrecognizedClientException",
                message: "The security token included in the request is invalid."
            )
        }
        guard scope[2] == region, scope[3] == service else {
            throw Failure(
                status: 400,
                code: "InvalidSignatureException",
                message: "Credential should be scoped to a valid region and service: expected \(region)/\(service), "
                    + "got \(scope[2])/\(scope[3])"
            )
        }
        guard let amzDate = headers["X-Amz-Date"], let signedAt = Self.parse(amzDate) else {
            throw Failure(
                status: 400,
                code: "IncompleteSignatureException",
                message: "X-Amz-Date is missing or malformed"
            )
        }
        guard amzDate.hasPrefix(scope[1]) else {
            throw Failure(
                status: 400,
                code: "InvalidSignatureException",
                message: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP"
            )
        }
        let skew = signedAt.timeIntervalSince(now)
        if skew < -300 {
            throw Failure(
                status: 400,
                code: "InvalidSignatureException",
                message:
                    "Signature expired: \(amzDate) is now earlier than \(Self.format(now.addingTimeInterval(-300))) "
                    + "(\(Self.format(now)) - 5 min.)"
            )
        }
        if skew > 300 {
            throw Failure(
                status: 400,
                code: "InvalidSignatureException",
                message: "Signature not yet current: \(amzDate) is still later than "
                    + "\(Self.format(now.addingTimeInterval(300))) (\(Self.format(now)) + 5 min.)"
            )
        }
        let signedNames = signedHeaderList.split(separator: ";").map(String.init)
        guard signedNames == signedNames.sorted(), signedNames.allSatisfy({ $0 == $0.lowercased() }) else {
            throw Failure(
                status: 400,
                code: "InvalidSignatureException",
                message: "SignedHeaders are not sorted lowercase"
            )
        }
        var required = requiredSignedHeaders.union(["host", "x-amz-date"])
        if credentials.sessionToken != nil { required.insert("x-amz-security-token") }
        let missing = required.subtracting(signedNames)
        guard missing.isEmpty else {
            throw Failure(
                status: 400,
                code: "InvalidSignatureException",
                message: "Headers not signed: \(missing.sorted().joined(separator: ", "))"
            )
        }
        if let expectedToken = credentials.sessionToken, headers["X-Amz-Security-Token"] != expectedToken {
            throw Failure(
                status: 400,
                code: "UnrecognizedClientException",
                message: "The security token included in the request is invalid."
            )
        }
        var canonicalHeaders = ""
        for name in signedNames {
            let values = headers.values(for: name)
            guard !values.isEmpty else {
                throw Failure(
                    status: 400,
                    code: "InvalidSignatureException",
                    message: "Signed header \(name) is missing"
                )
            }
            let joined = values.map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ") }
                .joined(separator: ",")
            canonicalHeaders += "\(name):\(joined)\n"
        }
        let (path, query) = Self.split(target)
        let canonicalRequest = [
            method, path, query, canonicalHeaders, signedHeaderList, Hex.encode(SHA256.hash(Array(body))),
        ].joined(separator: "\n")
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope[1...4].joined(separator: "/"),
            Hex.encode(SHA256.hash(Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        var key = Array("AWS4\(credentials.secretAccessKey)".utf8)
        for part in scope[1...4] {
            key = HMAC.authenticationCode(for: Array(part.utf8), key: key)
        }
        let expected = Hex.encode(HMAC.authenticationCode(for: Array(stringToSign.utf8), key: key))
        guard expected == signature else {
            throw Failure(
                status: 403,
                code: "InvalidSignatureException",
                message: "The request signature we calculated does not match the signature you provided. Check your "
                    + "AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n"
                    + "The Canonical String for this request should have been\n'\(canonicalRequest)'\n"
            )
        }
        return credentials
    }

    /// The path (or `/`) and the canonical query (pairs sorted, as sent).
    static func split(_ target: String) -> (String, String) {
        guard let mark = target.firstIndex(of: "?") else { return (target.isEmpty ? "/" : target, "") }
        let path = String(target[..<mark])
        let pairs = target[target.index(after: mark)...].split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        let query = pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
        return (path.isEmpty ? "/" : path, query)
    }

    /// `yyyyMMddTHHmmssZ` → instant.
    static func parse(_ stamp: String) -> Date? {
        let bytes = Array(stamp.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        var components = DateComponents()
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: bytes[range], as: UTF8.self)) }
        components.year = number(0..<4)
        components.month = number(4..<6)
        components.day = number(6..<8)
        components.hour = number(9..<11)
        components.minute = number(11..<13)
        components.second = number(13..<15)
        components.timeZone = TimeZone(identifier: "UTC")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: components)
    }

    /// instant → `yyyyMMddTHHmmssZ`.
    static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(parts.year, 4) + pad(parts.month, 2) + pad(parts.day, 2) + "T" + pad(parts.hour, 2)
            + pad(parts.minute, 2) + pad(parts.second, 2) + "Z"
    }
}
