import Dispatch

/// A wait on a dispatch timer that ends when its task is cancelled, and frees everything then.
///
/// `Task.sleep` on Linux keeps a cancelled sleep's task and timer until the time it was for: the daemon
/// cancels its wake (up to `--interval` ahead) at every pass, and every git child's 30 s timeout is cancelled when
/// the child ends, so each pass left its sleeps behind for up to an hour (docs/BENCHMARKS.md, the idle passes). A timer source is cancelled with the task instead; and with
/// nothing else pending, an idle daemon no longer wakes every second for the runtime's re-armed timer.
public enum DispatchSleep {
    /// The waiter's continuation and timer, shared by the timer's handler and the cancellation handler
    /// (whichever comes first resumes the continuation, once).
    final class Waiter: Sendable {
        struct Parts {
            var continuation: CheckedContinuation<Void, any Error>?
            var timer: (any DispatchSourceTimer)?
            var cancelled = false
        }

        let parts = Locked(Parts())

        /// Ends the wait: `error` `nil` when the time came. Cancels the timer either way.
        func finish(throwing error: (any Error)?) {
            let continuation = parts.withLock { parts in
                defer {
                    parts.continuation = nil
                    parts.timer = nil
                }
                parts.timer?.cancel()
                return parts.continuation
            }
            if let error { continuation?.resume(throwing: error) } else { continuation?.resume() }
        }
    }

    /// Waits `seconds` on the monotonic clock.
    ///
    /// - Throws: `CancellationError` when the task is cancelled (at once).
    public static func sleep(seconds: Double) async throws {
        let waiter = Waiter()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let nanoseconds = Int(min(max(seconds, 0), 365 * 86_400) * 1e9)
                let cancelled = waiter.parts.withLock { parts -> Bool in
                    guard !parts.cancelled else { return true }
                    let timer = DispatchSource.makeTimerSource(queue: .global())
                    timer.setEventHandler { waiter.finish(throwing: nil) }
                    timer.schedule(deadline: .now() + .nanoseconds(nanoseconds), leeway: .nanoseconds(0))
                    parts.continuation = continuation
                    parts.timer = timer
                    timer.resume()
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            waiter.parts.withLock { $0.cancelled = true }
            waiter.finish(throwing: CancellationError())
        }
    }
}
