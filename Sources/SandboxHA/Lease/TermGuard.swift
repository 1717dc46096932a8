public import SandboxHTTP
import SandboxLocking

/// Whether this replica's term can still be current, by its own monotonic clock (docs/behaviour.md §12.3): until
/// two thirds of the lease after the last renewal was sent. Another replica cannot take the lease before the whole
/// lease has passed, so a term that is not fresh by this clock may be over.
///
/// A process stopped (SIGSTOP, a frozen VM) and resumed finds its term stale here before any comment goes out, and
/// its next append is refused if another replica leads.
public final class TermGuard: Sendable {
    private let freshUntil = Locked<ContinuousClock.Instant?>(nil)
    private let margin: Duration

    /// For leases of `lease`; stale until ``begin(at:)``.
    public init(lease: Duration) {
        margin = lease * 2 / 3
    }

    /// A term whose lease was written at about `start` begins.
    public func begin(at start: ContinuousClock.Instant = .now) {
        freshUntil.withLock { $0 = start + margin }
    }

    /// A renewal sent at `sent` succeeded.
    public func renewed(sentAt sent: ContinuousClock.Instant) {
        freshUntil.withLock { $0 = max($0 ?? sent, sent + margin) }
    }

    /// The term is over (stepped down or stopped).
    public func end() {
        freshUntil.withLock { $0 = nil }
    }

    /// Whether the term is certainly still this replica's now.
    public var isFresh: Bool {
        guard let until = freshUntil.withLock({ $0 }) else { return false }
        return ContinuousClock.now < until
    }
}

/// GitHub's transport, refusing every write (anything but GET and HEAD) while the term is not fresh
/// (``TermGuard``). A comment has no idempotency token: a leader paused between a comment's intent and its call
/// — or in GitHub's write pacing, which comes after the intent — must not post it once another replica may have
/// taken over (that replica finds the intent and posts the comment itself, docs/behaviour.md §6.4, §12.3). The
/// check is made as the request is handed to the network, the last moment sandboxd's code can make it.
public struct TermGuardedTransport: HTTPTransport {
    let wrapped: any HTTPTransport
    let term: TermGuard

    public init(_ wrapped: any HTTPTransport, term: TermGuard) {
        self.wrapped = wrapped
        self.term = term
    }

    public func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        if request.method != "GET" && request.method != "HEAD" && !term.isFresh {
            throw .connectionFailed(
                request.url,
                "not sent: this replica's lease was not renewed in time (docs/behaviour.md §12.3)"
            )
        }
        return try await wrapped.send(request)
    }
}
