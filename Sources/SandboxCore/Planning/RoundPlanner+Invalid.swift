import Foundation

extension RoundPlanner {
    /// Closes the `invalid` comment of every file that is valid again or gone (docs/behaviour.md §6.1), so a
    /// later invalid version is told by a new comment. Bookkeeping only: the request goes on this round.
    mutating func clearInvalidNotices() {
        for (id, notice) in journal.invalidNotices.sorted(by: { $0.key < $1.key }) where notice.open {
            let entry = input.desired.requests[id]
            guard entry?.problems == nil else { continue }
            let why = entry == nil ? "the invalid request file was removed" : "the request file is valid again"
            actions.append(PlannedAction(.clearInvalid(id), reason: why))
        }
    }

    /// The `invalid` comments owed (docs/behaviour.md §2.5, §6.1), in request id order: one per invalid file
    /// whose `requester` and `pullRequest` can still be read, edited in place when its problems change.
    func owedInvalidNotifications() -> [(id: RequestID, plan: NotificationPlan)] {
        // Only the invalid files are sorted, not every file of a plan.
        input.desired.requests.compactMap { id, entry -> (id: RequestID, plan: NotificationPlan)? in
            guard entry.problems != nil, !busy.contains(id), let plan = invalidNotification(id, entry) else {
                return nil
            }
            return (id, plan)
        }.sorted { $0.id < $1.id }
    }

    /// The comment `entry`'s file is owed, if any.
    func invalidNotification(_ id: RequestID, _ entry: RequestEntry) -> NotificationPlan? {
        guard let problems = entry.problems, let recovered = entry.recovered else { return nil }
        // A finished request's file changes nothing any more (docs/behaviour.md §3.1): nothing to tell, unless
        // the file came back after it was removed (§3.16).
        if let record = records[id], record.state.isFinal, record.retired == nil { return nil }
        let fingerprint = InvalidNotice.problemsFingerprint(problems)
        let notice = journal.invalidNotices[id] ?? InvalidNotice()
        if notice.open, notice.pullRequest == recovered.pullRequest {
            // Told already: edited when the problems changed, unless the pull request took no comment (id 0).
            guard notice.problems != fingerprint, let comment = notice.comment, comment.id != 0 else { return nil }
            return NotificationPlan(
                event: .invalid,
                occurrence: notice.posted,
                edit: comment,
                lookFirst: notice.unconfirmed == notice.posted,
                pullRequest: recovered.pullRequest,
                problems: fingerprint
            )
        }
        // A new invalid version (or one naming another pull request): a new comment. One this journal never
        // told is looked for first: a lost journal must not tell it twice (docs/behaviour.md §3.15).
        let occurrence = notice.posted + 1
        return NotificationPlan(
            event: .invalid,
            occurrence: occurrence,
            lookFirst: notice.unconfirmed == occurrence || journal.invalidNotices[id] == nil,
            pullRequest: recovered.pullRequest,
            problems: fingerprint
        )
    }
}
