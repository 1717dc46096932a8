import Foundation
import Testing

@testable import SandboxCore

/// A request's record keeps its fields in one box shared by its copies (copy-on-write, issue 16): a copy
/// that changes gets its own, the others keep what they had, and equality, hashing and `Codable` see the
/// fields as before.
@Suite("a request record's shared storage")
struct RequestRecordStorageTests {
    static let spec = RequestSpec(id: RequestID("a")!, requester: "x", pullRequest: 1)

    @Test("a changed copy leaves the others as they were")
    func copyOnWrite() {
        var original = RequestRecord(spec: Self.spec, firstSeen: Date(timeIntervalSinceReferenceDate: 0), order: 1)
        original.notifications[.ready] = NotificationLog(posted: 1)
        var copy = original
        #expect(copy == original)
        copy.phase = .rejected(reason: "no")
        copy.notifications[.ready]?.posted = 2
        copy.rejections += 1
        copy.spec.lease = LeaseDuration("1d")
        #expect(original.phase == .pending(Pending()))
        #expect(original.notifications[.ready]?.posted == 1)
        #expect(original.rejections == 0)
        #expect(original.spec.lease == nil)
        #expect(copy.notifications[.ready]?.posted == 2)
        #expect(copy.state == .rejected)
        #expect(copy != original)
        var same = copy
        same.rejections = 1
        #expect(same == copy)
        #expect(same.hashValue == copy.hashValue)
    }

    @Test("its Codable keys are the stored properties' of before")
    func codable() throws {
        var record = RequestRecord(spec: Self.spec, firstSeen: Date(timeIntervalSinceReferenceDate: 0), order: 1)
        record.retired = Date(timeIntervalSinceReferenceDate: 2)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(record), as: UTF8.self)
        #expect(
            text
                == #"{"expiryWarnings":0,"fingerprint":"\#(record.fingerprint)","firstSeen":0,"id":"a","#
                + #""notifications":[],"order":1,"phase":{"pending":{"_0":{}}},"rejections":0,"retired":2,"#
                + #""spec":{"id":"a","pullRequest":1,"requester":"x"}}"#
        )
        #expect(try JSONDecoder().decode(RequestRecord.self, from: Data(text.utf8)) == record)
    }
}
