import Foundation
import SandboxCore

/// The journal's records, written as `JSONEncoder` writes ``JournalEvent``'s synthesized `Codable`: one object
/// keyed by the case name, holding the associated values by label (`_0` when unlabelled), optionals that are
/// `nil` left out, every object's keys sorted.
extension JournalJSONWriter {
    /// The bytes of one record.
    static func event(_ event: JournalEvent) throws(NotFinite) -> [UInt8] {
        var writer = JournalJSONWriter(capacity: 256)
        try writer.write(event)
        return writer.bytes
    }

    mutating func write(_ event: JournalEvent) throws(NotFinite) {
        switch event {
        case .requestSeen, .requestChanged, .verificationDeferred, .verified, .admitted, .rejected, .dropped:
            try writeRequestEvent(event)
        case .provisionStarted, .provisionAccepted, .provisionRefused, .activated, .leaseExtended, .attemptEnded,
            .quarantined, .lost, .adopted:
            try writeProductEvent(event)
        default:
            try writeOtherEvent(event)
        }
        close()
        close()
    }

    /// `requestSeen` … `dropped`: what is written up to the payload's last value (the caller closes both).
    private mutating func writeRequestEvent(_ event: JournalEvent) throws(NotFinite) {
        switch event {
        case .requestSeen(let spec, let at), .requestChanged(let spec, let at):
            if case .requestSeen = event { openCase("requestSeen") } else { openCase("requestChanged") }
            open()
            key("at")
            try date(at)
            key("spec")
            write(spec)
        case .verificationDeferred(let id, let reason, let retryAt):
            openCase("verificationDeferred")
            open()
            key("id")
            string(id.rawValue)
            key("reason")
            string(reason)
            try optionalDate("retryAt", retryAt)
        case .verified(let id, let verification):
            openCase("verified")
            open()
            key("id")
            string(id.rawValue)
            key("verification")
            try write(verification)
        case .admitted(let id), .dropped(let id):
            if case .admitted = event { openCase("admitted") } else { openCase("dropped") }
            open()
            key("id")
            string(id.rawValue)
        case .rejected(let id, let reason):
            openCase("rejected")
            idAndReason(id, reason)
        default:
            break
        }
    }

    private mutating func idAndReason(_ id: RequestID, _ reason: String) {
        open()
        key("id")
        string(id.rawValue)
        key("reason")
        string(reason)
    }

    /// `provisionStarted` … `adopted`.
    private mutating func writeProductEvent(_ event: JournalEvent) throws(NotFinite) {
        switch event {
        case .provisionStarted(let id, let attempt, let request, let at):
            openCase("provisionStarted")
            open()
            try optionalDate("at", at)
            key("attempt")
            integer(attempt)
            key("id")
            string(id.rawValue)
            key("request")
            write(request)
        case .provisionAccepted(let id, let receipt):
            openCase("provisionAccepted")
            open()
            key("id")
            string(id.rawValue)
            key("receipt")
            open()
            optionalString("provisionedProductId", receipt.provisionedProductId)
            key("recordId")
            string(receipt.recordId)
            close()
        case .provisionRefused(let id, let error, let retryAt):
            openCase("provisionRefused")
            open()
            key("error")
            string(error)
            key("id")
            string(id.rawValue)
            try optionalDate("retryAt", retryAt)
        case .activated(let id, let productId, let outputs, let leaseStart, let leaseEnd):
            openCase("activated")
            open()
            key("id")
            string(id.rawValue)
            key("leaseEnd")
            try date(leaseEnd)
            key("leaseStart")
            try date(leaseStart)
            key("outputs")
            write(outputs)
            key("productId")
            string(productId)
        default:
            try writeProductEndEvent(event)
        }
    }

    private mutating func writeProductEndEvent(_ event: JournalEvent) throws(NotFinite) {
        switch event {
        case .leaseExtended(let id, let leaseEnd):
            openCase("leaseExtended")
            open()
            key("id")
            string(id.rawValue)
            key("leaseEnd")
            try date(leaseEnd)
        case .attemptEnded(let id, let reason, let retryAt):
            openCase("attemptEnded")
            idAndReason(id, reason)
            try optionalDate("retryAt", retryAt)
        case .quarantined(let id, let reason):
            openCase("quarantined")
            idAndReason(id, reason)
        case .lost(let id):
            openCase("lost")
            open()
            key("id")
            string(id.rawValue)
        case .adopted(let id, let product, let leaseStart, let leaseEnd):
            openCase("adopted")
            open()
            key("id")
            string(id.rawValue)
            try optionalDate("leaseEnd", leaseEnd)
            key("leaseStart")
            try date(leaseStart)
            key("product")
            try write(product)
        default:
            break
        }
    }

    /// The comments, terminations and the rest.
    private mutating func writeOtherEvent(_ event: JournalEvent) throws(NotFinite) {
        switch event {
        case .notifyStarted(let id, let event, let occurrence):
            openCase("notifyStarted")
            open()
            key("event")
            string(event.rawValue)
            key("id")
            string(id.rawValue)
            key("occurrence")
            integer(occurrence)
        case .notified(let id, let event, let occurrence, let comment, let position):
            openCase("notified")
            open()
            key("comment")
            write(comment)
            key("event")
            string(event.rawValue)
            key("id")
            string(id.rawValue)
            key("occurrence")
            integer(occurrence)
            if let position {
                key("position")
                integer(position)
            }
        case .invalidNotified(let id, let occurrence, let pullRequest, let problems, let comment):
            openCase("invalidNotified")
            open()
            key("comment")
            write(comment)
            key("id")
            string(id.rawValue)
            key("occurrence")
            integer(occurrence)
            key("problems")
            string(problems)
            key("pullRequest")
            integer(pullRequest)
        case .invalidCleared(let id):
            openCase("invalidCleared")
            open()
            key("id")
            string(id.rawValue)
        default:
            try writeTerminationEvent(event)
        }
    }

