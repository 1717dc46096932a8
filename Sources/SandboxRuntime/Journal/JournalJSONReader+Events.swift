import Foundation
import SandboxCore

/// The journal's records as ``JournalJSONWriter`` (and `JSONEncoder` before it) writes them.
extension JournalJSONReader {
    /// The event of one record.
    static func event(_ bytes: [UInt8]) throws(Failure) -> JournalEvent {
        try read(bytes) { (reader: inout JournalJSONReader) throws(Failure) -> JournalEvent in try reader.event() }
    }

    /// Every associated value an event may have, by its key: one pass over the payload's members fills
    /// what is there, then the case takes what it needs (a key another case has is read and ignored).
    struct EventFields {
        var id: RequestID?
        var at: Date?
        var spec: RequestSpec?
        var reason: String?
        var retryAt: Date?
        var verification: Verification?
        var attempt: Int?
        var request: ProvisionRequest?
        var receipt: CatalogReceipt?
        var error: String?
        var productId: String?
        var outputs: [ProductOutput]?
        var leaseStart: Date?
        var leaseEnd: Date?
        var product: LiveProduct?
        var event: NotificationEvent?
        var occurrence: Int?
        var comment: CommentReference?
        var position: Int?
        var pullRequest: Int?
        var problems: String?
        var owner: TerminationOwner?
        var token: String?
        var recordId: String?
        var found: [OwnComment]?
        var ids: [RequestID]?
        var revision: DesiredStateRevision?
    }

    mutating func event() throws(Failure) -> JournalEvent {
        let name = try beginCase()
        let fields = try eventFields()
        guard let event = try Self.event(named: name, fields, reader: self) else {
            throw Failure(offset: name.start, message: "an unknown or incomplete event")
        }
        try endCase()
        return event
    }

