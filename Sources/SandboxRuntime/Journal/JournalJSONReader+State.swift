import Foundation
import SandboxCore

/// The snapshot of format 3 as ``JournalJSONWriter`` (and `JSONEncoder` before it) writes it.
extension JournalJSONReader {
    /// A snapshot document: its `format` (absent: 1) and, when it is `expected`, its state (else `nil`, the
    /// state left for the reader of that format).
    static func snapshot(_ bytes: [UInt8], expected: Int) throws(Failure) -> (format: Int, state: JournalState?) {
        try read(bytes) { (reader: inout JournalJSONReader) throws(Failure) -> (format: Int, state: JournalState?) in
            var format: Int?
            var state: JournalState?
            var stateAt: Int?
            var first = try reader.beginObject()
            while let key = try reader.nextKey(&first) {
                if reader.is(key, "format") {
                    format = try reader.null() ? nil : try reader.integer()
                } else if reader.is(key, "state"), format == expected {
                    state = try reader.state()
                } else {
                    if reader.is(key, "state") { stateAt = reader.index }
                    try reader.skipValue()
                }
            }
            // Keys in another order: the state is read once its format is known.
            if state == nil, format == expected, let stateAt {
                var again = JournalJSONReader(reader.bytes, at: stateAt)
                state = try again.state()
            }
            return (format ?? 1, state)
        }
    }

    mutating func state() throws(Failure) -> JournalState {
        let start = index
        var lineage: String?
        var requests: [RequestID: RequestRecord]?
        var terminations: [String: Termination]?
        var nextOrder: UInt64?
        var revision: DesiredStateRevision?
        var notices: [RequestID: InvalidNotice]?
        var tombstones: [RequestID: Tombstone]?
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "requests") {
                requests = try idDictionary { (reader: inout JournalJSONReader) throws(Failure) in
                    try reader.requestRecord()
                }
            } else if self.is(key, "lineage") {
                lineage = try string()
            } else if self.is(key, "terminations") {
                terminations = try terminationDictionary()
            } else if self.is(key, "nextOrder") {
                nextOrder = try integer()
            } else if self.is(key, "desiredRevision") {
                revision = try desiredStateRevision()
            } else if self.is(key, "invalidNotices") {
                notices = try idDictionary { (reader: inout JournalJSONReader) throws(Failure) in
                    try reader.invalidNotice()
                }
            } else if self.is(key, "tombstones") {
                tombstones = try idDictionary { (reader: inout JournalJSONReader) throws(Failure) in
                    try reader.tombstone()
                }
            } else {
                try skipValue()
            }
        }
        guard let lineage, let requests, let terminations, let nextOrder else {
            throw missing("the journal state", from: start)
        }
        var state = JournalState(lineage: lineage)
        state.requests = requests
        state.terminations = terminations
        state.nextOrder = nextOrder
        state.desiredRevision = revision
        state.invalidNotices = notices ?? [:]
        state.tombstones = tombstones ?? [:]
        return state
    }

    /// A dictionary keyed by ``RequestID``, as `Codable` writes one whose key is not a `String`: an array of
    /// keys and values, one after the other.
    mutating func idDictionary<T>(
        _ value: (inout JournalJSONReader) throws(Failure) -> T
    ) throws(Failure) -> [RequestID: T] {
        var dictionary: [RequestID: T] = [:]
        var first = try beginArray()
        while try nextElement(&first) {
            let id = try requestID()
            guard try nextElement(&first) else { throw failure("a key without its value") }
            dictionary[id] = try value(&self)
        }
        return dictionary
    }

    mutating func terminationDictionary() throws(Failure) -> [String: Termination] {
        var dictionary: [String: Termination] = [:]
        var first = try beginObject()
        while let key = try nextKey(&first) {
            let productId = try keyText(key)
            dictionary[productId] = try termination()
        }
        return dictionary
    }

    mutating func invalidNotice() throws(Failure) -> InvalidNotice {
        let start = index
        var notice = InvalidNotice()
        var posted: Int?
        var open: Bool?
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "posted") {
                posted = try integer()
            } else if self.is(key, "open") {
                open = try bool()
            } else if self.is(key, "pullRequest") {
                notice.pullRequest = try integer()
            } else if self.is(key, "problems") {
                notice.problems = try string()
            } else if self.is(key, "comment") {
                notice.comment = try commentReference()
            } else if self.is(key, "unconfirmed") {
                notice.unconfirmed = try integer()
            } else {
                try skipValue()
            }
        }
        guard let posted, let open else { throw missing("an invalid notice", from: start) }
        notice.posted = posted
        notice.open = open
        return notice
    }

    mutating func tombstone() throws(Failure) -> Tombstone {
        let start = index
        var fingerprint: String?
        var state: RequestState?
        var retired: Date?
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "fingerprint") {
                fingerprint = try string()
            } else if self.is(key, "state") {
                state = try rawValue(RequestState.self)
            } else if self.is(key, "retired") {
                retired = try date()
            } else {
                try skipValue()
            }
        }
        guard let fingerprint, let state, let retired else { throw missing("a tombstone", from: start) }
        return Tombstone(fingerprint: fingerprint, state: state, retired: retired)
    }

    mutating func termination() throws(Failure) -> Termination {
        let start = index
        var productId: String?
        var owner: TerminationOwner?
        var failures: Int?
        var rest = Termination(productId: "", owner: .orphan(name: ""))
        var first = try beginObject()
        while let key = try nextKey(&first) {
            if try null() { continue }
            if self.is(key, "productId") {
                productId = try string()
            } else if self.is(key, "owner") {
                owner = try terminationOwner()
            } else if self.is(key, "failures") {
                failures = try integer()
            } else if self.is(key, "token") {
                rest.token = try string()
            } else if self.is(key, "recordId") {
                rest.recordId = try string()
            } else if self.is(key, "retryAt") {
                rest.retryAt = try date()
            } else if self.is(key, "lastError") {
                rest.lastError = try string()
            } else if self.is(key, "startedAt") {
                rest.startedAt = try date()
            } else {
                try skipValue()
            }
        }
        guard let productId, let owner, let failures else { throw missing("a termination", from: start) }
        rest.productId = productId
        rest.owner = owner
        rest.failures = failures
        return rest
    }
}
