import Foundation
import SandboxCore

/// The snapshot, written as `JSONEncoder` writes `{"format": N, "state": JournalState}`: a dictionary keyed by
/// a `String` is an object of sorted keys, one keyed by anything else (a ``RequestID``, a
/// ``NotificationEvent``) an array of keys and values in the dictionary's own order, as `Codable` writes it.
extension JournalJSONWriter {
    /// The bytes of a snapshot of `state` in snapshot format `format`.
    static func snapshot(_ state: JournalState, format: Int) throws(NotFinite) -> [UInt8] {
        var writer = JournalJSONWriter(capacity: 1_024 * (state.requests.count + 1))
        writer.open()
        writer.key("format")
        writer.integer(format)
        writer.key("state")
        try writer.write(state)
        writer.close()
        return writer.bytes
    }

    mutating func write(_ state: JournalState) throws(NotFinite) {
        open()
        if let revision = state.desiredRevision {
            key("desiredRevision")
            try write(revision)
        }
        key("invalidNotices")
        openArray()
        for (id, notice) in state.invalidNotices {
            string(id.rawValue)
            write(notice)
        }
        closeArray()
        key("lineage")
        string(state.lineage)
        key("nextOrder")
        integer(state.nextOrder)
        key("requests")
        openArray()
        for (id, record) in state.requests {
            string(id.rawValue)
            try write(record)
        }
        closeArray()
        key("terminations")
        open()
        for (productId, termination) in state.terminations.sorted(by: { $0.key < $1.key }) {
            key(productId)
            try write(termination)
        }
        close()
        key("tombstones")
        openArray()
        for (id, tombstone) in state.tombstones {
            string(id.rawValue)
            open()
            key("fingerprint")
            string(tombstone.fingerprint)
            key("retired")
            try date(tombstone.retired)
            key("state")
            string(tombstone.state.rawValue)
            close()
        }
        closeArray()
        close()
    }

    mutating func write(_ notice: InvalidNotice) {
        open()
        if let comment = notice.comment {
            key("comment")
            write(comment)
        }
        key("open")
        bool(notice.open)
        key("posted")
        integer(notice.posted)
        optionalString("problems", notice.problems)
        optionalInteger("pullRequest", notice.pullRequest)
        optionalInteger("unconfirmed", notice.unconfirmed)
        close()
    }

    mutating func write(_ record: RequestRecord) throws(NotFinite) {
        open()
        key("expiryWarnings")
        integer(record.expiryWarnings)
        key("fingerprint")
        string(record.fingerprint)
        key("firstSeen")
        try date(record.firstSeen)
        key("id")
        string(record.id.rawValue)
        key("notifications")
        openArray()
        for (event, log) in record.notifications {
            string(event.rawValue)
            open()
            if let comment = log.comment {
                key("comment")
                write(comment)
            }
            optionalInteger("position", log.position)
            key("posted")
            integer(log.posted)
            optionalInteger("unconfirmed", log.unconfirmed)
            close()
        }
        closeArray()
        key("order")
        integer(record.order)
        key("phase")
        try write(record.phase)
        try optionalDate("pullRequestRead", record.pullRequestRead)
        key("rejections")
        integer(record.rejections)
        try optionalDate("retired", record.retired)
        key("spec")
        write(record.spec)
        if let verification = record.verification {
            key("verification")
            try write(verification)
        }
        close()
    }

    mutating func write(_ phase: RequestPhase) throws(NotFinite) {
        switch phase {
        case .pending(let pending):
            openCase("pending")
            open()
            key("_0")
            open()
            optionalString("reason", pending.reason)
            try optionalDate("retryAt", pending.retryAt)
            close()
        case .rejected(let reason):
            openCase("rejected")
            open()
            key("reason")
            string(reason)
        case .queued(let queued):
            openCase("queued")
            open()
            key("_0")
            open()
            optionalString("productName", queued.productName)
            optionalString("reason", queued.reason)
            optionalInteger("resumeAttempt", queued.resumeAttempt)
            try optionalDate("retryAt", queued.retryAt)
            close()
        case .provisioning(let provisioning):
            openCase("provisioning")
            open()
            key("_0")
            try write(provisioning)
        case .active(let lease):
            openCase("active")
            open()
            key("_0")
            try write(lease)
        default:
            try writeEndPhase(phase)
        }
        close()
        close()
    }

