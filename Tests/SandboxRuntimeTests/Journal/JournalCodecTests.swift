import Foundation
import SandboxCore
import Testing

@testable import SandboxRuntime

/// The journal's hand-written codec (``JournalJSONWriter``, ``JournalJSONReader``) writes, byte for byte, what
/// Foundation's `JSONEncoder` wrote of the same values before it, and reads back what either wrote exactly as
/// Foundation's `JSONDecoder` does; what it refuses, Foundation reads or refuses (docs/behaviour.md §4.5: old
/// journals still open, damage is named).
@Suite("the journal's codec")
struct JournalCodecTests {
    static let t0 = Date(timeIntervalSinceReferenceDate: 786_000_000.123456)
    static let id = RequestID("req-1")!
    static let spec = RequestSpec(
        id: id,
        requester: "alice",
        pullRequest: 7,
        lease: LeaseDuration("2d"),
        purpose: "a \"quoted\" purpose / with a slash, \\ a backslash, é, 😀, \u{1}, \u{1F}, \u{7F}, \t and\na newline"
    )
    static let product = LiveProduct(
        id: "pp-1",
        name: "sandbox-req-1",
        status: .available,
        tags: ["sandboxd:pool": "default", "sandboxd:request": "req-1", "A": "upper", "_": "low", "é": "last"],
        lastRecordId: "rec-1",
        createdTime: t0,
        statusMessage: "fine"
    )
    static let request = ProvisionRequest(
        name: "sandbox-req-1",
        token: "token-1",
        product: ProductReference(productId: "prod-1", provisioningArtifactId: "pa-1", pathId: "path-1"),
        parameters: ["SandboxOwner": "alice", "bucketName": "b", "Zed": ""],
        tags: ["sandboxd:pool": "default"]
    )