    private mutating func writeTerminationEvent(_ event: JournalEvent) throws(NotFinite) {
        switch event {
        case .terminationStarted(let productId, let owner, let token, let at):
            openCase("terminationStarted")
            open()
            try optionalDate("at", at)
            key("owner")
            write(owner)
            key("productId")
            string(productId)
            key("token")
            string(token)
        case .terminationAccepted(let productId, let recordId):
            openCase("terminationAccepted")
            open()
            key("productId")
            string(productId)
            key("recordId")
            string(recordId)
        case .terminationFailed(let productId, let error, let retryAt):
            openCase("terminationFailed")
            open()
            key("error")
            string(error)
            key("productId")
            string(productId)
            key("retryAt")
            try date(retryAt)
        case .productGone(let productId):
            openCase("productGone")
            open()
            key("productId")
            string(productId)
        default:
            try writeLastEvent(event)
        }
    }

    private mutating func writeLastEvent(_ event: JournalEvent) throws(NotFinite) {
        switch event {
        case .pullRequestRead(let id, let found, let at):
            openCase("pullRequestRead")
            open()
            key("at")
            try date(at)
            key("found")
            openArray()
            for own in found {
                open()
                key("comment")
                write(own.comment)
                key("event")
                string(own.event.rawValue)
                key("occurrence")
                integer(own.occurrence)
                close()
            }
            closeArray()
            key("id")
            string(id.rawValue)
        case .retired(let id, let at):
            openCase("retired")
            open()
            key("at")
            try date(at)
            key("id")
            string(id.rawValue)
        case .forgotten(let ids):
            openCase("forgotten")
            open()
            key("ids")
            openArray()
            for id in ids { string(id.rawValue) }
            closeArray()
        case .desiredRevision(let revision, let at):
            openCase("desiredRevision")
            open()
            key("_0")
            try write(revision)
            key("at")
            try date(at)
        default:
            break
        }
    }

    // MARK: The values inside records

    mutating func date(_ date: Date) throws(NotFinite) {
        try double(date.timeIntervalSinceReferenceDate)
    }

    mutating func optionalDate(_ name: StaticString, _ date: Date?) throws(NotFinite) {
        guard let date else { return }
        key(name)
        try self.date(date)
    }

    mutating func optionalString(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func optionalInteger(_ name: StaticString, _ value: Int?) {
        guard let value else { return }
        key(name)
        integer(value)
    }

    mutating func write(_ spec: RequestSpec) {
        open()
        key("id")
        string(spec.id.rawValue)
        if let lease = spec.lease {
            key("lease")
            string(lease.text)
        }
        key("pullRequest")
        integer(spec.pullRequest)
        optionalString("purpose", spec.purpose)
        key("requester")
        string(spec.requester)
        close()
    }

    mutating func write(_ verification: Verification) throws(NotFinite) {
        switch verification {
        case .verified(let userId, let login, let at):
            openCase("verified")
            open()
            key("at")
            try date(at)
            key("login")
            string(login)
            key("userId")
            integer(userId)
        case .skipped(let at):
            openCase("skipped")
            open()
            key("at")
            try date(at)
        }
        close()
        close()
    }

    mutating func write(_ request: ProvisionRequest) {
        open()
        key("name")
        string(request.name)
        key("parameters")
        stringDictionary(request.parameters)
        key("product")
        open()
        optionalString("pathId", request.product.pathId)
        key("productId")
        string(request.product.productId)
        key("provisioningArtifactId")
        string(request.product.provisioningArtifactId)
        close()
        key("tags")
        stringDictionary(request.tags)
        key("token")
        string(request.token)
        close()
    }

    mutating func write(_ outputs: [ProductOutput]) {
        openArray()
        for output in outputs {
            open()
            optionalString("description", output.description)
            key("key")
            string(output.key)
            key("value")
            string(output.value)
            close()
        }
        closeArray()
    }

    mutating func write(_ product: LiveProduct) throws(NotFinite) {
        open()
        if let createdTime = product.createdTime {
            key("createdTime")
            try date(createdTime)
        }
        key("id")
        string(product.id)
        optionalString("lastRecordId", product.lastRecordId)
        key("name")
        string(product.name)
        key("status")
        string(product.status.rawValue)
        optionalString("statusMessage", product.statusMessage)
        key("tags")
        stringDictionary(product.tags)
        close()
    }

    mutating func write(_ comment: CommentReference) {
        open()
        key("id")
        integer(comment.id)
        optionalString("url", comment.url)
        close()
    }

    mutating func write(_ owner: TerminationOwner) {
        switch owner {
        case .request(let id, let purpose):
            openCase("request")
            open()
            key("_0")
            string(id.rawValue)
            key("purpose")
            string(purpose.rawValue)
        case .orphan(let name):
            openCase("orphan")
            open()
            key("name")
            string(name)
        }
        close()
        close()
    }

    mutating func write(_ revision: DesiredStateRevision) throws(NotFinite) {
        open()
        key("commit")
        string(revision.commit)
        if let committedAt = revision.committedAt {
            key("committedAt")
            try date(committedAt)
        }
        key("dirty")
        bool(revision.dirty)
        optionalString("subject", revision.subject)
        close()
    }
}
