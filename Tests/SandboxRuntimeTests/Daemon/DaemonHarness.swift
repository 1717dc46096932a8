import Foundation
import SandboxCore
import SandboxRuntime
import SandboxTesting
import SandboxLocking
import Testing

/// A GitHub with no requester checks that keeps every comment and when it was written.
final class CommentBoard: GitHubPort {
    struct Comment: Sendable {
        var pullRequest: Int
        var body: String
        var at: Date
    }

    let clock: any SandboxClock
    private let comments = Locked<[Int64: Comment]>([:])
    private let writes = Locked<[Comment]>([])
    /// While set, verification fails as GitHub being down until this time.
    let outageUntil = Locked<Date?>(nil)

    init(clock: any SandboxClock) { self.clock = clock }

    var checksRequesters: Bool { outageUntil.withLock { $0 } != nil }

    func answer(_ question: VerificationQuestion) async throws(GitHubError) -> VerificationFact {
        let until = outageUntil.withLock { value -> Date? in
            defer { value = nil }  // GitHub is back for the next question
            return value
        }
        throw GitHubError(.unavailable, message: "GitHub is down", retryAt: until)
    }

    func ownComments(pullRequest: Int, request: RequestID) async throws(GitHubError) -> [OwnComment] {
        let bodies = comments.withLock { all in
            all.filter { $0.value.pullRequest == pullRequest }.sorted { $0.key < $1.key }.map {
                (CommentReference(id: $0.key), $0.value.body)
            }
        }
        return OwnComment.found(for: request, in: bodies)
    }

    func postComment(pullRequest: Int, body: String) async throws(GitHubError) -> CommentReference {
        let comment = Comment(pullRequest: pullRequest, body: body, at: clock.now())
        let id = comments.withLock { all -> Int64 in
            let id = Int64(all.count + 1)
            all[id] = comment
            return id
        }
        writes.withLock { $0.append(comment) }
        return CommentReference(id: id)
    }

    func editComment(_ comment: CommentReference, body: String) async throws(GitHubError) {
        comments.withLock { $0[comment.id]?.body = body }
        writes.withLock { $0.append(Comment(pullRequest: 0, body: body, at: clock.now())) }
    }

    /// Every write, in order.
    var written: [Comment] { writes.withLock { $0 } }

    /// The writes whose marker names `event` for `request`.
    func writes(_ request: String, _ event: String) -> [Comment] {
        written.filter { $0.body.contains("<!-- sandboxd:\(request):\(event)") }
    }
}

/// A ``Daemon`` over an in-memory catalog and ``CommentBoard``, on a ``ManualClock``: the test moves
/// the clock and awaits each pass the daemon makes.
final class DaemonHarness: Sendable {
    let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
    let catalog: InMemoryCatalog
    let github: CommentBoard
    let daemon: Daemon
    let reconciler: Reconciler
    private let passes = Inbox<Daemon.PassSummary>()
    private let comments = Inbox<Int>()
    private let lateness = Inbox<Lateness>()
    private let runTask: Locked<Task<Daemon.Outcome, Never>?> = Locked(nil)

    init(desired: DesiredState, interval: TimeInterval = 86_400) {
        catalog = InMemoryCatalog(clock: clock)
        github = CommentBoard(clock: clock)
        reconciler = Reconciler(
            store: InMemoryJournalStore(lineage: "daemon-test"),
            state: JournalState(lineage: "daemon-test"),
            catalog: catalog,
            github: github,
            clock: clock
        )
        let passes = passes
        let comments = comments
        let lateness = lateness
        let wanted = Locked(desired)
        daemon = Daemon(
            reconciler: reconciler,
            clock: clock,
            interval: interval,
            idPrefix: "test",
            loadDesired: { wanted.withLock { $0 } },
            hooks: Daemon.Hooks(
                passFinished: { passes.push($0) },
                commentSent: { comments.push($0) },
                latenessMeasured: { lateness.push($0) }
            )
        )
    }

    func start() {
        let daemon = daemon
        runTask.withLock { $0 = Task { await daemon.run() } }
    }

    func stop() async {
        daemon.send(.stop)
        _ = await runTask.withLock({ $0 })?.value
    }

    /// The next pass (fails the test after 10 s of real time: a pass that never comes).
    func nextPass(_ location: SourceLocation = #_sourceLocation) async throws -> Daemon.PassSummary {
        try await within(location) { [passes] in await passes.next() }
    }

    /// Waits until the comment lane has written `count` more comments.
    func comments(_ count: Int, _ location: SourceLocation = #_sourceLocation) async throws {
        for _ in 0..<count {
            _ = try await within(location) { [comments] in await comments.next() }
        }
    }

    /// The next lateness the lane reported (``Daemon/Hooks/latenessMeasured``).
    func nextLateness(_ location: SourceLocation = #_sourceLocation) async throws -> Lateness {
        try await within(location) { [lateness] in await lateness.next() }
    }

    /// Moves the clock to `date` once the daemon sleeps until then (so the wake comes from its timer).
    func advance(to date: Date, _ location: SourceLocation = #_sourceLocation) async throws {
        _ = try await within(location) { [self] () -> Bool? in
            while !clock.pendingWakes.contains(date) { try? await Task.sleep(for: .milliseconds(1)) }
            return true
        }
        clock.set(date)
    }

    func within<T: Sendable>(
        _ location: SourceLocation,
        _ body: @escaping @Sendable () async -> T?
    ) async throws -> T {
        let result = await withTaskGroup(of: T?.self) { group in
            group.addTask { await body() }
            group.addTask {
                try? await Task.sleep(for: Sanitizer.scaled(.seconds(10)))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        return try #require(result, "nothing came within 10 s of real time", sourceLocation: location)
    }
}

/// Values handed over from the daemon's hooks, taken in order by the test.
final class Inbox<Value: Sendable>: Sendable {
    private struct Inner {
        var values: [Value] = []
        var waiter: CheckedContinuation<Value?, Never>?
    }

    private let inner = Locked(Inner())

    func push(_ value: Value) {
        let waiter = inner.withLock { inner -> CheckedContinuation<Value?, Never>? in
            if let waiter = inner.waiter {
                inner.waiter = nil
                return waiter
            }
            inner.values.append(value)
            return nil
        }
        waiter?.resume(returning: value)
    }

    /// The next value (waits for it; one taker at a time), or `nil` when the waiting task is cancelled.
    func next() async -> Value? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                let value = inner.withLock { inner -> Value?? in
                    if !inner.values.isEmpty { return .some(inner.values.removeFirst()) }
                    if Task.isCancelled { return .some(nil) }
                    inner.waiter = continuation
                    return nil
                }
                if let value { continuation.resume(returning: value) }
            }
        } onCancel: {
            let waiter = inner.withLock { inner -> CheckedContinuation<Value?, Never>? in
                defer { inner.waiter = nil }
                return inner.waiter
            }
            waiter?.resume(returning: nil)
        }
    }
}