    private mutating func eventFields() throws(Failure) -> EventFields {
        var fields = EventFields()
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "id") {
                fields.id = try requestID()
            } else if self.is(key, "at") {
                fields.at = try date()
            } else if self.is(key, "reason") {
                fields.reason = try string()
            } else if self.is(key, "event") {
                fields.event = try rawValue(NotificationEvent.self)
            } else if self.is(key, "occurrence") {
                fields.occurrence = try integer()
            } else if self.is(key, "comment") {
                fields.comment = try commentReference()
            } else if self.is(key, "productId") {
                fields.productId = try string()
            } else if self.is(key, "retryAt") {
                fields.retryAt = try date()
            } else {
                try otherField(key, &fields)
            }
        }
        return fields
    }

    private mutating func otherField(_ key: Key, _ fields: inout EventFields) throws(Failure) {
        if self.is(key, "spec") {
            fields.spec = try requestSpec()
        } else if self.is(key, "verification") {
            fields.verification = try verification()
        } else if self.is(key, "attempt") {
            fields.attempt = try integer()
        } else if self.is(key, "request") {
            fields.request = try provisionRequest()
        } else if self.is(key, "receipt") {
            fields.receipt = try catalogReceipt()
        } else if self.is(key, "error") {
            fields.error = try string()
        } else if self.is(key, "outputs") {
            fields.outputs = try outputs()
        } else if self.is(key, "leaseStart") {
            fields.leaseStart = try date()
        } else if self.is(key, "leaseEnd") {
            fields.leaseEnd = try date()
        } else if self.is(key, "product") {
            fields.product = try liveProduct()
        } else {
            try lastField(key, &fields)
        }
    }

    private mutating func lastField(_ key: Key, _ fields: inout EventFields) throws(Failure) {
        if self.is(key, "position") {
            fields.position = try integer()
        } else if self.is(key, "pullRequest") {
            fields.pullRequest = try integer()
        } else if self.is(key, "problems") {
            fields.problems = try string()
        } else if self.is(key, "owner") {
            fields.owner = try terminationOwner()
        } else if self.is(key, "token") {
            fields.token = try string()
        } else if self.is(key, "recordId") {
            fields.recordId = try string()
        } else if self.is(key, "found") {
            fields.found = try array { (reader: inout JournalJSONReader) throws(Failure) in try reader.ownComment() }
        } else if self.is(key, "ids") {
            fields.ids = try array { (reader: inout JournalJSONReader) throws(Failure) in try reader.requestID() }
        } else if self.is(key, "_0") {
            fields.revision = try desiredStateRevision()
        } else {
            try skipValue()
        }
    }

    /// The event `name` from `fields`, or `nil` when the name is unknown or a value it needs is missing.
    private static func event(
        named name: Key,
        _ f: borrowing EventFields,
        reader: Self
    ) throws(Failure) -> JournalEvent? {
        if reader.is(name, "notified") {
            guard let id = f.id, let event = f.event, let occurrence = f.occurrence, let comment = f.comment else {
                return nil
            }
            return .notified(id: id, event: event, occurrence: occurrence, comment: comment, position: f.position)
        }
        if reader.is(name, "notifyStarted") {
            guard let id = f.id, let event = f.event, let occurrence = f.occurrence else { return nil }
            return .notifyStarted(id: id, event: event, occurrence: occurrence)
        }
        if reader.is(name, "requestSeen") {
            guard let spec = f.spec, let at = f.at else { return nil }
            return .requestSeen(spec: spec, at: at)
        }
        if reader.is(name, "pullRequestRead") {
            guard let id = f.id, let found = f.found, let at = f.at else { return nil }
            return .pullRequestRead(id: id, found: found, at: at)
        }
        if reader.is(name, "verified") {
            guard let id = f.id, let verification = f.verification else { return nil }
            return .verified(id: id, verification: verification)
        }
        if reader.is(name, "admitted") { return f.id.map { .admitted(id: $0) } }
        if reader.is(name, "provisionStarted") {
            guard let id = f.id, let attempt = f.attempt, let request = f.request else { return nil }
            return .provisionStarted(id: id, attempt: attempt, request: request, at: f.at)
        }
        if reader.is(name, "provisionAccepted") {
            guard let id = f.id, let receipt = f.receipt else { return nil }
            return .provisionAccepted(id: id, receipt: receipt)
        }
        if reader.is(name, "activated") {
            guard let id = f.id, let productId = f.productId, let outputs = f.outputs, let leaseStart = f.leaseStart,
                let leaseEnd = f.leaseEnd
            else { return nil }
            return .activated(
                id: id,
                productId: productId,
                outputs: outputs,
                leaseStart: leaseStart,
                leaseEnd: leaseEnd
            )
        }
        return try terminationEvent(named: name, f, reader: reader)
    }

    private static func terminationEvent(
        named name: Key,
        _ f: borrowing EventFields,
        reader: Self
    ) throws(Failure) -> JournalEvent? {
        if reader.is(name, "terminationStarted") {
            guard let productId = f.productId, let owner = f.owner, let token = f.token else { return nil }
            return .terminationStarted(productId: productId, owner: owner, token: token, at: f.at)
        }
        if reader.is(name, "terminationAccepted") {
            guard let productId = f.productId, let recordId = f.recordId else { return nil }
            return .terminationAccepted(productId: productId, recordId: recordId)
        }
        if reader.is(name, "terminationFailed") {
            guard let productId = f.productId, let error = f.error, let retryAt = f.retryAt else { return nil }
            return .terminationFailed(productId: productId, error: error, retryAt: retryAt)
        }
        if reader.is(name, "productGone") { return f.productId.map { .productGone(productId: $0) } }
        if reader.is(name, "retired") {
            guard let id = f.id, let at = f.at else { return nil }
            return .retired(id: id, at: at)
        }
        if reader.is(name, "requestChanged") {
            guard let spec = f.spec, let at = f.at else { return nil }
            return .requestChanged(spec: spec, at: at)
        }
        if reader.is(name, "verificationDeferred") {
            guard let id = f.id, let reason = f.reason else { return nil }
            return .verificationDeferred(id: id, reason: reason, retryAt: f.retryAt)
        }
        if reader.is(name, "rejected") {
            guard let id = f.id, let reason = f.reason else { return nil }
            return .rejected(id: id, reason: reason)
        }
        if reader.is(name, "dropped") { return f.id.map { .dropped(id: $0) } }
        return try lifecycleEvent(named: name, f, reader: reader)
    }

    private static func lifecycleEvent(
        named name: Key,
        _ f: borrowing EventFields,
        reader: Self
    ) throws(Failure) -> JournalEvent? {
        if reader.is(name, "provisionRefused") {
            guard let id = f.id, let error = f.error else { return nil }
            return .provisionRefused(id: id, error: error, retryAt: f.retryAt)
        }
        if reader.is(name, "leaseExtended") {
            guard let id = f.id, let leaseEnd = f.leaseEnd else { return nil }
            return .leaseExtended(id: id, leaseEnd: leaseEnd)
        }
        if reader.is(name, "attemptEnded") {
            guard let id = f.id, let reason = f.reason else { return nil }
            return .attemptEnded(id: id, reason: reason, retryAt: f.retryAt)
        }
        if reader.is(name, "quarantined") {
            guard let id = f.id, let reason = f.reason else { return nil }
            return .quarantined(id: id, reason: reason)
        }
        if reader.is(name, "lost") { return f.id.map { .lost(id: $0) } }
        if reader.is(name, "adopted") {
            guard let id = f.id, let product = f.product, let leaseStart = f.leaseStart else { return nil }
            return .adopted(id: id, product: product, leaseStart: leaseStart, leaseEnd: f.leaseEnd)
        }
        if reader.is(name, "invalidNotified") {
            guard let id = f.id, let occurrence = f.occurrence, let pullRequest = f.pullRequest,
                let problems = f.problems, let comment = f.comment
            else { return nil }
            return .invalidNotified(
                id: id,
                occurrence: occurrence,
                pullRequest: pullRequest,
                problems: problems,
                comment: comment
            )
        }
        if reader.is(name, "invalidCleared") { return f.id.map { .invalidCleared(id: $0) } }
        if reader.is(name, "forgotten") { return f.ids.map { .forgotten(ids: $0) } }
        if reader.is(name, "desiredRevision") {
            guard let revision = f.revision, let at = f.at else { return nil }
            return .desiredRevision(revision, at: at)
        }
        return nil
    }
}
