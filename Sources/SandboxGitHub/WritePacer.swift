import Foundation

/// Lets one content-creating call (post or edit a comment) run at a time, at least ``spacing``
/// after the previous one ended, as GitHub asks (reference/github.md §3: serial, ≥ 1 s apart).
///
/// Callers queue in arrival order. The wait goes through the injected sleeper, so tests do not wait.
actor WritePacer {
    /// The least time between the end of one write and the start of the next.
    let spacing: TimeInterval
    /// The clock.
    let now: @Sendable () -> Date
    /// How to wait.
    let sleep: @Sendable (Duration) async -> Void
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var lastWriteEnded: Date?

    /// Creates a pacer.
    init(
        spacing: TimeInterval,
        now: @escaping @Sendable () -> Date,
        sleep: @escaping @Sendable (Duration) async -> Void
    ) {
        self.spacing = spacing
        self.now = now
        self.sleep = sleep
    }

    /// Waits for this caller's turn, then until ``spacing`` has passed since the last write.
    func acquire() async {
        if busy {
            await withCheckedContinuation { waiters.append($0) }
        }
        busy = true
        if let last = lastWriteEnded {
            let wait = spacing - now().timeIntervalSince(last)
            if wait > 0 {
                await sleep(.milliseconds(Int64((wait * 1000).rounded(.up))))
            }
        }
    }

    /// Ends this caller's turn and hands it to the next in line.
    func release() {
        lastWriteEnded = now()
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()  // `busy` stays true: the turn passes straight on.
        }
    }
}
