import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A session-level delegate that declines every redirect, so the 3xx response reaches the caller.
///
/// It must be the *session's* delegate: on Linux, swift-corelibs-foundation does not ask a
/// task-level delegate about redirects and follows them silently.
final class RedirectRefusingDelegate: NSObject, URLSessionTaskDelegate, Sendable {
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
}
