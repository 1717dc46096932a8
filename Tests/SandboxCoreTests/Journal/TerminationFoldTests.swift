import Foundation
import SandboxCore
import Testing

/// The fold of the one termination model (docs/behaviour.md §3): a request's product and an orphan
/// are kept alike by product id, moved by the same four events; an event about a product nobody is
/// terminating changes nothing.
@Suite("the fold of terminations")
struct TerminationFoldTests {
    /// One row: a journal, the events applied to it, what the termination of `product` and the
    /// request `a` (when there is one) are after.
    struct Row: CustomTestStringConvertible, Sendable {
        var label: String
        var history: [[JournalEvent]]
        var events: [JournalEvent]
        var product: String
        /// `failures/token/recordId` of the product's termination, or `none`.
        var termination: String
        /// The state of request `a`, when the row has it.
        var state: RequestState?
        var testDescription: String { label }
    }

    static let orphan = "pp-stray-zz"
    static let orphanOwner = TerminationOwner.orphan(name: "sandbox-zz")
    static let released = TerminationOwner.request(alice.id, purpose: .released)

    static let rows: [Row] = [
        Row(
            label: "an orphan's termination starts with its token",
            history: [],
            events: [.terminationStarted(productId: orphan, owner: orphanOwner, token: "t")],
            product: orphan,
            termination: "0/t/-"
        ),
        Row(
            label: "an accepted orphan termination keeps its record",
            history: [[.terminationStarted(productId: orphan, owner: orphanOwner, token: "t")]],
            events: [.terminationAccepted(productId: orphan, recordId: "r")],
            product: orphan,
            termination: "0/t/r"
        ),
        Row(
            label: "a failure counts, forgets the call and waits",
            history: [[.terminationStarted(productId: orphan, owner: orphanOwner, token: "t")]],
            events: [.terminationFailed(productId: orphan, error: "E", retryAt: t0)],
            product: orphan,
            termination: "1/-/-"
        ),
        Row(
            label: "a retry keeps the failures so far",
            history: [
                [
                    .terminationStarted(productId: orphan, owner: orphanOwner, token: "t"),
                    .terminationFailed(productId: orphan, error: "E", retryAt: t0),
                ]
            ],
            events: [.terminationStarted(productId: orphan, owner: orphanOwner, token: "t2")],
            product: orphan,
            termination: "1/t2/-"
        ),
        Row(
            label: "a gone orphan is forgotten",
            history: [[.terminationStarted(productId: orphan, owner: orphanOwner, token: "t")]],
            events: [.productGone(productId: orphan)],
            product: orphan,
            termination: "none"
        ),
        Row(
            label: "events about a product nobody terminates change nothing",
            history: [active(alice)],
            events: [
                .terminationAccepted(productId: orphan, recordId: "r"),
                .terminationFailed(productId: orphan, error: "E", retryAt: t0),
                .productGone(productId: orphan),
                .productGone(productId: productId(alice)),
            ],
            product: orphan,
            termination: "none",
            state: .active
        ),
        Row(
            label: "a request's termination makes it terminating",
            history: [active(alice)],
            events: [.terminationStarted(productId: productId(alice), owner: released, token: "t")],
            product: productId(alice),
            termination: "0/t/-",
            state: .terminating
        ),
        Row(
            label: "a request's product gone ends it",
            history: [active(alice)],
            events: [
                .terminationStarted(productId: productId(alice), owner: released, token: "t"),
                .productGone(productId: productId(alice)),
            ],
            product: productId(alice),
            termination: "none",
            state: .ended
        ),
        Row(
            label: "a failed attempt's product is terminated without leaving provisioning",
            history: [provisioning(alice)],
            events: [.attemptEnded(id: alice.id, reason: "E", retryAt: t0)],
            product: productId(alice),
            termination: "0/-/-",
            state: .provisioning
        ),
        Row(
            label: "the last failed attempt's product gone fails the request",
            history: [provisioning(alice)],
            events: [
                .attemptEnded(id: alice.id, reason: "E", retryAt: nil), .productGone(productId: productId(alice)),
            ],
            product: productId(alice),
            termination: "none",
            state: .failed
        ),
        Row(
            label: "a quarantined request keeps its termination and stays quarantined when retried",
            history: [quarantined(alice)],
            events: [
                .terminationStarted(
                    productId: productId(alice),
                    owner: .request(alice.id, purpose: .expired),
                    token: "t3"
                )
            ],
            product: productId(alice),
            termination: "1/t3/-",
            state: .quarantined
        ),
    ]

    @Test("events move a termination", arguments: rows)
    func fold(_ row: Row) {
        var journal = makeJournal(row.history)
        for event in row.events { journal.apply(event) }
        let termination = journal.terminations[row.product].map {
            "\($0.failures)/\($0.token ?? "-")/\($0.recordId ?? "-")"
        }
        #expect(termination ?? "none" == row.termination)
        if let state = row.state { #expect(journal.requests[alice.id]?.state == state) }
    }

    @Test("a request has one termination: terminating another product supersedes the first")
    func oneTerminationPerRequest() {
        var journal = makeJournal([provisioning(alice)])
        journal.apply(.attemptEnded(id: alice.id, reason: "E", retryAt: t0))
        journal.apply(.terminationStarted(productId: "pp-other", owner: Self.released, token: "t"))
        #expect(journal.terminations.keys.sorted() == ["pp-other"])
        #expect(journal.termination(ownedBy: alice.id)?.productId == "pp-other")
    }
}
