import Foundation
import SandboxCore

/// How journals written by older sandboxd versions are read.
///
/// Format 1 (until the planner made every decision) recorded a failed provisioning attempt as
/// `attemptFailed` with a retry time even after the last attempt, and left it to the replay to know
/// that attempts stopped at three. Those records and snapshots are read here with the limit they
/// were written under, so the fold itself knows no limit.
enum LegacyJournal {
    /// The attempt limit format-1 journals were written under (fixed: it is part of what they mean).
    static let formatOneMaximumAttempts = 3

    /// The format-1 events that changed meaning.
    enum Event: Decodable {
        /// An attempt failed; another followed unless it was attempt three.
        case attemptFailed(id: RequestID, reason: String, retryAt: Date)

        /// The event as it is written now.
        func upgraded(given state: JournalState) -> JournalEvent {
            switch self {
            case .attemptFailed(let id, let reason, let retryAt):
                let attempt = state.requests[id]?.provisioning?.attempt ?? 1
                return .attemptEnded(
                    id: id,
                    reason: reason,
                    retryAt: attempt >= formatOneMaximumAttempts ? nil : retryAt
                )
            }
        }
    }

    /// A format-1 snapshot's state as format 2 says it: a last attempt that failed has no retry time.
    static func upgrade(_ state: JournalState) -> JournalState {
        var state = state
        for (id, record) in state.requests {
            guard let progress = record.provisioning, progress.failedReason != nil,
                progress.attempt >= formatOneMaximumAttempts
            else { continue }
            state.requests[id]?.provisioning?.retryAt = nil
        }
        return state
    }
}
