import Foundation
public import SandboxHTTP

/// An AWS error response reduced to what callers act on. The JSON form follows botocore's
/// `BaseJSONParser._do_error_parse` exactly, fallbacks included; the XML form its query-protocol parser (STS).
public struct AWSErrorResponse: Sendable, Hashable {
    public var status: Int
    /// Without namespace or suffix (`ResourceNotFoundException`); the status as a string when the body names none.
    public var code: String
    /// Empty when the service sent none.
    public var message: String
    /// `x-amzn-RequestId` (JSON) or `<RequestId>` (XML), for support cases.
    var requestId: String?
    /// The response's `Date` header: clock-skew errors measure the offset with it.
    var serverDate: Date?

    /// 1. A 5xx whose body is empty or starts with `<html>` is generic: the code is the status, the message the
    ///    reason phrase.
    /// 2. A body that is not a JSON object becomes the message.
    /// 3. The message is `message`, else `Message`, else empty.
    /// 4. The code is `__type`, else the status; a code with `:` keeps what precedes the first `:`, then one with `#`
    ///    what follows the last `#`.
    /// 5. An `x-amzn-query-error: Code;Type` header replaces the code with `Code`.
    public init(json response: HTTPResponse) {
        self.init(response) { response in
            var body: [String: Any] = [:]
            if !response.body.isEmpty {
                let object = try? JSONSerialization.jsonObject(with: response.body, options: [.fragmentsAllowed])
                body = object as? [String: Any] ?? ["message": String(decoding: response.body, as: UTF8.self)]
            }
            let message = Self.string(body["message"]) ?? Self.string(body["Message"]) ?? ""
            var code = body.keys.contains("__type") ? (Self.string(body["__type"]) ?? "") : String(response.status)
            if let colon = code.firstIndex(of: ":") {
                code = String(code[..<colon])
            }
            if let hash = code.lastIndex(of: "#") {
                code = String(code[code.index(after: hash)...])
            }
            let queryError = response.headers["x-amzn-query-error"]?
                .split(separator: ";", omittingEmptySubsequences: false)
            if let queryError, queryError.count == 2, !queryError[0].isEmpty {
                code = String(queryError[0])
            }
            return (code, message, nil)
        }
    }

    /// `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`; generic 5xx as for
    /// JSON; a body that is not XML becomes the message, with the status as the code.
    init(xml response: HTTPResponse) {
        self.init(response) { response in
            guard let root = AWSXMLElement.parse(response.body) else {
                return (String(response.status), String(decoding: response.body, as: UTF8.self), nil)
            }
            let error = root.child("Error") ?? root.child("Errors")?.child("Error") ?? root
            let requestId = root.child("RequestId")?.text ?? root.child("RequestID")?.text
            return (error.child("Code")?.text ?? String(response.status), error.child("Message")?.text ?? "", requestId)
        }
    }

    /// What both forms share: the status, the request id and `Date` headers, generic 5xx; `parse` reads the body.
    private init(_ response: HTTPResponse, parse: (HTTPResponse) -> (String, String, requestId: String?)) {
        status = response.status
        serverDate = response.headers["Date"].flatMap(AWSTimestamp.parseHTTPDate)
        requestId = response.headers["x-amzn-RequestId"]
        if let generic = Self.genericError(response) {
            (code, message) = generic
            return
        }
        let parsed = parse(response)
        (code, message) = (parsed.0, Self.sanitized(parsed.1))
        requestId = parsed.requestId ?? requestId
    }

    /// How the retrying sender treats it: throttling codes are throttled; transient codes and 5xx are transient.
    public var classification: AWSRetryingSender.Classification {
        if AWSErrorCodes.throttling.contains(code) { return .throttled }
        return AWSErrorCodes.isTransient(code: code, status: status) ? .transient : .final
    }

    /// The message without what must not reach a log: AWS's signature errors may quote the canonical request and
    /// string to sign, which include the session token. The message is cut where that quotation starts, any
    /// remaining token value becomes `<redacted>`, and line breaks become spaces so it stays one line.
    static func sanitized(_ message: String) -> String {
        var text = message
        if let quote = text.range(of: "The Canonical String for this request should have been") {
            text = String(text[..<quote.lowerBound])
        }
        return text.split(whereSeparator: \.isNewline).map { line in
            var line = String(line)
            if let token = line.range(of: "x-amz-security-token:", options: .caseInsensitive) {
                line = line[..<token.upperBound] + "<redacted>"
            }
            return line.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// botocore's `_is_generic_error_response`: a 5xx with no body, or one starting with `<html>`.
    private static func genericError(_ response: HTTPResponse) -> (String, String)? {
        guard response.status >= 500 else { return nil }
        let trimmed = String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.isEmpty || trimmed.hasPrefix("<html>") else { return nil }
        return (String(response.status), reasonPhrases[response.status] ?? "")
    }

    private static func string(_ value: Any?) -> String? {
        switch value {
        case let string as String: string
        case nil, is NSNull: nil
        case let other?: "\(other)"
        }
    }

    /// Python's `http.client.responses` for the 5xx statuses.
    static let reasonPhrases = [
        500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
        504: "Gateway Timeout", 505: "HTTP Version Not Supported", 506: "Variant Also Negotiates",
        507: "Insufficient Storage", 508: "Loop Detected", 510: "Not Extended", 511: "Network Authentication Required",
    ]
}
