import Foundation
import SandboxCore

/// The values inside records and the snapshot, each read as its synthesized (or hand-written) `Decodable`
/// reads it: required keys must be there and not `null`, optional ones may be absent or `null`, others skipped.
extension JournalJSONReader {
    /// What a missing required key makes of a value.
    func missing(_ what: StaticString, from start: Int) -> Failure {
        Failure(offset: start, message: "\(what) lacks a key it needs")
    }

    mutating func date() throws(Failure) -> Date {
        Date(timeIntervalSinceReferenceDate: try double())
    }

    mutating func requestID() throws(Failure) -> RequestID {
        let start = index
        guard let id = RequestID(try string()) else { throw Failure(offset: start, message: "a bad request id") }
        return id
    }

    mutating func rawValue<T: RawRepresentable>(_ type: T.Type) throws(Failure) -> T where T.RawValue == String {
        let start = index
        guard let value = T(rawValue: try string()) else {
            throw Failure(offset: start, message: "an unknown \(T.self)")
        }
        return value
    }

    /// An array whose elements `element` reads.
    mutating func array<T>(_ element: (inout JournalJSONReader) throws(Failure) -> T) throws(Failure) -> [T] {
        var values: [T] = []
        var first = try beginArray()
        while try nextElement(&first) { values.append(try element(&self)) }
        return values
    }

    /// A `[String: String]`.
    mutating func stringDictionary() throws(Failure) -> [String: String] {
        var dictionary: [String: String] = [:]
        var first = try beginObject()
        while let key = try nextKey(&first) {
            let name = try keyText(key)
            dictionary[name] = try string()
        }
        return dictionary
    }

