public import Foundation

/// What merging an open pull request's request file would do, as far as sandboxd can tell now
/// (docs/behaviour.md §6.9). A forecast reserves nothing and changes no queue: it is said, not done.
public enum ForecastOutcome: Hashable, Sendable {
    /// The file does not pass `sandboxd validate`: its messages, with line and column.
    case invalid([Diagnostic])
    /// The verification policy (docs/behaviour.md §5) or the one-live-sandbox rule (§3.3) would refuse it.
    case rejected(reason: String)
    /// sandboxd cannot tell yet (GitHub hides an organization's members, GitHub cannot be asked).
    case undecided(reason: String)
    /// A slot is free for it now: merging gives a sandbox right away.
    case slotNow
    /// It would wait in the queue at `position` (1 = next), with when a slot is expected.
    case queued(position: Int, slot: SlotEstimate)
    /// The file is a request sandboxd already knows past its check (`state`): merging an edit of it
    /// changes only its lease (docs/behaviour.md §3.5), or nothing once it is final (§3.1).
    case existing(state: RequestState)

    /// Whether merging would be accepted (the `sandboxd/forecast` status is `success`).
    public var isAccepted: Bool {
        switch self {
        case .slotNow, .queued: return true
        case .existing(let state): return !state.isFinal
        case .invalid, .rejected, .undecided: return false
        }
    }
}

/// When a queued request can expect its slot: a pure estimate from the pool, the queue and the lease
/// ends. Sandboxes given back early cannot be known, so a slot may come sooner, never from a lease
/// that runs longer than the journal says (a lease is never shortened, docs/behaviour.md §3.5, but may
/// be extended).
public enum SlotEstimate: Hashable, Sendable {
    /// Expected at `at`, when the lease of `holder` ends (a lease running now, or the expected lease of
    /// a request ahead in the queue).
    case expected(at: Date, holder: RequestID)
    /// No lease end is known to free a slot: `reason` says why (a capacity of 0, quarantined products).
    case unknown(reason: String)
}

/// The `sandboxd/forecast` commit status of a pull request (docs/behaviour.md §6.9).
public struct ForecastStatus: Hashable, Sendable {
    /// GitHub's commit-status state.
    public enum State: String, Hashable, Sendable {
        case success
        case failure
        case pending
    }

    /// The status context: `sandboxd/forecast`.
    public static let context = "sandboxd/forecast"
    /// GitHub's longest status description.
    public static let maximumDescriptionLength = 140

    public var state: State
    /// One line, at most ``maximumDescriptionLength`` characters, no control characters.
    public var description: String

    /// - Parameters: see the properties; `description` is cleaned and shortened to fit.
    public init(state: State, description: String) {
        self.state = state
        let line = MarkdownEscaping.removingControls(description).split(whereSeparator: \.isNewline)
            .joined(separator: " ")
        self.description =
            line.count <= Self.maximumDescriptionLength
            ? line : String(line.prefix(Self.maximumDescriptionLength - 1)) + "…"
    }
}
