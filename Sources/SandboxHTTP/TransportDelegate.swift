import Foundation
import SandboxLocking

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The session's delegate: it declines every redirect, so the 3xx response reaches the caller, and
/// hands each task's response and body bytes to its ``URLSessionTransport/Exchange`` as they arrive,
/// so a body can be capped while it streams in.
///
/// It must be the *session's* delegate: on Linux, swift-corelibs-foundation does not ask a
/// task-level delegate about redirects and follows them silently. Its callbacks run inline on the
/// session's work queue (``InlineDelegateQueue``): each is short and never blocks.
final class TransportDelegate: NSObject, URLSessionDataDelegate, Sendable {
    private let exchanges = Locked<[Int: URLSessionTransport.Exchange]>([:])

    /// Follows `task` for `exchange` until it completes.
    func register(_ exchange: URLSessionTransport.Exchange, for task: URLSessionTask) {
        exchanges.withLock { $0[task.taskIdentifier] = exchange }
    }

    private func exchange(of task: URLSessionTask) -> URLSessionTransport.Exchange? {
        exchanges.withLock { $0[task.taskIdentifier] }
    }

    /// Declines the redirect by passing `nil`: the task completes with the redirect response.
    func urlSession(
        _ session: URLSession,
        task: URLSessionTask,
        willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest,
        completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    /// The response head: kept, and the body is let through.
    func urlSession(
        _ session: URLSession,
        dataTask: URLSessionDataTask,
        didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        exchange(of: dataTask)?.received(response)
        completionHandler(.allow)
    }

    /// Body bytes: counted against the limit.
    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        exchange(of: dataTask)?.received(data)
    }

    /// The task ended: the exchange reports its result.
    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let exchange = exchanges.withLock { $0.removeValue(forKey: task.taskIdentifier) }
        exchange?.completed(error: error)
    }
}
