import SandboxLocking

/// Whether the daemon's loop is alive, for the systemd watchdog (docs/behaviour.md §7): the loop is
/// alive while it waits for its next event, and while a pass makes progress (a call finished within
/// the watchdog's time). A pass stuck longer than that stops the pings, and systemd restarts it.
///
/// Read without going through the daemon actor, so a wedged actor cannot feed the watchdog.
public final class DaemonLiveness: Sendable {
    private struct Inner {
        var inPass = false
        var lastProgress = ContinuousClock.now
    }

    private let inner = Locked(Inner())

    public init() {}

    /// A pass starts (counts as progress).
    public func passStarted() {
        inner.withLock {
            $0.inPass = true
            $0.lastProgress = .now
        }
    }

    /// A call of the pass (or a comment) finished.
    public func progressed() {
        inner.withLock { $0.lastProgress = .now }
    }

    /// The pass ended: the loop waits for its next event.
    public func passEnded() {
        inner.withLock {
            $0.inPass = false
            $0.lastProgress = .now
        }
    }

    /// Whether the loop is alive: waiting, or in a pass that progressed within `timeout`.
    public func isAlive(timeout: Duration) -> Bool {
        inner.withLock { !$0.inPass || ContinuousClock.now - $0.lastProgress < timeout }
    }
}
