import Foundation

/// The session's delegate queue: it runs each callback at once, on the thread that hands it over,
/// instead of queueing it for later.
///
/// swift-corelibs-foundation hands every chunk of a response body to the delegate by adding an
/// operation to this queue, from the session's work queue where libcurl reads, and without waiting
/// (libcurl is never paused). With an ordinary queue nothing slows libcurl down: on a fast connection
/// it reads far more than the delegate has counted, and every chunk waits in the queue, in memory.
/// An endless body on loopback piled up 24 MiB of chunks behind an 8 MiB limit, per response, and
/// `sandboxd reconcile` peaked at 74 MB after one such answer (105 MB after three) instead of 48 MB.
/// Run inline, the delegate counts each chunk before libcurl reads the next, and drops every chunk
/// past the limit as it comes: libcurl may go on reading until the cancellation reaches the work queue
/// (tens of milliseconds), but nothing past the limit is kept.
///
/// - Important: Callbacks then run on the session's work queue, which `URLSessionTask.cancel()`
///   waits for (swift-corelibs-foundation 6.3): a callback must never cancel a task inline
///   (``URLSessionTransport/Exchange/cancel(because:)`` hands the cancellation to another queue),
///   and must not block.
final class InlineDelegateQueue: OperationQueue, @unchecked Sendable {
    /// Runs `block` now, on the calling thread.
    override func addOperation(_ block: @escaping @Sendable () -> Void) {
        block()
    }
}
