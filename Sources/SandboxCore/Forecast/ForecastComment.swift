public import Foundation

/// One request file of a pull request and what merging it would do.
public struct RequestForecast: Hashable, Sendable {
    /// The file's path in the repository, as GitHub lists it (a contributor chose it: escaped when shown).
    public var path: String
    public var outcome: ForecastOutcome

    public init(path: String, outcome: ForecastOutcome) {
        self.path = path
        self.outcome = outcome
    }
}

/// The forecast comment and commit status of a pull request (docs/behaviour.md §6.9): one comment,
/// marked ``marker``, edited in place; its text is sandboxd's, and whatever came from the contributor
/// (paths, logins, the `validate` messages quoting the file) is escaped as in every comment (§6.5).
public enum ForecastComment {
    /// The hidden marker of the forecast comment.
    public static let marker = "<!-- sandboxd:forecast -->"

    /// The comment's body for the files of a pull request at its head. It names no commit: a push that leaves
    /// the outcome as it was leaves the body as it was, so the comment is not edited (docs/behaviour.md §6.9).
    public static func body(_ forecasts: [RequestForecast]) -> String {
        var body = NotificationBody()
        body.append("### What merging this pull request would do\n\n")
        for forecast in forecasts {
            body.append("**")
            body.appendPath(forecast.path)
            body.append("**: ")
            body.appendForecast(forecast.outcome)
            body.append("\n\n")
        }
        body.append(
            "_A forecast, not a promise: nothing is reserved, and the queue is ordered by when a file is merged "
                + "and first seen. Sandboxes given back early cannot be known, so a slot may come sooner than "
                + "expected; a lease that is extended makes it later. This comment is updated as the queue moves "
                + "and forecasts the pull request as of its latest commit._\n"
        )
        return body.rendered(markerText: marker, maximumBytes: NotificationRenderer.maximumBodyBytes)
    }

    /// The `sandboxd/forecast` status: `success` when merging every file would be accepted, `failure`
    /// with the first refusal, `pending` while sandboxd cannot tell.
    public static func status(_ forecasts: [RequestForecast]) -> ForecastStatus {
        for forecast in forecasts {
            switch forecast.outcome {
            case .invalid(let problems):
                let first = problems.first.map(NotificationContext.problemLine) ?? "the file is not valid"
                return ForecastStatus(state: .failure, description: "Invalid request file: \(first)")
            case .rejected(let reason):
                return ForecastStatus(state: .failure, description: "Would be rejected: \(reason)")
            case .existing(let state) where state.isFinal:
                return ForecastStatus(
                    state: .failure,
                    description: "This request already \(state.rawValue); editing its file changes nothing"
                )
            default:
                continue
            }
        }
        if case .undecided(let reason)? = forecasts.first(where: { !$0.outcome.isAccepted })?.outcome {
            return ForecastStatus(state: .pending, description: "Cannot tell yet: \(reason)")
        }
        return ForecastStatus(state: .success, description: summary(forecasts.map(\.outcome)))
    }

    /// The one-line summary of accepted outcomes.
    static func summary(_ outcomes: [ForecastOutcome]) -> String {
        guard let first = outcomes.first else { return "No request file" }
        switch first {
        case .slotNow: return "Merging gives a sandbox right away"
        case .queued(let position, .expected(let at, _)):
            return "Would be #\(position) in the queue; a slot expected around \(shortTime(at))"
        case .queued(let position, .unknown):
            return "Would be #\(position) in the queue; no slot can be expected yet"
        case .existing(let state): return "Edits a request that is \(state.rawValue): only a longer lease applies"
        default: return "Would be accepted"
        }
    }

    /// How a forecast writes a time: `2026-12-02 14:05 UTC`.
    public static func shortTime(_ date: Date) -> String {
        let text = NotificationDateFormat.rfc3339(date)
        return text.prefix(10) + " " + text.dropFirst(11).prefix(5) + " UTC"
    }
}

extension NotificationBody {
    /// One file's outcome, in a sentence (and the `validate` messages for an invalid file).
    mutating func appendForecast(_ outcome: ForecastOutcome) {
        switch outcome {
        case .slotNow:
            append("merging this gives you a sandbox right away: a slot is free now.")
        case .queued(let position, let slot):
            append("you would be **#\(position)** in the queue")
            appendSlot(slot)
        case .rejected(let reason):
            append("this would be rejected: ")
            append(escaping: reason)
        case .undecided(let reason):
            append("sandboxd cannot tell yet what merging would do: ")
            append(escaping: reason)
        case .existing(let state) where state.isFinal:
            append(
                "this request already \(state.rawValue); editing its file changes nothing. To ask again, add a "
                    + "request file with a new name."
            )
        case .existing(let state):
            append("this edits a request that is already `\(state.rawValue)`: merging changes only a longer `lease`.")
        case .invalid(let problems):
            append("this file would be rejected: `sandboxd validate` says\n\n")
            let lines = problems.map(NotificationContext.problemLine)
            appendProblems(Array(lines.prefix(NotificationContext.maximumProblemsShown)), count: lines.count)
        }
    }

    /// `; a slot is expected around … (when `x`'s lease ends).`, or why none can be expected.
    mutating func appendSlot(_ slot: SlotEstimate) {
        switch slot {
        case .expected(let at, let holder):
            append(
                "; a slot is expected around \(ForecastComment.shortTime(at)) "
                    + "(when `\(holder.rawValue)`'s lease ends)."
            )
        case .unknown(let reason):
            append("; no slot can be expected yet: \(reason).")
        }
    }
}
