import Foundation
import SandboxCore

extension CatalogError {
    /// Maps a decoded Service Catalog error response to the port's error, keeping AWS's message.
    ///
    /// - ``CatalogError/Kind/notFound``: `ResourceNotFoundException`.
    /// - ``CatalogError/Kind/invalidRequest``: `InvalidParametersException`, `InvalidStateException`,
    ///   `ValidationException`, …
    /// - ``CatalogError/Kind/duplicate``: `DuplicateResourceException`.
    /// - ``CatalogError/Kind/limitExceeded``: `LimitExceededException` (a quota, not a rate).
    /// - ``CatalogError/Kind/unavailable``: throttling codes, transient codes, 5xx.
    /// - ``CatalogError/Kind/clockSkew``: `RequestTimeTooSkewed`, or a signature error saying "Signature expired" or
    ///   "Signature not yet current"; the message says by how much the clock is off.
    /// - ``CatalogError/Kind/accessDenied``: `AccessDeniedException`, `UnrecognizedClientException`,
    ///   `ExpiredTokenException`, `InvalidSignatureException`, …, and any other 401 or 403.
    /// - ``CatalogError/Kind/other``: anything else.
    ///
    /// - Parameters:
    ///   - error: The decoded response.
    ///   - operation: The operation, named in messages that need context.
    ///   - attempts: How many attempts were made.
    ///   - now: The local time, to measure clock skew when the message does not carry the request's time.
    init(aws error: AWSErrorResponse, operation: String, attempts: Int, now: Date) {
        let kind = Self.kind(for: error)
        var message = error.message.isEmpty ? "HTTP \(error.status)" : error.message
        if kind == .clockSkew {
            message = Self.clockSkewMessage(error, now: now)
        }
        if kind == .unavailable && attempts > 1 {
            message += " (\(operation), \(attempts) attempts)"
        }
        if let requestId = error.requestId {
            message += " [request id \(requestId)]"
        }
        self.init(kind, code: error.code, message: message, isThrottling: AWSErrorCodes.throttling.contains(error.code))
    }

    /// The kind of a decoded error response.
    static func kind(for error: AWSErrorResponse) -> Kind {
        let code = error.code
        if AWSErrorCodes.clockSkew.contains(code) { return .clockSkew }
        if ["InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure"].contains(code),
            error.message.contains("Signature expired") || error.message.contains("Signature not yet current")
        {
            return .clockSkew
        }
        switch code {
        case "ResourceNotFoundException": return .notFound
        case "DuplicateResourceException": return .duplicate
        case "LimitExceededException": return .limitExceeded
        case "InvalidParametersException", "InvalidStateException", "ValidationException", "SerializationException",
            "OperationNotSupportedException", "ResourceInUseException", "TagOptionNotMigratedException",
            "UnknownOperationException":
            return .invalidRequest
        default: break
        }
        if AWSErrorCodes.throttling.contains(code) || AWSErrorCodes.isTransient(code: code, status: error.status) {
            return .unavailable
        }
        if AWSErrorCodes.accessDenied.contains(code) || error.status == 401 || error.status == 403 {
            return .accessDenied
        }
        return .other
    }

    /// "this machine's clock is off by 12m 30s (behind AWS's); fix NTP (…)", measured from the time AWS quotes in
    /// its message, else from the response's `Date` header.
    static func clockSkewMessage(_ error: AWSErrorResponse, now: Date) -> String {
        let stamps = sigV4Timestamps(in: error.message)
        var local: Date? = stamps.first
        var server: Date?
        if stamps.count >= 3 {
            server = stamps[2]
        } else if let serverDate = error.serverDate {
            server = serverDate
            local = now
        }
        var offset = "more than 5 minutes"
        var direction = ""
        if let local, let server {
            let seconds = Int(local.timeIntervalSince(server).rounded())
            offset = Self.duration(abs(seconds))
            direction = seconds >= 0 ? " (ahead of AWS)" : " (behind AWS)"
        }
        return "this machine's clock is off by \(offset)\(direction); fix NTP (e.g. timedatectl set-ntp true) "
            + "(AWS said: \(error.message.isEmpty ? error.code : error.message))"
    }

    /// Every `yyyyMMddTHHmmssZ` in a message, in order.
    static func sigV4Timestamps(in message: String) -> [Date] {
        let scalars = Array(message.utf8)
        var dates: [Date] = []
        var index = 0
        while index + 16 <= scalars.count {
            let window = scalars[index..<(index + 16)]
            let digits = window.enumerated().allSatisfy { offset, byte in
                switch offset {
                case 8: byte == UInt8(ascii: "T")
                case 15: byte == UInt8(ascii: "Z")
                default: (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                }
            }
            if digits {
                let text = String(decoding: window, as: UTF8.self)
                func number(_ from: Int, _ length: Int) -> Int {
                    let start = text.index(text.startIndex, offsetBy: from)
                    return Int(text[start..<text.index(start, offsetBy: length)]) ?? 0
                }
                if let date = AWSTimestamp.date(
                    year: number(0, 4),
                    month: number(4, 2),
                    day: number(6, 2),
                    hour: number(9, 2),
                    minute: number(11, 2),
                    second: number(13, 2)
                ) {
                    dates.append(date)
                }
                index += 16
            } else {
                index += 1
            }
        }
        return dates
    }

    /// `1h 2m 3s`, `12m 30s`, `45s`.
    static func duration(_ seconds: Int) -> String {
        let hours = seconds / 3600
        let minutes = seconds % 3600 / 60
        let rest = seconds % 60
        if hours > 0 { return "\(hours)h \(minutes)m \(rest)s" }
        if minutes > 0 { return "\(minutes)m \(rest)s" }
        return "\(rest)s"
    }
}
