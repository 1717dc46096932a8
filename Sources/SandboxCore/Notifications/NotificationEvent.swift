/// The events a requester is told about by a comment on their pull request (docs/behaviour.md §6).
public enum NotificationEvent: String, Sendable, Codable, CaseIterable, Hashable {
    case queued
    case ready
    case expiring
    case ended
    case rejected
    case failed
    case lost
    case quarantined
    /// A merged request file does not validate (docs/behaviour.md §2.5, §6.1): one comment, edited in place
    /// as its problems change.
    case invalid
}