    /// One event of every kind, with optional fields present and absent.
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
        .provisionAccepted(id: id, receipt: CatalogReceipt(recordId: "rec-1", provisionedProductId: nil)),
        .provisionRefused(id: id, error: "refused", retryAt: t0),
        .provisionRefused(id: id, error: "refused"),
        .activated(
            id: id,
            productId: "pp-1",
            outputs: [ProductOutput(key: "Bucket", value: "b"), ProductOutput(key: "K", value: "v", description: "d")],
            leaseStart: t0,
            leaseEnd: t0.addingTimeInterval(1e-5)
        ),
        .activated(id: id, productId: "pp-1", outputs: [], leaseStart: t0, leaseEnd: t0),
        .leaseExtended(id: id, leaseEnd: Date(timeIntervalSinceReferenceDate: -1.5e9)),
        .attemptEnded(id: id, reason: "ERROR", retryAt: nil),
        .attemptEnded(id: id, reason: "ERROR", retryAt: t0),
        .quarantined(id: id, reason: "stuck"),
        .lost(id: id),
        .adopted(id: id, product: product, leaseStart: t0, leaseEnd: nil),
        .adopted(id: id, product: LiveProduct(id: "pp-2", name: "n", status: .error), leaseStart: t0, leaseEnd: t0),
        .notifyStarted(id: id, event: .ready, occurrence: 1),
        .notified(id: id, event: .ready, occurrence: 1, comment: CommentReference(id: -3), position: 4),
        .notified(
            id: id,
            event: .queued,
            occurrence: 2,
            comment: CommentReference(id: Int64.min, url: "https://github.com/o/r/pull/7#issuecomment-1"),
            position: nil
        ),
        .invalidNotified(id: id, occurrence: 2, pullRequest: 7, problems: "abc", comment: CommentReference(id: 9)),
        .invalidCleared(id: id),
        .terminationStarted(productId: "pp-1", owner: .request(id, purpose: .expired), token: "t", at: t0),
        .terminationStarted(productId: "pp-2", owner: .orphan(name: "sandbox-x"), token: "t"),
        .terminationAccepted(productId: "pp-1", recordId: "rec-2"),
        .terminationFailed(productId: "pp-1", error: "DELETE_FAILED", retryAt: t0),
        .productGone(productId: "pp-1"),
        .pullRequestRead(
            id: id,
            found: [
                OwnComment(event: .queued, occurrence: 1, comment: CommentReference(id: 5)),
                OwnComment(event: .ended, occurrence: 2, comment: CommentReference(id: 6, url: "u")),
            ],
            at: t0
        ),
        .pullRequestRead(id: id, found: [], at: t0),
        .retired(id: id, at: t0),
        .forgotten(ids: [id, RequestID("req-2")!]),
        .forgotten(ids: []),
        .desiredRevision(DesiredStateRevision(commit: "abc123", committedAt: t0, subject: "s", dirty: true), at: t0),
        .desiredRevision(DesiredStateRevision(commit: "abc123"), at: t0),
    ]

    /// What the journal wrote before its own writer: Foundation's encoder, keys sorted.
    static func foundation<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(value))
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("every event is written byte for byte as Foundation's encoder wrote it, and reads back")
    func events() throws {
        for event in Self.events {
            let bytes = try JournalCodec.encode(event)
            #expect(Self.text(bytes) == Self.text(try Self.foundation(event)))
            #expect(try JournalJSONReader.event(bytes) == event)
            #expect(try JSONDecoder().decode(JournalEvent.self, from: Data(bytes)) == event)
        }
    }

    /// Dates of every shape a `Double` takes in text: whole, fractional, tiny, huge, negative, negative zero.
    static let instants: [Double] = [
        0, -0.0, 1, 786_000_000, 786_000_000.5, 786_000_000.123456, 817_013_963.2247037, 1e-5, 1e-7, 0.1, 1e15,
        1e15 - 1, 1e16, 123_456_789_012_345_680, 2.5e20, 1e22, 1e300, -1e300, Double.leastNonzeroMagnitude,
        Double.leastNormalMagnitude, Double.greatestFiniteMagnitude, -1.5e9, 0.3333333333333333,
        9_007_199_254_740_992, 4_503_599_627_370_495.5,
    ]

    @Test("dates and numbers of every shape are written as Foundation writes them and read back exactly")
    func numbers() throws {
        for seconds in Self.instants {
            let event = JournalEvent.retired(id: Self.id, at: Date(timeIntervalSinceReferenceDate: seconds))
            let bytes = try JournalCodec.encode(event)
            #expect(Self.text(bytes) == Self.text(try Self.foundation(event)), "\(seconds)")
            guard case .retired(_, let at) = try JournalJSONReader.event(bytes) else {
                Issue.record("not read back: \(seconds)")
                continue
            }
            #expect(at.timeIntervalSinceReferenceDate.bitPattern == seconds.bitPattern, "\(seconds)")
        }
        for occurrence in [0, 1, -1, 9, 10, Int.max, Int.min] {
            let event = JournalEvent.notifyStarted(id: Self.id, event: .ready, occurrence: occurrence)
            let bytes = try JournalCodec.encode(event)
            #expect(Self.text(bytes) == Self.text(try Self.foundation(event)))
            #expect(try JournalJSONReader.event(bytes) == event)
        }
        #expect(throws: (any Error).self) {
            try JournalCodec.encode(.retired(id: Self.id, at: Date(timeIntervalSinceReferenceDate: .nan)))
        }
    }

    @Test("ten thousand dates of 16 and 17 digits read back as Swift reads their text")
    func manyDates() throws {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<10_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let seconds = 7e8 + Double(seed >> 11) / Double(1 << 53) * 2e8
            let text = Array("\(seconds)".utf8)
            let read = try text.withUnsafeBufferPointer { buffer in
                var reader = JournalJSONReader(buffer)
                return try reader.double()
            }
            #expect(read.bitPattern == seconds.bitPattern, "\(seconds)")
        }
        // Halfway points of 17 digits, where rounding twice would err: read as Swift reads them.
        for text in ["9007199254740993", "4503599627370496.5", "0.30000000000000004", "817013963.22470375"] {
            let bytes = Array(text.utf8)
            let read = try bytes.withUnsafeBufferPointer { buffer in
                var reader = JournalJSONReader(buffer)
                return try reader.double()
            }
            #expect(read.bitPattern == Double(text)!.bitPattern, "\(text)")
        }
    }

    @Test(
        "numbers in the text are read as Foundation reads them",
        arguments: [
            "786000000", "786000000.123456", "1e-5", "1E+2", "-0", "0.1", "123456789012345678901234567890",
            "5e-324", "2.2250738585072014e-308", "0.000001", "1.0", "12345678901234567", "3.14159265358979323846",
        ]
    )
    func readNumbers(text: String) throws {
        let json = #"{"retired":{"at":\#(text),"id":"req-1"}}"#
        let ours = try JournalJSONReader.event(Array(json.utf8))
        let theirs = try JSONDecoder().decode(JournalEvent.self, from: Data(json.utf8))
        guard case .retired(_, let a) = ours, case .retired(_, let b) = theirs else {
            Issue.record("not a retirement")
            return
        }
        #expect(a.timeIntervalSinceReferenceDate.bitPattern == b.timeIntervalSinceReferenceDate.bitPattern)
    }

    /// A state with every phase, termination owner, notice and tombstone.
    static func fullState() -> JournalState {
        var state = JournalState(lineage: "lineage-1")
        for event in events { state.apply(event) }
        let phases: [RequestPhase] = [
            .pending(Pending()),
            .pending(Pending(reason: "wait", retryAt: t0)),
            .rejected(reason: "no"),
            .queued(Queued()),
            .queued(Queued(reason: "r", retryAt: t0, resumeAttempt: 2, productName: "sandbox-q")),
            .provisioning(Provisioning(call: nil, productName: "sandbox-p")),
            .provisioning(
                Provisioning(
                    call: ProvisioningCall(attempt: 2, request: request, recordId: "rec", startedAt: t0),
                    productId: "pp-p",
                    productName: "sandbox-p",
                    failure: AttemptFailure(reason: "ERROR", retryAt: t0)
                )
            ),
            .active(lease),
            .active(Lease(productId: "pp", productName: "n", call: nil, outputs: [], start: t0, end: t0)),
            .terminating(Ending(productId: "pp", productName: nil, endReason: nil, call: nil)),
            .terminating(ending),
            .quarantined(ending, reason: "stuck"),
            .ended(Ended(reason: .expired)),
            .ended(Ended(reason: .recovered, productName: "n", lease: PastLease(lease))),
            .failed(Failed(reason: "ERROR", productName: nil)),
            .failed(Failed(reason: "ERROR", productName: "n")),
            .lost(Lost(reason: "gone", productName: "n", lease: PastLease(lease))),
            .lost(Lost(reason: "gone", productName: nil, lease: nil)),
        ]
        for (index, phase) in phases.enumerated() {
            let spec = RequestSpec(id: RequestID("r-\(index)")!, requester: "dev\(index)", pullRequest: index)
            var record = RequestRecord(spec: spec, firstSeen: t0, order: UInt64(index + 10))
            record.phase = phase
            record.rejections = index % 3
            record.expiryWarnings = index % 2
            record.notifications[.ready] = NotificationLog(posted: 1, comment: CommentReference(id: 4, url: "u"))
            record.notifications[.queued] = NotificationLog(posted: 2, position: 3, unconfirmed: 3)
            if index % 2 == 0 { record.verification = .verified(userId: 42, login: "dev", at: t0) }
            if index % 3 == 0 { record.pullRequestRead = t0 }
            if index % 4 == 0 { record.retired = t0 }
            state.requests[spec.id] = record
        }
        var termination = Termination(productId: "pp-t", owner: .request(id, purpose: .failedAttempt))
        termination.failures = 3
        termination.token = "tok"
        termination.recordId = "rec"
        termination.retryAt = t0
        termination.lastError = "DELETE_FAILED"
        termination.startedAt = t0
        state.terminations["pp-t"] = termination
        state.terminations["pp-a"] = Termination(productId: "pp-a", owner: .orphan(name: "sandbox-o"))
        state.invalidNotices[RequestID("bad")!] = InvalidNotice(
            posted: 1,
            open: true,
            pullRequest: 3,
            problems: "p",
            comment: CommentReference(id: 1),
            unconfirmed: 2
        )
        state.tombstones[RequestID("old")!] = Tombstone(fingerprint: "f", state: .ended, retired: t0)
        return state
    }

    static let lease = Lease(
        productId: "pp-l",
        productName: "sandbox-l",
        call: ProvisioningCall(attempt: 1, request: request),
        outputs: [ProductOutput(key: "k", value: "v")],
        start: t0,
        end: t0.addingTimeInterval(86_400),
        warnedEnd: t0
    )
    static let ending = Ending(
        productId: "pp-e",
        productName: "sandbox-e",
        endReason: .released,
        call: ProvisioningCall(attempt: 3, request: request, recordId: "rec"),
        failure: AttemptFailure(reason: "ERROR", retryAt: nil),
        lease: lease
    )

    @Test("a snapshot of every phase is written as Foundation's encoder wrote it, and reads back")
    func snapshot() throws {
        for state in [Self.fullState(), JournalState(lineage: "empty")] {
            let bytes = try JournalCodec.encodeSnapshot(state)
            let before = try Self.foundation(VersionedSnapshot(format: JournalCodec.snapshotFormat, state: state))
            #expect(Self.text(bytes) == Self.text(before))
            #expect(try JournalCodec.decodeSnapshot(bytes) == state)
            #expect(try JournalJSONReader.snapshot(bytes, expected: 3).state == state)
            #expect(try JSONDecoder().decode(VersionedSnapshot.self, from: Data(bytes)).state == state)
        }
    }

    /// `Fixtures/journal-v3/snapshot.json`: the payload of the snapshot `sandboxd-benchmarks generate 20` wrote
    /// with Foundation's encoder (commit 538e7fb, before the hand-written codec): 20 requests, 2 active.
    @Test("a snapshot Foundation's encoder wrote reads as Foundation reads it, and is written again the same")
    func fixture() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/journal-v3/snapshot.json", withExtension: nil))
        let bytes = Array(try Data(contentsOf: url))
        let state = try JournalCodec.decodeSnapshot(bytes)
        #expect(state.requests.count == 20)
        #expect(state == (try JSONDecoder().decode(VersionedSnapshot.self, from: Data(bytes)).state))
        let again = try JournalCodec.encodeSnapshot(state)
        // The same bytes but for the order of the dictionaries keyed by request id (their own order, per process).
        #expect(again.count == bytes.count)
        #expect(again.sorted() == bytes.sorted())
        #expect(try JournalCodec.decodeSnapshot(again) == state)
    }

    @Test("the records and snapshots of older formats are refused by the fast reader when Foundation refuses them")
    func legacyFixtures() throws {
        for name in ["journal-v1", "journal-v2"] {
            for file in ["records.jsonl", "records-after-snapshot.jsonl"] {
                let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)/\(file)", withExtension: nil))
                for line in try Data(contentsOf: url).split(separator: UInt8(ascii: "\n")) {
                    let fast = try? JournalJSONReader.event(Array(line))
                    let foundation = try? JSONDecoder().decode(JournalEvent.self, from: Data(line))
                    #expect(fast == foundation, "\(name)/\(file): \(String(decoding: line, as: UTF8.self))")
                }
            }
            let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)/snapshot.json", withExtension: nil))
            let bytes = Array(try Data(contentsOf: url))
            let fast = try JournalJSONReader.snapshot(bytes, expected: JournalCodec.snapshotFormat)
            #expect(fast.state == nil)
            #expect(fast.format == (name == "journal-v1" ? 1 : 2))
        }
    }

    @Test(
        "what is not JSON, or not the type asked for, is refused by both readers",
        arguments: [
            #"{"admitted":{}}"#,  // a missing key
            #"{"admitted":{"id":null}}"#,  // null for a value that is not optional
            #"{"admitted":{"id":1}}"#,  // a number for a string
            #"{"admitted":{"id":"Not An Id"}}"#,  // not a request id
            #"{"admitted":{"id":"req-1"},"dropped":{"id":"req-1"}}"#,  // two cases
            #"{}"#,  // no case
            #"{"nonsense":{"id":"req-1"}}"#,  // an unknown case
            #"{"admitted":{"id":"req-1"}"#,  // unterminated
            #"{"admitted":{"id":"req-1"}} x"#,  // trailing content
            #"{"admitted":{,"id":"req-1"}}"#,  // a leading comma
            #"{"admitted":{"id":"req\u00"}}"#,  // a short escape
            #"{"admitted":{"id":"req\x"}}"#,  // an unknown escape
            #"{"admitted":{"id":"req\ud83d"}}"#,  // a lone high surrogate
            #"{"admitted":{"id":"req\ude00"}}"#,  // a lone low surrogate
            "{\"admitted\":{\"id\":\"req\n1\"}}",  // a control character
            #"{"notifyStarted":{"id":"req-1","event":"ready","occurrence":1.5}}"#,  // not an integer
            #"{"notifyStarted":{"id":"req-1","event":"ready","occurrence":99999999999999999999}}"#,  // too large
            #"{"notifyStarted":{"id":"req-1","event":"ready","occurrence":01}}"#,  // a leading zero
            #"{"notifyStarted":{"id":"req-1","event":"ready","occurrence":-}}"#,  // no digits
            #"{"notifyStarted":{"id":"req-1","event":"ready","occurrence":"1"}}"#,  // a string for a number
            #"{"notifyStarted":{"id":"req-1","event":"nonsense","occurrence":1}}"#,  // an unknown raw value
            #"{"retired":{"id":"req-1","at":1e999}}"#,  // a number out of range
            #"{"retired":{"id":"req-1","at":true}}"#,  // a Bool for a number
            #"{"desiredRevision":{"_0":{"commit":"c","dirty":1},"at":0}}"#,  // a number for a Bool
            #"{"verified":{"id":"req-1","verification":{"skipped":{"at":0},"verified":{"at":0}}}}"#,  // two cases
        ]
    )
    func refusals(text: String) {
        #expect(throws: (any Error).self) { try JournalJSONReader.event(Array(text.utf8)) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(JournalEvent.self, from: Data(text.utf8)) }
    }

    @Test("a record cut short anywhere is refused, and the replay names its seq")
    func truncation() throws {
        let bytes = try JournalCodec.encode(Self.events[0])
        for length in 0..<bytes.count {
            let cut = Array(bytes[0..<length])
            #expect(throws: (any Error).self) { try JournalJSONReader.event(cut) }
        }
        let cut = Array(bytes.dropLast(3))
        let error = #expect(throws: JournalReplayError.self) {
            try JournalCodec.replay(lineage: "l", snapshot: nil, records: [(1, bytes), (2, cut)])
        }
        #expect(error?.seq == 2)
        #expect(error?.message.hasPrefix("journal record 2 cannot be decoded") == true)
        let snapshot = try JournalCodec.encodeSnapshot(Self.fullState())
        let damaged = #expect(throws: JournalReplayError.self) {
            try JournalCodec.replay(lineage: "l", snapshot: Array(snapshot.dropLast(10)), records: [])
        }
        #expect(damaged?.message.hasPrefix("the journal snapshot cannot be decoded") == true)
    }

    @Test("escapes, surrogate pairs, whitespace, null optionals and unknown keys are read as Foundation reads them")
    func escapes() throws {
        let texts = [
            #" { "admitted" : { "id" : "req-\u0031", "extra": [1, {"a": null}, "\ud83d\ude00", true, false, -2.5e3] } } "#,
            #"{"rejected":{"id":"req-1","reason":"\u00e9\u00C9 \ud83d\ude00 \"\\\/\b\f\n\r\t \u0000 é😀"}}"#,
            #"{"verificationDeferred":{"id":"req-1","reason":"r","retryAt":null}}"#,
            #"{"notified":{"comment":{"id":1,"url":null},"event":"ready","id":"req-1","occurrence":1,"position":null}}"#,
            #"{"requestSeen":{"at":0,"spec":{"id":"req-1","pullRequest":1,"requester":"a","lease":"3h","purpose":null}}}"#,
            #"{"terminationStarted":{"at":1,"owner":{"request":{"_0":"req-1","purpose":"released"}},"productId":"p","token":"t"}}"#,
        ]
        for text in texts {
            let fast = try JournalJSONReader.event(Array(text.utf8))
            #expect(fast == (try JSONDecoder().decode(JournalEvent.self, from: Data(text.utf8))), "\(text)")
        }
        // Foundation's reader takes a trailing comma, the fast one refuses it: the codec then reads it as Foundation.
        let comma = #"{"admitted":{"id":"req-1",}}"#
        #expect(throws: (any Error).self) { try JournalJSONReader.event(Array(comma.utf8)) }
        let state = JournalState(lineage: "l")
        #expect(JournalCodec.decodeEvent(Array(comma.utf8), state: state) == .admitted(id: Self.id))
        let text = #"{"rejected":{"id":"req-1","reason":"\u00e9 \ud83d\ude00"}}"#
        #expect(try JournalJSONReader.event(Array(text.utf8)) == .rejected(id: Self.id, reason: "é 😀"))
    }

    @Test("a replay reads the writer's records and a snapshot as the fold of the same events")
    func replay() throws {
        let records = try Self.events.enumerated().map { (UInt64($0.offset + 1), try JournalCodec.encode($0.element)) }
        var expected = JournalState(lineage: "l")
        for event in Self.events { expected.apply(event) }
        #expect(try JournalCodec.replay(lineage: "l", snapshot: nil, records: records) == expected)
        let snapshot = try JournalCodec.encodeSnapshot(expected)
        #expect(try JournalCodec.replay(lineage: "l", snapshot: snapshot, records: []) == expected)
    }
}
