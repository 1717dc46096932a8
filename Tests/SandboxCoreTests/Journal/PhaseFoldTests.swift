import Foundation
import SandboxCore
import Testing

/// The fold of a request's phase (docs/behaviour.md §3): for each phase, the events that move it and
/// where to; every other request event makes no sense in that phase and changes nothing at all.
@Suite("the fold of request phases")
struct PhaseFoldTests {
    /// Every event about request `a` the fold reads, by name (termination events: ``TerminationFoldTests``).
    static let events: [String: JournalEvent] = [
        "verificationDeferred": .verificationDeferred(id: alice.id, reason: "later", retryAt: at("1m")),
        "verified": .verified(id: alice.id, verification: .skipped(at: at("1m"))),
        "admitted": .admitted(id: alice.id),
        "rejected": .rejected(id: alice.id, reason: "no"),
        "dropped": .dropped(id: alice.id),
        "provisionStarted": .provisionStarted(id: alice.id, attempt: 2, request: provisionCall(alice, attempt: 2)),
        "provisionAccepted": .provisionAccepted(
            id: alice.id,
            receipt: CatalogReceipt(recordId: "rec-x", provisionedProductId: "pp-x")
        ),
        "provisionRefused": .provisionRefused(id: alice.id, error: "refused"),
        "activated": .activated(
            id: alice.id,
            productId: productId(alice),
            outputs: [],
            leaseStart: t0,
            leaseEnd: at("1d")
        ),
        "leaseExtended": .leaseExtended(id: alice.id, leaseEnd: at("30d")),
        "attemptEnded": .attemptEnded(id: alice.id, reason: "ERROR", retryAt: at("1h")),
        "quarantined": .quarantined(id: alice.id, reason: "stuck"),
        "lost": .lost(id: alice.id),
        "adopted": .adopted(id: alice.id, product: stray("a"), leaseStart: t0, leaseEnd: at("7d")),
    ]

    /// Per phase, the events that move it and the state after each; all others change nothing.
    static let moves: [RequestState: [String: RequestState]] = [
        .pending: [
            "verificationDeferred": .pending, "verified": .pending, "admitted": .queued, "rejected": .rejected,
            "dropped": .ended,
        ],
        .rejected: [:],
        .queued: [
            "verificationDeferred": .queued, "verified": .queued, "rejected": .rejected, "dropped": .ended,
            "provisionStarted": .provisioning, "adopted": .active,
        ],
        .provisioning: [
            "provisionStarted": .provisioning, "provisionAccepted": .provisioning, "provisionRefused": .queued,
            "activated": .active, "attemptEnded": .provisioning, "adopted": .active, "quarantined": .quarantined,
        ],
        .active: ["leaseExtended": .active, "lost": .lost],
        .terminating: ["quarantined": .quarantined],
        .quarantined: ["quarantined": .quarantined],
        .ended: [:],
        .failed: [:],
        .lost: [:],
    ]

    /// One row: request `a` in `phase`, one event applied.
    struct Row: CustomTestStringConvertible, Sendable {
        var phase: RequestState
        var event: String
        var testDescription: String { "\(phase.rawValue) + \(event)" }
    }

    static let rows: [Row] = RequestState.allCases.flatMap { phase in
        events.keys.sorted().map { Row(phase: phase, event: $0) }
    }

    @Test("an event moves a phase where it makes sense, and changes nothing elsewhere", arguments: rows)
    func fold(_ row: Row) throws {
        let before = makeJournal([history(alice, in: row.phase)])
        #expect(before.requests[alice.id]?.state == row.phase)
        var after = before
        after.apply(try #require(Self.events[row.event]))
        if let moved = Self.moves[row.phase]?[row.event] {
            #expect(after.requests[alice.id]?.state == moved)
            #expect(after.requests[alice.id] != before.requests[alice.id])
        } else {
            #expect(after == before)
        }
    }

    @Test("a lease carries its facts through ending: the product name and lease end stay readable")
    func endingKeepsTheLease() {
        let journal = makeJournal([ended(alice)])
        let record = journal.requests[alice.id]
        #expect(record?.state == .ended)
        #expect(record?.endReason == .expired)
        #expect(record?.productName == "sandbox-a")
        #expect(record?.leaseEnd == t0)
        #expect(record?.productId == nil)
    }

    @Test("a refused attempt after the first waits in the queue with its attempt")
    func refusedRetryKeepsItsAttempt() {
        var journal = makeJournal([provisioning(alice)])
        journal.apply(.attemptEnded(id: alice.id, reason: "ERROR", retryAt: t0))
        journal.apply(.productGone(productId: productId(alice)))
        journal.apply(.provisionStarted(id: alice.id, attempt: 2, request: provisionCall(alice, attempt: 2)))
        journal.apply(.provisionRefused(id: alice.id, error: "throttled"))
        let record = journal.requests[alice.id]
        #expect(record?.phase == .queued(Queued(reason: "throttled", resumeAttempt: 2, productName: "sandbox-a")))
        #expect(record?.attempt == 2)
    }
}