    mutating func requestSpec() throws(Failure) -> RequestSpec {
        let start = index
        var id: RequestID?
        var requester: String?
        var pullRequest: Int?
        var lease: LeaseDuration?
        var purpose: String?
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "id") {
                id = try requestID()
            } else if self.is(key, "requester") {
                requester = try string()
            } else if self.is(key, "pullRequest") {
                pullRequest = try integer()
            } else if self.is(key, "lease") {
                let at = index
                guard let value = LeaseDuration(try string()) else { throw Failure(offset: at, message: "a bad lease") }
                lease = value
            } else if self.is(key, "purpose") {
                purpose = try string()
            } else {
                try skipValue()
            }
        }
        guard let id, let requester, let pullRequest else { throw missing("a request spec", from: start) }
        return RequestSpec(id: id, requester: requester, pullRequest: pullRequest, lease: lease, purpose: purpose)
    }

    mutating func verification() throws(Failure) -> Verification {
        let start = index
        let name = try beginCase()
        var userId: Int64?
        var login: String?
        var at: Date?
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "at") {
                at = try date()
            } else if self.is(key, "login") {
                login = try string()
            } else if self.is(key, "userId") {
                userId = try integer()
            } else {
                try skipValue()
            }
        }
        try endCase()
        if self.is(name, "verified"), let userId, let login, let at {
            return .verified(userId: userId, login: login, at: at)
        }
        if self.is(name, "skipped"), let at { return .skipped(at: at) }
        throw missing("a verification", from: start)
    }

    mutating func provisionRequest() throws(Failure) -> ProvisionRequest {
        let start = index
        var name: String?
        var token: String?
        var product: ProductReference?
        var parameters: [String: String]?
        var tags: [String: String]?
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "name") {
                name = try string()
            } else if self.is(key, "token") {
                token = try string()
            } else if self.is(key, "product") {
                product = try productReference()
            } else if self.is(key, "parameters") {
                parameters = try stringDictionary()
            } else if self.is(key, "tags") {
                tags = try stringDictionary()
            } else {
                try skipValue()
            }
        }
        guard let name, let token, let product, let parameters, let tags else {
            throw missing("a provisioning request", from: start)
        }
        return ProvisionRequest(name: name, token: token, product: product, parameters: parameters, tags: tags)
    }

    mutating func productReference() throws(Failure) -> ProductReference {
        let start = index
        var productId: String?
        var artifactId: String?
        var pathId: String?
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "productId") {
                productId = try string()
            } else if self.is(key, "provisioningArtifactId") {
                artifactId = try string()
            } else if self.is(key, "pathId") {
                pathId = try string()
            } else {
                try skipValue()
            }
        }
        guard let productId, let artifactId else { throw missing("a product reference", from: start) }
        return ProductReference(productId: productId, provisioningArtifactId: artifactId, pathId: pathId)
    }

    mutating func catalogReceipt() throws(Failure) -> CatalogReceipt {
        let start = index
        var recordId: String?
        var productId: String?
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "recordId") {
                recordId = try string()
            } else if self.is(key, "provisionedProductId") {
                productId = try string()
            } else {
                try skipValue()
            }
        }
        guard let recordId else { throw missing("a catalog receipt", from: start) }
        return CatalogReceipt(recordId: recordId, provisionedProductId: productId)
    }

    mutating func outputs() throws(Failure) -> [ProductOutput] {
        try array { (reader: inout JournalJSONReader) throws(Failure) in try reader.productOutput() }
    }

    mutating func productOutput() throws(Failure) -> ProductOutput {
        let start = index
        var key: String?
        var value: String?
        var description: String?
        var first = try beginObject()
        while let member = try nextKey(&first) {
            if try null() { continue }
            if self.is(member, "key") {
                key = try string()
            } else if self.is(member, "value") {
                value = try string()
            } else if self.is(member, "description") {
                description = try string()
            } else {
                try skipValue()
            }
        }
        guard let key, let value else { throw missing("a product output", from: start) }
        return ProductOutput(key: key, value: value, description: description)
    }

    mutating func liveProduct() throws(Failure) -> LiveProduct {
        let start = index
        var id: String?
        var name: String?
        var status: LiveProduct.Status?
        var tags: [String: String]?
        var lastRecordId: String?
        var createdTime: Date?
        var statusMessage: String?
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "id") {
                id = try string()
            } else if self.is(key, "name") {
                name = try string()
            } else if self.is(key, "status") {
                status = try rawValue(LiveProduct.Status.self)
            } else if self.is(key, "tags") {
                tags = try stringDictionary()
            } else if self.is(key, "lastRecordId") {
                lastRecordId = try string()
            } else if self.is(key, "createdTime") {
                createdTime = try date()
            } else if self.is(key, "statusMessage") {
                statusMessage = try string()
            } else {
                try skipValue()
            }
        }
        guard let id, let name, let status, let tags else { throw missing("a live product", from: start) }
        return LiveProduct(
            id: id,
            name: name,
            status: status,
            tags: tags,
            lastRecordId: lastRecordId,
            createdTime: createdTime,
            statusMessage: statusMessage
        )
    }

    mutating func commentReference() throws(Failure) -> CommentReference {
        let start = index
        var id: Int64?
        var url: String?
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "id") {
                id = try integer()
            } else if self.is(key, "url") {
                url = try string()
            } else {
                try skipValue()
            }
        }
        guard let id else { throw missing("a comment reference", from: start) }
        return CommentReference(id: id, url: url)
    }

    mutating func ownComment() throws(Failure) -> OwnComment {
        let start = index
        var event: NotificationEvent?
        var occurrence: Int?
        var comment: CommentReference?
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "event") {
                event = try rawValue(NotificationEvent.self)
            } else if self.is(key, "occurrence") {
                occurrence = try integer()
            } else if self.is(key, "comment") {
                comment = try commentReference()
            } else {
                try skipValue()
            }
        }
        guard let event, let occurrence, let comment else { throw missing("a comment found", from: start) }
        return OwnComment(event: event, occurrence: occurrence, comment: comment)
    }

    mutating func terminationOwner() throws(Failure) -> TerminationOwner {
        let start = index
        let name = try beginCase()
        var id: RequestID?
        var purpose: TerminationPurpose?
        var orphan: String?
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "_0") {
                id = try requestID()
            } else if self.is(key, "purpose") {
                purpose = try rawValue(TerminationPurpose.self)
            } else if self.is(key, "name") {
                orphan = try string()
            } else {
                try skipValue()
            }
        }
        try endCase()
        if self.is(name, "request"), let id, let purpose { return .request(id, purpose: purpose) }
        if self.is(name, "orphan"), let orphan { return .orphan(name: orphan) }
        throw missing("a termination's owner", from: start)
    }

    mutating func desiredStateRevision() throws(Failure) -> DesiredStateRevision {
        let start = index
        var commit: String?
        var committedAt: Date?
        var subject: String?
        var dirty: Bool?
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "commit") {
                commit = try string()
            } else if self.is(key, "committedAt") {
                committedAt = try date()
            } else if self.is(key, "subject") {
                subject = try string()
            } else if self.is(key, "dirty") {
                dirty = try bool()
            } else {
                try skipValue()
            }
        }
        guard let commit, let dirty else { throw missing("a desired-state revision", from: start) }
        return DesiredStateRevision(commit: commit, committedAt: committedAt, subject: subject, dirty: dirty)
    }
}
