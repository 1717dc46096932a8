import Foundation
import SandboxHTTP

/// An AWS error response reduced to what callers act on: the error code, the message and the request id.
///
/// The JSON form (``init(json:)``) follows botocore's `BaseJSONParser._do_error_parse` exactly, including its
/// fallbacks; the XML form (``init(xml:)``) follows its query-protocol parser, which STS uses.
struct AWSErrorResponse: Sendable, Hashable {
    /// The HTTP status.
    var status: Int
    /// The error code with any namespace and suffix removed (`ResourceNotFoundException`), or the status as a string
    /// when the body names none.
    var code: String
    /// The service's message; empty when it sent none.
    var message: String
    /// `x-amzn-RequestId` (JSON) or `<RequestId>` (XML), for support cases.
    var requestId: String?
    /// The response's `Date` header, when it had one: clock-skew errors use it to measure the offset.
    var serverDate: Date?

    /// Decodes a JSON-protocol error response as botocore does.
    ///
    /// 1. A 5xx response whose body is empty or starts with `<html>` is a "generic" error: the code is the status
    ///    and the message the reason phrase.
    /// 2. Otherwise the body is parsed as JSON; a body that is not JSON becomes the message.
    /// 3. The message is `message`, else `Message`, else empty.
    /// 4. The code is `__type`, else the status. A code with `:` keeps the part before the first `:`
    ///    (`InvalidParametersException:http://internal.amazon.com/…`); then a code with `#` keeps the part after the
    ///    last `#` (`com.amazonaws.servicecatalog#ResourceNotFoundException`).
    /// 5. An `x-amzn-query-error: Code;Type` header replaces the code with `Code`.
    init(json response: HTTPResponse) {
        status = response.status
        requestId = response.headers["x-amzn-RequestId"]
        serverDate = response.headers["Date"].flatMap(Self.parseHTTPDate)
        if let generic = Self.genericError(response) {
            (code, message) = generic
            return
        }
        var body: [String: Any] = [:]
        if !response.body.isEmpty {
            let text = String(decoding: response.body, as: UTF8.self)
            if let object = try? JSONSerialization.jsonObject(with: response.body, options: [.fragmentsAllowed]),
                let dictionary = object as? [String: Any]
            {
                body = dictionary
            } else {
                body = ["message": text]
            }
        }
        message = Self.sanitized(Self.string(body["message"]) ?? Self.string(body["Message"]) ?? "")
        var code = body.keys.contains("__type") ? (Self.string(body["__type"]) ?? "") : String(response.status)
        if let colon = code.firstIndex(of: ":") {
            code = String(code[..<colon])
        }
        if let hash = code.lastIndex(of: "#") {
            code = String(code[code.index(after: hash)...])
        }
        if let queryError = response.headers["x-amzn-query-error"] {
            let parts = queryError.split(separator: ";", omittingEmptySubsequences: false)
            if parts.count == 2, !parts[0].isEmpty {
                code = String(parts[0])
            }
        }
        self.code = code
    }

    /// Decodes a query-protocol (XML) error response, as STS sends them:
    /// `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
    ///
    /// A 5xx with an empty or HTML body is generic, as for JSON; a body that is not XML becomes the message, with the
    /// status as the code.
    init(xml response: HTTPResponse) {
        status = response.status
        serverDate = response.headers["Date"].flatMap(Self.parseHTTPDate)
        requestId = response.headers["x-amzn-RequestId"]
        if let generic = Self.genericError(response) {
            (code, message) = generic
            return
        }
        guard let root = AWSXMLElement.parse(response.body) else {
            code = String(response.status)
            message = Self.sanitized(String(decoding: response.body, as: UTF8.self))
            return
        }
        let error = root.first(path: ["Error"]) ?? root.first(path: ["Errors", "Error"]) ?? root
        code = error.child("Code")?.text ?? String(response.status)
        message = Self.sanitized(error.child("Message")?.text ?? "")
        requestId = root.child("RequestId")?.text ?? root.child("RequestID")?.text ?? requestId
    }

    /// The message without what must not reach a log: AWS's signature errors may quote the canonical request and
    /// string to sign, which include the session token (`x-amz-security-token:…`). The message is cut where that
    /// quotation starts, any remaining token value is replaced by `<redacted>`, and line breaks become spaces so the
    /// message stays one line.
    static func sanitized(_ message: String) -> String {
        var text = message
        if let quote = text.range(of: "The Canonical String for this request should have been") {
            text = String(text[..<quote.lowerBound])
        }
        var lines = text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline).map(String.init)
        for index in lines.indices {
            if let token = lines[index].range(of: "x-amz-security-token:", options: .caseInsensitive) {
                lines[index] = lines[index][..<token.upperBound] + "<redacted>"
            }
        }
        return lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// botocore's `_is_generic_error_response`: a 5xx with no body, or one starting with `<html>`.
    private static func genericError(_ response: HTTPResponse) -> (String, String)? {
        guard response.status >= 500 else { return nil }
        let trimmed = String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.isEmpty || trimmed.hasPrefix("<html>") else { return nil }
        return (String(response.status), reasonPhrase(response.status))
    }

    private static func string(_ value: Any?) -> String? {
        switch value {
        case let string as String: string
        case nil, is NSNull: nil
        case let other?: "\(other)"
        }
    }

    /// The reason phrases Python's `http.client.responses` gives the 5xx statuses.
    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        case 506: "Variant Also Negotiates"
        case 507: "Insufficient Storage"
        case 508: "Loop Detected"
        case 510: "Not Extended"
        case 511: "Network Authentication Required"
        default: ""
        }
    }

    /// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form HTTP `Date` headers take.
    static func parseHTTPDate(_ text: String) -> Date? {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]),
            let month = months.firstIndex(of: String(parts[2])), let year = Int(parts[3])
        else { return nil }
        let time = parts[4].split(separator: ":").compactMap { Int($0) }
        guard time.count == 3 else { return nil }
        return AWSTimestamp.date(
            year: year,
            month: month + 1,
            day: day,
            hour: time[0],
            minute: time[1],
            second: time[2]
        )
    }
}
