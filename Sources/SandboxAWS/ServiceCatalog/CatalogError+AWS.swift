import Foundation
import SandboxCore

extension CatalogError {
    /// The port's error for a decoded Service Catalog error response, keeping AWS's message and request id.
    ///
    /// A clock-skew error (`RequestTimeTooSkewed`, or a signature error saying "Signature expired" or "Signature not
    /// yet current") says by how much the clock is off; any other 401 or 403 is access denied.
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
        // A quota (too many provisioned products), not a rate.
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

    /// "this machine's clock is off by 12m 30s (behind AWS); fix NTP (…)", measured from the times AWS quotes in
    /// its message (the request's first, AWS's third), else from the response's `Date` header.
    static func clockSkewMessage(_ error: AWSErrorResponse, now: Date) -> String {
        let stamps = sigV4Timestamps(in: error.message)
        var (local, server) = (stamps.first, stamps.count >= 3 ? stamps[2] : nil)
        if server == nil, let serverDate = error.serverDate {
            (local, server) = (now, serverDate)
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
        message.matches(of: /[0-9]{8}T[0-9]{6}Z/).compactMap { AWSTimestamp.parseSigV4(String($0.output)) }
    }

    /// `1h 2m 3s`, `12m 30s`, `45s`.
    static func duration(_ seconds: Int) -> String {
        let (hours, minutes, rest) = (seconds / 3600, seconds % 3600 / 60, seconds % 60)
        if hours > 0 { return "\(hours)h \(minutes)m \(rest)s" }
        if minutes > 0 { return "\(minutes)m \(rest)s" }
        return "\(rest)s"
    }
}
