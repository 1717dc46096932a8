public import Foundation
public import SandboxCore

/// The one-line `STATUS=` summary (docs/behaviour.md §7): `3/3 active, 2 queued, next expiry in 5h 12m`,
/// ending with `at 1a2b3c4` when the desired state's commit is known.
public enum DaemonStatusLine {
    /// The summary of `state` at `now`.
    ///
    /// - Parameters:
    ///   - problems: the last pass's problems in a few words, if any.
    ///   - brake: whether the safety brake held releases back.
    public static func summary(
        state: JournalState,
        capacity: Int?,
        now: Date,
        problems: String? = nil,
        brake: Bool = false
    ) -> String {
        let records = state.requests.values
        let active = records.filter { $0.state == .active }
        let queued = records.filter { $0.state == .queued }.count
        let busy = records.filter { $0.state == .provisioning || $0.state == .terminating }.count
        let quarantined = records.filter { $0.state == .quarantined }.count
        var parts = ["\(active.count)/\(capacity.map(String.init) ?? "?") active", "\(queued) queued"]
        if busy > 0 { parts.append("\(busy) in flight") }
        if quarantined > 0 { parts.append("\(quarantined) quarantined") }
        if let next = active.compactMap(\.leaseEnd).min() {
            parts.append("next expiry in \(span(next.timeIntervalSince(now)))")
        }
        if let problems { parts.append(problems) }
        if brake { parts.append("safety brake on") }
        if let revision = state.desiredRevision { parts.append("at \(revision.shortCommit)") }
        return parts.joined(separator: ", ")
    }

    /// `5h 12m`, `3d 4h`, `45s`, `now`.
    public static func span(_ seconds: TimeInterval) -> String {
        let total = Int(seconds.rounded(.down))
        guard total > 0 else { return "now" }
        let days = total / 86_400
        let hours = total % 86_400 / 3_600
        let minutes = total % 3_600 / 60
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m \(total % 60)s" }
        return "\(total)s"
    }
}