    private mutating func writeEndPhase(_ phase: RequestPhase) throws(NotFinite) {
        switch phase {
        case .terminating(let ending):
            openCase("terminating")
            open()
            key("_0")
            try write(ending)
        case .quarantined(let ending, let reason):
            openCase("quarantined")
            open()
            key("_0")
            try write(ending)
            key("reason")
            string(reason)
        case .ended(let ended):
            openCase("ended")
            open()
            key("_0")
            open()
            try optionalPastLease(ended.lease)
            optionalString("productName", ended.productName)
            key("reason")
            string(ended.reason.rawValue)
            close()
        case .failed(let failed):
            openCase("failed")
            open()
            key("_0")
            open()
            optionalString("productName", failed.productName)
            key("reason")
            string(failed.reason)
            close()
        case .lost(let lost):
            openCase("lost")
            open()
            key("_0")
            open()
            try optionalPastLease(lost.lease)
            optionalString("productName", lost.productName)
            key("reason")
            string(lost.reason)
            close()
        default:
            break
        }
    }

    private mutating func optionalPastLease(_ lease: PastLease?) throws(NotFinite) {
        guard let lease else { return }
        key("lease")
        open()
        key("end")
        try date(lease.end)
        key("outputs")
        write(lease.outputs)
        key("start")
        try date(lease.start)
        close()
    }

    mutating func write(_ call: ProvisioningCall) throws(NotFinite) {
        open()
        key("attempt")
        integer(call.attempt)
        optionalString("recordId", call.recordId)
        key("request")
        write(call.request)
        try optionalDate("startedAt", call.startedAt)
        close()
    }

    mutating func optionalCall(_ call: ProvisioningCall?) throws(NotFinite) {
        guard let call else { return }
        key("call")
        try write(call)
    }

    mutating func optionalFailure(_ failure: AttemptFailure?) throws(NotFinite) {
        guard let failure else { return }
        key("failure")
        open()
        key("reason")
        string(failure.reason)
        try optionalDate("retryAt", failure.retryAt)
        close()
    }

    mutating func write(_ provisioning: Provisioning) throws(NotFinite) {
        open()
        try optionalCall(provisioning.call)
        try optionalFailure(provisioning.failure)
        optionalString("productId", provisioning.productId)
        key("productName")
        string(provisioning.productName)
        close()
    }

    mutating func write(_ lease: Lease) throws(NotFinite) {
        open()
        try optionalCall(lease.call)
        key("end")
        try date(lease.end)
        key("outputs")
        write(lease.outputs)
        key("productId")
        string(lease.productId)
        key("productName")
        string(lease.productName)
        key("start")
        try date(lease.start)
        try optionalDate("warnedEnd", lease.warnedEnd)
        close()
    }

    mutating func write(_ ending: Ending) throws(NotFinite) {
        open()
        try optionalCall(ending.call)
        optionalString("endReason", ending.endReason?.rawValue)
        try optionalFailure(ending.failure)
        if let lease = ending.lease {
            key("lease")
            try write(lease)
        }
        key("productId")
        string(ending.productId)
        optionalString("productName", ending.productName)
        close()
    }

    mutating func write(_ termination: Termination) throws(NotFinite) {
        open()
        key("failures")
        integer(termination.failures)
        optionalString("lastError", termination.lastError)
        key("owner")
        write(termination.owner)
        key("productId")
        string(termination.productId)
        optionalString("recordId", termination.recordId)
        try optionalDate("retryAt", termination.retryAt)
        try optionalDate("startedAt", termination.startedAt)
        optionalString("token", termination.token)
        close()
    }
}
