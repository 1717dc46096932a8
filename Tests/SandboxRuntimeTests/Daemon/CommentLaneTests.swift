import Foundation
import SandboxCore
import SandboxRuntime
import SandboxTesting
import SandboxLocking
import Testing

/// A GitHub whose comment writes fail as rate-limited until a time, counting the attempts.
final class LimitedGitHub: GitHubPort {
    let limitedUntil: Date
    let clock: any SandboxClock
    let attempts = Locked(0)

    init(limitedUntil: Date, clock: any SandboxClock) {
        self.limitedUntil = limitedUntil
        self.clock = clock
    }

    var checksRequesters: Bool { false }
    func answer(_ question: VerificationQuestion) async throws(GitHubError) -> VerificationFact {
        throw GitHubError(.rejected, message: "offline")
    }
    func ownComments(pullRequest: Int, request: RequestID) async throws(GitHubError) -> [OwnComment] { [] }
    func postComment(pullRequest: Int, body: String) async throws(GitHubError) -> CommentReference {
        attempts.withLock { $0 += 1 }
        if clock.now() < limitedUntil {
            throw GitHubError(.unavailable, message: "secondary rate limit", retryAt: limitedUntil, isRateLimit: true)
        }
        return CommentReference(id: Int64(attempts.withLock { $0 }))
    }
    func editComment(_ comment: CommentReference, body: String) async throws(GitHubError) {}
}

@Suite("the comment lane")
struct CommentLaneTests {
    @Test("GitHub asking to slow down pauses the whole lane until its time: one attempt, not one per comment")
    func pauseOnRateLimit() async throws {
        let clock = ManualClock()
        let github = LimitedGitHub(limitedUntil: clock.now().addingTimeInterval(60), clock: clock)
        let reconciler = Reconciler(
            store: InMemoryJournalStore(lineage: "lane"),
            state: JournalState(lineage: "lane"),
            catalog: InMemoryCatalog(clock: clock),
            github: github,
            clock: clock
        )
        let desired = flowDesiredState(capacity: 1, requesters: ["alice", "bob", "carol", "dave"])
        _ = try await reconciler.pass(desired: desired, options: PassOptions(comments: .ownLane))
        let owed = await reconciler.outbox(desired: desired).count
        #expect(owed == 4)

        #expect(try await reconciler.sendNextComment(desired: desired) == .sent(left: 3))
        let until = clock.now().addingTimeInterval(60)
        #expect(try await reconciler.sendNextComment(desired: desired) == .wait(until: until, left: 4))
        #expect(try await reconciler.sendNextComment(desired: desired) == .wait(until: until, left: 4))
        #expect(github.attempts.withLock { $0 } == 1)

        clock.set(until)
        for left in (0..<4).reversed() {
            #expect(try await reconciler.sendNextComment(desired: desired) == .sent(left: left))
        }
        #expect(try await reconciler.sendNextComment(desired: desired) == .idle)
        #expect(github.attempts.withLock { $0 } == 5)
    }

    @Test("at most 80 comments a minute go out; the 81st waits for the minute to pass")
    func contentLimit() async throws {
        let clock = ManualClock()
        let github = LimitedGitHub(limitedUntil: .distantPast, clock: clock)
        let reconciler = Reconciler(
            store: InMemoryJournalStore(lineage: "lane"),
            state: JournalState(lineage: "lane"),
            catalog: InMemoryCatalog(clock: clock),
            github: github,
            clock: clock
        )
        let desired = flowDesiredState(capacity: 0, requesters: (0..<90).map { "user\($0)" })
        _ = try await reconciler.pass(desired: desired, options: PassOptions(comments: .ownLane))
        let start = clock.now()
        var sent = 0
        while case .sent = try await reconciler.sendNextComment(desired: desired) {
            sent += 1
            clock.advance(by: 0.5)
        }
        #expect(sent == ContentBudget.perMinute)
        let step = try await reconciler.sendNextComment(desired: desired)
        #expect(step == .wait(until: start.addingTimeInterval(60), left: 10))
    }
}
