import Dispatch
import SandboxLocking

import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
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
            /// The body grew past the transport's limit.
            case tooLarge
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
            var body = Data()
            var response: URLResponse?
            var continuation: CheckedContinuation<Result<HTTPResponse, HTTPTransportError>, Never>?
        }

        private let state = Locked(State())
        /// The request, to build the result from.
        let request: HTTPRequest
        /// The most body bytes accepted; a larger body ends the request.
        let maximumBodyBytes: Int

        init(request: HTTPRequest, maximumBodyBytes: Int) {
            self.request = request
            self.maximumBodyBytes = maximumBodyBytes
        }

        /// Where the result goes once the task completes.
        func await(_ continuation: CheckedContinuation<Result<HTTPResponse, HTTPTransportError>, Never>) {
            state.withLock { $0.continuation = continuation }
        }

        /// The response head arrived.
        func received(_ response: URLResponse) {
            state.withLock { $0.response = response }
        }

        /// Body bytes arrived; past the limit the request is ended (the bytes are not kept).
        func received(_ data: Data) {
            let overLimit = state.withLock { state -> Bool in
                guard state.ending == nil else { return false }
                if state.body.count + data.count > maximumBodyBytes { return true }
                state.body.append(data)
                return false
            }
            if overLimit { cancel(because: .tooLarge) }
        }

        /// The task completed: hands the result to the waiting caller.
        func completed(error: (any Error)?) {
            let ending = finish()
            let (continuation, body, response) = state.withLock { state in
                defer { state.continuation = nil }
                return (state.continuation, state.body, state.response)
            }
            continuation?.resume(
                returning: URLSessionTransport.result(
                    for: request,
                    data: body,
                    response: response,
                    error: error,
                    ending: ending,
                    limit: maximumBodyBytes
                )
            )
        }

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
        ///
        /// The data task is cancelled from another queue: this may be called from a delegate callback,
        /// which runs on the session's work queue (``InlineDelegateQueue``), and `cancel()` waits for
        /// that queue. The bytes that still arrive meanwhile are dropped as they come.
        func cancel(because reason: Ending) {
            let handle: TaskHandle? = state.withLock { state in
                guard !state.finished, state.ending == nil else { return nil }
                state.ending = reason
                return state.task
            }
            guard let handle else { return }
            DispatchQueue.global().async { handle.task.cancel() }
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
