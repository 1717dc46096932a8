public import Foundation
import SandboxLocking

/// Where the daemon reads the time and waits for it: injectable, so tests never sleep.
public protocol SandboxClock: Sendable {
    func now() -> Date
    /// Returns once `now()` is at or past `date` (at once when it already is).
    ///
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    func sleep(until date: Date) async throws
}

/// The machine's clock.
public struct SystemClock: SandboxClock {
    public init() {}
    public func now() -> Date { Date() }

    /// Sleeps on the monotonic clock, then again for whatever is left if the wall clock is behind
    /// (so a wake is never early by `now()`). A cancelled sleep frees its timer at once (``DispatchSleep``).
    public func sleep(until date: Date) async throws {
        while true {
            let left = date.timeIntervalSince(Date())
            guard left > 0 else { return }
            try await DispatchSleep.sleep(seconds: (left * 1000).rounded(.up) / 1000)
        }
    }
}

/// A clock that moves only when told to; sleepers wake when it is moved past their time.
public final class ManualClock: SandboxClock {
    private struct Sleeper {
        var id: UInt64
        var until: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct Inner {
        var now: Date
        var sleepers: [Sleeper] = []
        var nextID: UInt64 = 0
    }

    private let inner: Locked<Inner>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        inner = Locked(Inner(now: start))
    }

    public func now() -> Date { inner.withLock { $0.now } }

    public func sleep(until date: Date) async throws {
        let id = inner.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool = inner.withLock { state in
                    if state.now >= date || Task.isCancelled { return true }
                    state.sleepers.append(Sleeper(id: id, until: date, continuation: continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let sleeper = inner.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }

    /// The times the sleepers wait for, earliest first.
    public var pendingWakes: [Date] { inner.withLock { $0.sleepers.map(\.until).sorted() } }

    /// Moves the clock forward.
    public func advance(by seconds: TimeInterval) {
        move { $0.addingTimeInterval(seconds) }
    }

    /// Sets the clock.
    public func set(_ date: Date) {
        move { _ in date }
    }

    private func move(_ change: (Date) -> Date) {
        let woken = inner.withLock { state -> [Sleeper] in
            state.now = change(state.now)
            let now = state.now
            let due = state.sleepers.filter { $0.until <= now }
            state.sleepers.removeAll { $0.until <= now }
            return due
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }
}
