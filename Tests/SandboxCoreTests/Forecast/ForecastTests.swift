import Foundation
import SandboxCore
import Testing

/// docs/behaviour.md §6.9: what merging a request file would do, and when its slot is expected — a pure
/// function of the pool, the queue and the lease ends, decided as the planner decides after the merge.
@Suite("Forecast: outcome and ETA")
struct ForecastTests {
    /// One row: the branch's files and journal, the pull request's file, what verification says.
    struct Row: CustomTestStringConvertible, Sendable {
        var name: String
        var pool: PoolConfiguration = makePool()
        var files: [RequestSpec] = []
        var journal: [[JournalEvent]] = []
        var file: RequestSpec = request("n", by: "nina")
        var verification: VerificationOutcome? = .verified(userId: userId(of: "nina"), login: "nina")
        var expect: String

        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "an empty pool with free slots: a sandbox right away", expect: "slot now"),
        Row(
            name: "one slot of two free: right away",
            files: [alice],
            journal: [active(alice, until: at("3d"))],
            expect: "slot now"
        ),
        Row(
            name: "full pool, empty queue: #1, when the earliest lease ends",
            files: [alice, bob],
            journal: [active(alice, until: at("3d")), active(bob, until: at("1d"))],
            expect: "queued #1 at t0+1d (b)"
        ),
        Row(
            name: "full pool, two queued: #3, the third slot to free (a queued one's own lease counted)",
            pool: makePool(capacity: 2, lease: "2d"),
            files: [alice, bob, carol, dave],
            journal: [
                active(alice, until: at("3d")), active(bob, until: at("1d")), queued(carol), queued(dave, position: 2),
            ],
            // carol takes bob's slot at +1d (lease 2d: until +3d), dave alice's at +3d; the next is carol's at +3d.
            expect: "queued #3 at t0+3d (c)"
        ),
        Row(
            name: "a queued request whose file is gone is not ahead",
            files: [alice],
            journal: [active(alice, until: at("3d")), active(bob, until: at("5d")), queued(carol)],
            expect: "queued #1 at t0+3d (a)"
        ),
        Row(
            name: "a pending request seen before is ahead (it may be admitted first)",
            pool: makePool(capacity: 1),
            files: [alice, bob],
            journal: [active(alice, until: at("2d")), pending(bob)],
            expect: "queued #2 at t0+9d (b)"
        ),
        Row(
            name: "a provisioning request holds its slot for a whole lease from now",
            pool: makePool(capacity: 1, lease: "5d"),
            files: [alice],
            journal: [provisioning(alice)],
            expect: "queued #1 at t0+5d (a)"
        ),
        Row(
            name: "a terminating product frees its slot now",
            pool: makePool(capacity: 1),
            files: [],
            journal: [terminating(alice)],
            expect: "slot now"
        ),
        Row(
            name: "capacity 0: queued, and no slot can be expected",
            pool: makePool(capacity: 0),
            expect: "queued #1 unknown: capacity is 0"
        ),
        Row(
            name: "only quarantined slots: no slot can be expected",
            pool: makePool(capacity: 1),
            files: [alice],
            journal: [quarantined(alice)],
            expect: "queued #1 unknown: quarantined"
        ),
        Row(
            name: "capacity lowered under use: the first end frees nothing for the queue",
            pool: makePool(capacity: 1),
            files: [alice, bob],
            journal: [active(alice, until: at("1d")), active(bob, until: at("2d"))],
            expect: "queued #1 at t0+2d (b)"
        ),
        Row(
            name: "the requester already has a live sandbox: rejected",
            files: [request("x", by: "nina")],
            journal: [
                active(request("x", by: "nina"), as: .verified(userId: userId(of: "nina"), login: "nina", at: t0))
            ],
            expect: "rejected: @nina already has a live sandbox request (`x`)"
        ),
        Row(
            name: "verification refuses (an account too young): rejected with its reason",
            verification: .rejected(reason: "The GitHub account @nina was created 12 days ago", userId: 5),
            expect: "rejected: The GitHub account @nina was created 12 days ago"
        ),
        Row(
            name: "verification cannot tell: undecided",
            verification: .pending(reason: "cannot tell whether @nina is a member", retryAt: nil),
            expect: "undecided: cannot tell whether @nina is a member"
        ),
        Row(
            name: "an edit of an active request: existing",
            files: [request("n", by: "nina")],
            journal: [active(request("n", by: "nina"))],
            expect: "existing active"
        ),
        Row(
            name: "an edit of a rejected request is checked again, in its own place in the queue",
            pool: makePool(capacity: 1),
            files: [alice, request("n", by: "nina"), bob],
            journal: [active(alice, until: at("1d")), rejected(request("n", by: "nina")), queued(bob)],
            expect: "queued #1 at t0+1d (a)"
        ),
        Row(
            name: "skipped verification (local) still applies the one-live rule by login",
            files: [request("x", by: "Nina")],
            journal: [queued(request("x", by: "Nina"), as: .skipped(at: t0))],
            verification: .skipped,
            expect: "rejected: @nina already has a live sandbox request (`x`)"
        ),
    ]

    @Test(arguments: rows)
    func outcome(_ row: Row) {
        let input = ForecastInput(
            id: row.file.id,
            entry: .valid(row.file),
            verification: row.verification,
            desired: makeDesired(pool: row.pool, files: row.files),
            journal: makeJournal(row.journal),
            now: t0
        )
        let outcome = Forecast.decide(input)
        #expect(outcome.map(Self.summary)?.hasPrefix(row.expect) == true, "\(String(describing: outcome))")
    }

    @Test("an invalid file is told its validate messages, with line and column; nothing else is asked")
    func invalidFile() throws {
        let bytes = Array("{\n  \"requester\": \"nina\",\n  \"pullRequest\": 7,\n  \"leese\": \"3d\"\n}\n".utf8)
        let (entry, _) = DesiredStateParser.requestEntry(
            .bytes(bytes),
            id: RequestID("n")!,
            path: "desired-state/requests/n.json",
            pool: makePool()
        )
        let input = ForecastInput(
            id: RequestID("n")!,
            entry: entry,
            verification: nil,
            desired: makeDesired(),
            journal: makeJournal([]),
            now: t0
        )
        guard case .invalid(let problems)? = Forecast.decide(input) else {
            Issue.record("expected invalid")
            return
        }
        let first = try #require(problems.first)
        #expect(first.line == 4 && first.column == 3 && first.field == "leese")
    }

    @Test("a file whose request was served and retired is refused as the planner refuses it")
    func servedFile() {
        var journal = makeJournal([ended(request("n", by: "nina"))])
        journal.apply(.retired(id: RequestID("n")!, at: t0))
        let input = ForecastInput(
            id: RequestID("n")!,
            entry: .valid(request("n", by: "nina")),
            verification: .verified(userId: 1, login: "nina"),
            desired: makeDesired(),
            journal: journal,
            now: t0
        )
        guard case .invalid(let problems)? = Forecast.decide(input) else {
            Issue.record("expected invalid")
            return
        }
        #expect(problems.first?.message.contains("already served") == true)
    }

    @Test("without a valid pool nothing is forecast")
    func noPool() {
        let input = ForecastInput(
            id: RequestID("n")!,
            entry: .valid(request("n", by: "nina")),
            verification: nil,
            desired: makeDesired(pool: nil),
            journal: makeJournal([]),
            now: t0
        )
        #expect(Forecast.decide(input) == nil)
    }

    @Test("the forecast never changes the journal it reads")
    func readsOnly() {
        let journal = makeJournal([active(alice, until: at("1d")), queued(bob)])
        let before = journal
        _ = Forecast.decide(
            ForecastInput(
                id: RequestID("n")!,
                entry: .valid(request("n", by: "nina")),
                verification: .verified(userId: 1, login: "nina"),
                desired: makeDesired(pool: makePool(capacity: 1), files: [alice, bob]),
                journal: journal,
                now: t0
            )
        )
        #expect(journal == before)
        #expect(journal.queuePositions == [RequestID("b")!: 1])
    }

    static func summary(_ outcome: ForecastOutcome) -> String {
        switch outcome {
        case .slotNow: return "slot now"
        case .queued(let position, .expected(let date, let holder)):
            return "queued #\(position) at \(describe(date)) (\(holder.rawValue))"
        case .queued(let position, .unknown(let reason)):
            return "queued #\(position) unknown: "
                + (reason.contains("capacity is 0") ? "capacity is 0" : "quarantined")
        case .rejected(let reason): return "rejected: \(reason)"
        case .undecided(let reason): return "undecided: \(reason)"
        case .existing(let state): return "existing \(state.rawValue)"
        case .invalid(let problems): return "invalid: \(problems.map(\.description).joined(separator: "; "))"
        }
    }
}
