import Foundation
import SandboxCore

/// The daemon's comment lane (docs/behaviour.md §6): writes the comments the journal owes, most
/// urgent first, one at a time within GitHub's limits, beside the passes and never in their way.
///
/// It sleeps when nothing is owed until a pass pokes it, and when GitHub's limits or a failed
/// write's backoff say wait, until then (or the next poke).
actor CommentLane {
    let reconciler: Reconciler
    /// The lane's `reconcile.id` in the logs.
    let reconcileID: String
    let clock: any SandboxClock
    let commentSent: @Sendable (Int) -> Void
    let latenessMeasured: @Sendable (Lateness) -> Void
    private var desired: DesiredState?
    private var stopped = false
    private var poked = false
    private var waiter: CheckedContinuation<Void, Never>?
    private var timer: Task<Void, Never>?

    init(
        reconciler: Reconciler,
        clock: any SandboxClock,
        commentSent: @escaping @Sendable (Int) -> Void,
        latenessMeasured: @escaping @Sendable (Lateness) -> Void = { _ in },
        reconcileID: String = "comments"
    ) {
        self.reconcileID = reconcileID
        self.reconciler = reconciler
        self.clock = clock
        self.commentSent = commentSent
        self.latenessMeasured = latenessMeasured
    }

    /// A pass ended: the outbox may hold new comments, written from `desired`'s templates.
    func poke(desired: DesiredState) {
        self.desired = desired
        wake()
    }

    /// A call of a pass finished: the outbox may hold new comments. Only an idle lane looks (one
    /// waiting for GitHub's limits keeps waiting), and at most every ``nudgeSpacing``, so a pass of
    /// many calls does not make the lane plan after each of them.
    func nudge() {
        guard desired != nil, waiter != nil, timer == nil else { return }
        let now = ContinuousClock.now
        if let last = lastNudge, now - last < Self.nudgeSpacing { return }
        lastNudge = now
        wake()
    }

    /// The least time between two nudges that wake the lane.
    static let nudgeSpacing: Duration = .milliseconds(250)
    private var lastNudge: ContinuousClock.Instant?

    /// Ends the lane after the comment in flight.
    func stop() {
        stopped = true
        wake()
    }

    private func wake() {
        poked = true
        timer?.cancel()
        timer = nil
        waiter?.resume()
        waiter = nil
    }

    /// Writes comments until stopped.
    func run() async {
        while !stopped {
            guard let desired else {
                await waitForPoke()
                continue
            }
            let step: CommentStep
            do {
                step = try await reconciler.sendNextComment(desired: desired, reconcileID: reconcileID)
            } catch {
                // The journal cannot record: the pass loop meets the same failure and stops the daemon.
                await waitForPoke()
                continue
            }
            switch step {
            case .sent(let left, let lateness):
                if let lateness { latenessMeasured(lateness) }
                commentSent(left)
            case .wait(let until, _):
                arm(until)
                await waitForPoke()
            case .idle:
                await waitForPoke()
            }
        }
    }

    /// Pokes the lane at `date`.
    private func arm(_ date: Date) {
        let clock = clock
        timer?.cancel()
        timer = Task { [weak self] in
            do {
                try await clock.sleep(until: date)
            } catch {
                return
            }
            await self?.wake()
        }
    }

    private func waitForPoke() async {
        if poked || stopped {
            poked = false
            return
        }
        await withCheckedContinuation { waiter = $0 }
        poked = false
    }
}
