import Foundation
import SandboxCore

/// A request's record in the snapshot, with its phase, as `Codable` wrote them.
extension JournalJSONReader {
    mutating func requestRecord() throws(Failure) -> RequestRecord {
        let start = index
        var id: RequestID?
        var spec: RequestSpec?
        var fingerprint: String?
        var firstSeen: Date?
        var order: UInt64?
        var phase: RequestPhase?
        var verification: Verification?
        var rejections: Int?
        var expiryWarnings: Int?
        var notifications: [NotificationEvent: NotificationLog]?
        var pullRequestRead: Date?
        var retired: Date?
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "phase") {
                phase = try requestPhase()
            } else if self.is(key, "spec") {
                spec = try requestSpec()
            } else if self.is(key, "notifications") {
                notifications = try notificationLogs()
            } else if self.is(key, "id") {
                id = try requestID()
            } else if self.is(key, "fingerprint") {
                fingerprint = try string()
            } else if self.is(key, "firstSeen") {
                firstSeen = try date()
            } else if self.is(key, "order") {
                order = try integer()
            } else if self.is(key, "verification") {
                verification = try self.verification()
            } else if self.is(key, "rejections") {
                rejections = try integer()
            } else if self.is(key, "expiryWarnings") {
                expiryWarnings = try integer()
            } else if self.is(key, "pullRequestRead") {
                pullRequestRead = try date()
            } else if self.is(key, "retired") {
                retired = try date()
            } else {
                try skipValue()
            }
        }
        guard let id, let spec, let fingerprint, let firstSeen, let order, let phase, let rejections,
            let expiryWarnings, let notifications
        else { throw missing("a request record", from: start) }
        var record = RequestRecord(spec: spec, firstSeen: firstSeen, order: order)
        record.id = id
        record.fingerprint = fingerprint
        record.phase = phase
        record.verification = verification
        record.rejections = rejections
        record.expiryWarnings = expiryWarnings
        record.notifications = notifications
        record.pullRequestRead = pullRequestRead
        record.retired = retired
        return record
    }

    mutating func notificationLogs() throws(Failure) -> [NotificationEvent: NotificationLog] {
        var logs: [NotificationEvent: NotificationLog] = [:]
        var first = try beginArray()
        while try nextElement(&first) {
            let event = try rawValue(NotificationEvent.self)
            guard try nextElement(&first) else { throw failure("a key without its value") }
            let start = index
            var log = NotificationLog()
            var posted: Int?
            var members = try beginObject()
            while let key = try nextKey(&members) {
                if try null() { continue }
                if self.is(key, "posted") {
                    posted = try integer()
                } else if self.is(key, "comment") {
                    log.comment = try commentReference()
                } else if self.is(key, "position") {
                    log.position = try integer()
                } else if self.is(key, "unconfirmed") {
                    log.unconfirmed = try integer()
                } else {
                    try skipValue()
                }
            }
            guard let posted else { throw missing("a notification log", from: start) }
            log.posted = posted
            logs[event] = log
        }
        return logs
    }

    /// Every value a phase's payload may have, by its key (as ``EventFields`` for events).
    struct PhaseFields {
        var reason: String?
        var retryAt: Date?
        var resumeAttempt: Int?
        var productName: String?
        var productId: String?
        var call: ProvisioningCall?
        var failure: AttemptFailure?
        var outputs: [ProductOutput]?
        var start: Date?
        var end: Date?
        var warnedEnd: Date?
        var endReason: EndReason?
        var lease: Lease?
        var pastLease: PastLease?

        /// These fields as a lease (an `active` phase's payload, or a lease of its own); `nil` when one is missing.
        var asLease: Lease? {
            guard let productId, let productName, let outputs, let start, let end else { return nil }
            return Lease(
                productId: productId,
                productName: productName,
                call: call,
                outputs: outputs,
                start: start,
                end: end,
                warnedEnd: warnedEnd
            )
        }
    }

    mutating func requestPhase() throws(Failure) -> RequestPhase {
        let start = index
        let name = try beginCase()
        var payload: PhaseFields?
        var reason: String?
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "_0") {
                payload = try phaseFields(lease: self.is(name, "ended") || self.is(name, "lost"))
            } else if self.is(key, "reason") {
                reason = try string()
            } else {
                try skipValue()
            }
        }
        try endCase()
        guard let phase = phase(named: name, payload, reason: reason) else {
            throw missing("a request's phase", from: start)
        }
        return phase
    }

    private func phase(named name: Key, _ payload: PhaseFields?, reason: String?) -> RequestPhase? {
        if self.is(name, "rejected") { return reason.map { .rejected(reason: $0) } }
        guard let f = payload else { return nil }
        if self.is(name, "ended") {
            let reason = f.reason.flatMap(EndReason.init(rawValue:))
            return reason.map { .ended(Ended(reason: $0, productName: f.productName, lease: f.pastLease)) }
        }
        if self.is(name, "active") { return f.asLease.map { .active($0) } }
        if self.is(name, "pending") { return .pending(Pending(reason: f.reason, retryAt: f.retryAt)) }
        if self.is(name, "queued") {
            let queued = Queued(
                reason: f.reason,
                retryAt: f.retryAt,
                resumeAttempt: f.resumeAttempt,
                productName: f.productName
            )
            return .queued(queued)
        }
        if self.is(name, "provisioning") {
            guard let productName = f.productName else { return nil }
            return .provisioning(
                Provisioning(call: f.call, productId: f.productId, productName: productName, failure: f.failure)
            )
        }
        if self.is(name, "failed") { return f.reason.map { .failed(Failed(reason: $0, productName: f.productName)) } }
        if self.is(name, "lost") {
            return f.reason.map { .lost(Lost(reason: $0, productName: f.productName, lease: f.pastLease)) }
        }
        guard let productId = f.productId else { return nil }
        let ending = Ending(
            productId: productId,
            productName: f.productName,
            endReason: f.endReason,
            call: f.call,
            failure: f.failure,
            lease: f.lease
        )
        if self.is(name, "terminating") { return .terminating(ending) }
        if self.is(name, "quarantined") { return reason.map { .quarantined(ending, reason: $0) } }
        return nil
    }

    /// The payload of a phase; `lease` is a ``PastLease`` when `pastLease` (for `ended` and `lost`), else a
    /// ``Lease``.
    private mutating func phaseFields(lease pastLease: Bool) throws(Failure) -> PhaseFields {
        var f = PhaseFields()
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "productName") {
                f.productName = try string()
            } else if self.is(key, "reason") {
                f.reason = try string()
            } else if self.is(key, "lease") {
                if pastLease { f.pastLease = try self.pastLease() } else { f.lease = try self.lease() }
            } else if self.is(key, "call") {
                f.call = try provisioningCall()
            } else if self.is(key, "productId") {
                f.productId = try string()
            } else if self.is(key, "outputs") {
                f.outputs = try outputs()
            } else if self.is(key, "start") {
                f.start = try date()
            } else if self.is(key, "end") {
                f.end = try date()
            } else if self.is(key, "retryAt") {
                f.retryAt = try date()
            } else if self.is(key, "failure") {
                f.failure = try attemptFailure()
            } else if self.is(key, "endReason") {
                f.endReason = try rawValue(EndReason.self)
            } else if self.is(key, "warnedEnd") {
                f.warnedEnd = try date()
            } else if self.is(key, "resumeAttempt") {
                f.resumeAttempt = try integer()
            } else {
                try skipValue()
            }
        }
        return f
    }

    mutating func pastLease() throws(Failure) -> PastLease {
        let at = index
        var start: Date?
        var end: Date?
        var outputs: [ProductOutput]?
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "start") {
                start = try date()
            } else if self.is(key, "end") {
                end = try date()
            } else if self.is(key, "outputs") {
                outputs = try self.outputs()
            } else {
                try skipValue()
            }
        }
        guard let start, let end, let outputs else { throw missing("a past lease", from: at) }
        return PastLease(start: start, end: end, outputs: outputs)
    }

    mutating func lease() throws(Failure) -> Lease {
        let at = index
        guard let lease = try phaseFields(lease: false).asLease else { throw missing("a lease", from: at) }
        return lease
    }

    mutating func provisioningCall() throws(Failure) -> ProvisioningCall {
        let at = index
        var attempt: Int?
        var request: ProvisionRequest?
        var recordId: String?
        var startedAt: Date?
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "attempt") {
                attempt = try integer()
            } else if self.is(key, "request") {
                request = try provisionRequest()
            } else if self.is(key, "recordId") {
                recordId = try string()
            } else if self.is(key, "startedAt") {
                startedAt = try date()
            } else {
                try skipValue()
            }
        }
        guard let attempt, let request else { throw missing("a provisioning call", from: at) }
        return ProvisioningCall(attempt: attempt, request: request, recordId: recordId, startedAt: startedAt)
    }

    mutating func attemptFailure() throws(Failure) -> AttemptFailure {
        let at = index
        var reason: String?
        var retryAt: Date?
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "reason") {
                reason = try string()
            } else if self.is(key, "retryAt") {
                retryAt = try date()
            } else {
                try skipValue()
            }
        }
        guard let reason else { throw missing("an attempt's failure", from: at) }
        return AttemptFailure(reason: reason, retryAt: retryAt)
    }
}
