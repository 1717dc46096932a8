import Foundation
import SandboxCore
import Testing

@testable import SandboxRuntime

/// The journal's fast JSON reader (``JournalJSONDecoder``) reads what ``JournalCodec`` writes exactly as
/// Foundation's `JSONDecoder` does, and refuses what Foundation refuses (docs/behaviour.md §4.5: old
/// journals still open).
@Suite("the journal's fast JSON reader")
struct JournalJSONDecoderTests {
    static let t0 = Date(timeIntervalSinceReferenceDate: 786_000_000.123456)
    static let id = RequestID("req-1")!
    static let spec = RequestSpec(
        id: id,
        requester: "alice",
        pullRequest: 7,
        lease: LeaseDuration("2d"),
        purpose: "a \"quoted\" purpose / with a slash, é, 😀 and\na newline"
    )
    static let product = LiveProduct(
        id: "pp-1",
        name: "sandbox-req-1",
        status: .available,
        tags: ["sandboxd:pool": "default", "sandboxd:request": "req-1"],
        lastRecordId: "rec-1",
        createdTime: t0
    )
    static let request = ProvisionRequest(
        name: "sandbox-req-1",
        token: "token-1",
        product: ProductReference(productId: "prod-1", provisioningArtifactId: "pa-1"),
        parameters: ["SandboxOwner": "alice"],
        tags: ["sandboxd:pool": "default"]
    )

    /// One event of (nearly) every kind, with optional fields present and absent.
    static let events: [JournalEvent] = [
        .requestSeen(spec: spec, at: t0),
        .requestChanged(spec: RequestSpec(id: id, requester: "alice", pullRequest: 7), at: t0),
        .verificationDeferred(id: id, reason: "later", retryAt: nil),
        .verificationDeferred(id: id, reason: "later", retryAt: t0),
        .verified(id: id, verification: .skipped(at: t0)),
        .verified(id: id, verification: .verified(userId: Int64.max, login: "alice", at: t0)),
        .admitted(id: id),
        .rejected(id: id, reason: "no"),
        .dropped(id: id),
        .provisionStarted(id: id, attempt: 1, request: request, at: t0),
        .provisionStarted(id: id, attempt: 2, request: request),
        .provisionAccepted(id: id, receipt: CatalogReceipt(recordId: "rec-1", provisionedProductId: "pp-1")),
        .provisionRefused(id: id, error: "refused", retryAt: t0),
        .activated(
            id: id,
            productId: "pp-1",
            outputs: [ProductOutput(key: "Bucket", value: "b")],
            leaseStart: t0,
            leaseEnd: t0.addingTimeInterval(1e-5)
        ),
        .leaseExtended(id: id, leaseEnd: Date(timeIntervalSinceReferenceDate: -1.5e9)),
        .attemptEnded(id: id, reason: "ERROR", retryAt: nil),
        .quarantined(id: id, reason: "stuck"),
        .lost(id: id),
        .adopted(id: id, product: product, leaseStart: t0, leaseEnd: nil),
        .notifyStarted(id: id, event: .ready, occurrence: 1),
        .notified(id: id, event: .ready, occurrence: 1, comment: CommentReference(id: -3), position: 4),
        .invalidNotified(id: id, occurrence: 2, pullRequest: 7, problems: "abc", comment: CommentReference(id: 9)),
        .invalidCleared(id: id),
        .terminationStarted(productId: "pp-1", owner: .request(id, purpose: .expired), token: "t", at: t0),
        .terminationStarted(productId: "pp-2", owner: .orphan(name: "sandbox-x"), token: "t"),
        .terminationAccepted(productId: "pp-1", recordId: "rec-2"),
        .terminationFailed(productId: "pp-1", error: "DELETE_FAILED", retryAt: t0),
        .productGone(productId: "pp-1"),
        .pullRequestRead(
            id: id,
            found: [OwnComment(event: .queued, occurrence: 1, comment: CommentReference(id: 5))],
            at: t0
        ),
        .retired(id: id, at: t0),
        .forgotten(ids: [id, RequestID("req-2")!]),
        .forgotten(ids: []),
        .desiredRevision(DesiredStateRevision(commit: "abc123", committedAt: t0, subject: "s", dirty: true), at: t0),
    ]

