public import Foundation
public import SandboxCore

/// What one step of the comment lane came to (docs/behaviour.md §6).
public enum CommentStep: Hashable, Sendable {
    /// A comment was written (or found, or given up on as undeliverable); `left` are still owed.
    /// `lateness` says how late it was when it is an expiry warning (docs/behaviour.md §8).
    case sent(left: Int, lateness: Lateness? = nil)
    /// Comments are owed but none may go before `until` (GitHub's limits, or a failed write's backoff).
    case wait(until: Date, left: Int)
    /// Nothing is owed.
    case idle
}

extension Reconciler {
    /// The comments the journal owes now, most urgent first (``OutboxPriority``).
    public func outbox(desired: DesiredState) -> [PlannedAction] {
        let input = PlannerInput(desired: desired, journal: state, live: nil, now: clock.now(), poolName: poolName)
        return Planner.plan(input).actions.filter(\.isComment)
    }

    /// Writes the most urgent comment owed, if GitHub's limits let it go now.
    ///
    /// - Throws: ``FatalJournalError`` when the journal cannot record; `CancellationError`.
    public func sendNextComment(desired: DesiredState, reconcileID: String = "") async throws -> CommentStep {
        var report = PassReport()
        let log = logger.with(["reconcile.id": reconcileID])
        return try await committing { try await sendNextComment(desired: desired, report: &report, log: log) }
    }

    /// - Parameter owed: the outbox, when the caller just planned it (``sendComments(desired:until:report:log:)``).
    func sendNextComment(
        desired: DesiredState,
        report: inout PassReport,
        log: Logger,
        owed: [PlannedAction]? = nil
    ) async throws -> CommentStep {
        guard let pool = desired.pool else { return .idle }
        let owed = owed ?? outbox(desired: desired)
        guard !owed.isEmpty else { return .idle }
        let now = clock.now()
        if let pause = commentPause, now < pause.until { return .wait(until: pause.until, left: owed.count) }
        let action = owed[0]
        guard case .notify(_, let plan) = action.kind else { return .idle }
        let allowed = contentBudget.nextAllowed(OutboxPriority(plan), now: now)
        if allowed > now { return .wait(until: allowed, left: owed.count) }
        actionObserver?(action)
        let lateness = lateness(of: action, pool: pool)
        if let lateness { report.lateness.append(lateness) }
        let (resolution, unanswered, retryAt) = try await execute(
            action,
            pool: pool,
            desired: desired,
            logger: log
        )
        report.executed.append(action)
        if let problem = resolution.problem { report.add(problem) }
        contentBudget.record(clock.now())
        if unanswered {
            // GitHub is down or asked to slow down: the whole lane waits (GitHub's time, or a backoff).
            let failures = (commentPause?.failures ?? 0) + 1
            let backoff = clock.now().addingTimeInterval(
                ProvisioningPolicy.unansweredCallBackoff(afterFailures: failures)
            )
            commentPause = (max(retryAt ?? backoff, clock.now()), failures)
        } else {
            commentPause = nil
        }
        progressObserver?()
        return .sent(left: owed.count - 1, lateness: lateness)
    }

    /// Writes the comments owed, most urgent first, until none is left or `until` passes (what is
    /// left goes out next time). The outbox is planned once for all the comments it holds, not once per
    /// comment: writing one comment changes what only its own request owes, and that request is planned
    /// again once the outbox planned is written.
    func sendComments(
        desired: DesiredState,
        until deadline: Date?,
        report: inout PassReport,
        log: Logger
    ) async throws {
        var owed: [PlannedAction] = []
        while !stopRequested, !isPast(deadline) {
            try Task.checkCancellation()
            if owed.isEmpty { owed = outbox(desired: desired) }
            guard case .sent = try await sendNextComment(desired: desired, report: &report, log: log, owed: owed)
            else { return }
            owed.removeFirst()
            report.calls += 1
        }
    }
}
