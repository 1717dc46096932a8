public import Foundation

/// The git commit a desired state was read from (docs/behaviour.md §4.9): the fetched commit with
/// `--git-remote`, or the work tree's `HEAD` (and whether it had changes) without it.
///
/// It is a fact recorded in the journal before the decisions made from it, and shown by `status`,
/// `STATUS=` and the metrics.
public struct DesiredStateRevision: Hashable, Sendable, Codable {
    /// The commit's full id (40 hexadecimal digits for SHA-1, 64 for SHA-256).
    public var commit: String
    /// When it was committed, when known.
    public var committedAt: Date?
    /// The first line of its message, when known.
    public var subject: String?
    /// Whether the work tree had changes not committed (only without `--git-remote`).
    public var dirty: Bool

    /// - Parameters:
    ///   - commit: the full commit id.
    ///   - committedAt: when it was committed.
    ///   - subject: the first line of its message.
    ///   - dirty: whether the work tree had uncommitted changes.
    public init(commit: String, committedAt: Date? = nil, subject: String? = nil, dirty: Bool = false) {
        self.commit = commit
        self.committedAt = committedAt
        self.subject = subject
        self.dirty = dirty
    }

    /// The first 7 digits, as git abbreviates.
    public var shortCommit: String { String(commit.prefix(7)) }

    /// `1a2b3c4 (2026-12-01 10:02 UTC, "Request sandbox for alice")`, with `, with uncommitted changes`
    /// when dirty. The subject is shortened to 72 characters and stripped of control characters.
    public var summary: String {
        var details: [String] = []
        if let committedAt { details.append(Self.minuteFormat.format(committedAt) + " UTC") }
        if let subject, !subject.isEmpty {
            let clean = String(
                String.UnicodeScalarView(subject.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F })
            )
            let shortened = clean.count > 72 ? String(clean.prefix(71)) + "…" : clean
            details.append("\"\(shortened)\"")
        }
        if dirty { details.append("with uncommitted changes") }
        return details.isEmpty ? shortCommit : "\(shortCommit) (\(details.joined(separator: ", ")))"
    }

    private static let minuteFormat = Date.VerbatimFormatStyle(
        format:
            "\(year: .defaultDigits)-\(month: .twoDigits)-\(day: .twoDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)",
        timeZone: TimeZone(identifier: "UTC")!,
        calendar: Calendar(identifier: .gregorian)
    )
}