    @Test("every event reads back as Foundation reads it")
    func events() throws {
        for event in Self.events {
            let bytes = try JournalCodec.encode(event)
            let fast = try JournalJSONDecoder.decode(JournalEvent.self, from: bytes)
            let foundation = try JSONDecoder().decode(JournalEvent.self, from: Data(bytes))
            #expect(fast == foundation)
            #expect(fast == event)
        }
    }

    @Test("a snapshot reads back as Foundation reads it")
    func snapshot() throws {
        var state = JournalState(lineage: "lineage-1")
        for event in Self.events { state.apply(event) }
        let bytes = try JournalCodec.encodeSnapshot(state)
        let fast = try JournalJSONDecoder.decode(VersionedSnapshot.self, from: bytes)
        #expect(fast.state == state)
        #expect(fast.format == JournalCodec.snapshotFormat)
        #expect(try JournalCodec.decodeSnapshot(bytes) == state)
    }

    @Test("the records and snapshots of older formats are refused as the current event when Foundation refuses them")
    func legacyFixtures() throws {
        for name in ["journal-v1", "journal-v2"] {
            for file in ["records.jsonl", "records-after-snapshot.jsonl"] {
                let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)/\(file)", withExtension: nil))
                for line in try Data(contentsOf: url).split(separator: UInt8(ascii: "\n")) {
                    let fast = try? JournalJSONDecoder.decode(JournalEvent.self, from: Array(line))
                    let foundation = try? JSONDecoder().decode(JournalEvent.self, from: Data(line))
                    #expect(fast == foundation, "\(name)/\(file): \(String(decoding: line, as: UTF8.self))")
                }
            }
            let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)/snapshot.json", withExtension: nil))
            let bytes = Array(try Data(contentsOf: url))
            let fast = try? JournalJSONDecoder.decode(VersionedSnapshot.self, from: bytes)
            let foundation = try? JSONDecoder().decode(VersionedSnapshot.self, from: Data(bytes))
            #expect(fast?.state == foundation?.state)
        }
    }

    @Test(
        "what is not JSON, or not the type asked for, is refused",
        arguments: [
            #"{"admitted":{}}"#,  // a missing key
            #"{"admitted":{"id":1}}"#,  // a number for a string
            #"{"admitted":{"id":"req-1"},"dropped":{"id":"req-1"}}"#,  // two cases
            #"{"admitted":{"id":"req-1"}"#,  // unterminated
            #"{"admitted":{"id":"req-1"}} x"#,  // trailing content
            #"{"admitted":{"id":"req\u00"}}"#,  // a bad escape
            #"{"notifyStarted":{"id":"req-1","event":"ready","occurrence":1.5}}"#,  // not an integer
            #"{"notifyStarted":{"id":"req-1","event":"ready","occurrence":99999999999999999999}}"#,  // too large
            #"{"notifyStarted":{"id":"req-1","event":"ready","occurrence":01}}"#,  // a leading zero
            #"{"notifyStarted":{"id":"req-1","event":"nonsense","occurrence":1}}"#,  // an unknown raw value
        ]
    )
    func refusals(text: String) {
        #expect(throws: (any Error).self) { try JournalJSONDecoder.decode(JournalEvent.self, from: Array(text.utf8)) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(JournalEvent.self, from: Data(text.utf8)) }
    }

    @Test("escapes, whitespace and unknown keys are read as Foundation reads them")
    func escapes() throws {
        let text = #" { "admitted" : { "id" : "req-\u0031", "extra": [1, {"a": null}, "\ud83d\ude00"] } } "#
        let fast = try JournalJSONDecoder.decode(JournalEvent.self, from: Array(text.utf8))
        #expect(fast == .admitted(id: RequestID("req-1")!))
        #expect(fast == (try JSONDecoder().decode(JournalEvent.self, from: Data(text.utf8))))
    }
}
