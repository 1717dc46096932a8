import Dispatch
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#else
import Foundation
#endif

extension URLSessionTransport {
    /// The state of one request in flight: its data task, its deadline and why it was ended early.
    ///
    /// The deadline is a Dispatch timer that cancels the data task; the completion handler then
    /// asks ``finish()`` whether the cancellation was ours, so it can report a timeout rather than a
    /// cancellation.
    final class Exchange: Sendable {
        /// Why a request was ended before the platform finished it.
        enum Ending: Sendable {
            /// The request's ``HTTPRequest/timeout`` passed.
            case timeout
            /// The calling task was cancelled.
            case caller
        }

        /// A data task, sent across threads.
        ///
        /// `URLSessionTask` is not declared `Sendable`, but its `resume()` and `cancel()` hop onto the
        /// task's own work queue, so calling them from any thread is safe.
        private struct TaskHandle: @unchecked Sendable {
            let task: URLSessionDataTask
        }

        private struct State {
            var task: TaskHandle?
            var ending: Ending?
            var finished = false
        }

        private let state = Mutex(State())

        /// Starts `task` and arms the deadline, unless the caller cancelled first.
        func start(_ task: URLSessionDataTask, timeout: Duration) {
            let handle = TaskHandle(task: task)
            let cancelledEarly = state.withLock { state in
                state.task = handle
                return state.ending != nil
            }
            task.resume()
            if cancelledEarly {
                task.cancel()
                return
            }
            let (seconds, attoseconds) = timeout.components
            let nanoseconds =
                Int(clamping: seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue)
                + Int(attoseconds / 1_000_000_000)
            // The timer holds the exchange weakly and does nothing once the request has finished.
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { [weak self] in
                self?.cancel(because: .timeout)
            }
        }

        /// Ends the request early for `reason`, unless it has already finished or been ended.
        func cancel(because reason: Ending) {
            let handle: TaskHandle? = state.withLock { state in
                guard !state.finished, state.ending == nil else { return nil }
                state.ending = reason
                return state.task
            }
            handle?.task.cancel()
        }

        /// Marks the request finished (so the deadline does nothing) and returns why it was ended early, if it was.
        func finish() -> Ending? {
            state.withLock { state in
                state.finished = true
                return state.ending
            }
        }
    }
}
