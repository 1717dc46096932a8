import Foundation
import SandboxCore
import SandboxHTTP
import SandboxLocking

/// The share of GitHub's primary rate limit forecasts may use (docs/behaviour.md §6.9, `--forecast-budget`):
/// at most `percent` % of `X-RateLimit-Limit` (5,000 an hour for a token until GitHub says) in each window
/// of the limit, which ends at `X-RateLimit-Reset`.
///
/// Every GitHub call made while it is ``current`` (a task-local the forecast adapter sets around its
/// calls, so the passes and the comment lane are never counted) is counted when GitHub's answer uses
/// the limit — anything but a `304` — and refused before it is sent once the share is spent, until the
/// window ends: the forecasts wait, the passes and the comments do not.
public final class ForecastBudget: Sendable {
    /// The budget of the forecast calls running in this task, if any.
    @TaskLocal static var current: ForecastBudget?

    /// What GitHub's limit is assumed to be before a response says.
    static let assumedLimit = 5_000
    /// A window's length when GitHub named no reset.
    static let assumedWindow: TimeInterval = 3_600

    private struct Window {
        var limit = ForecastBudget.assumedLimit
        var used = 0
        var endsAt: Date?
    }

    /// The forecasts' GitHub calls since the process started, by kind, for the metrics file (docs/behaviour.md
    /// §6.9, §8).
    public struct Counts: Sendable, Hashable {
        /// Reads GitHub answered with something else than `304` (they use the rate limit).
        public var reads = 0
        /// Reads answered `304 Not Modified` (free).
        public var notModified = 0
        /// Comments posted or edited.
        public var commentWrites = 0
        /// Commit statuses set.
        public var statusWrites = 0
        /// Calls not sent because the window's share was used.
        public var refused = 0
    }

    /// The percentage of the limit forecasts may use, 1 to 100.
    public let percent: Int
    private let window = Locked(Window())
    private let counted = Locked(Counts())

    /// Every call counted so far.
    public var counts: Counts { counted.withLock { $0 } }

    /// The calls forecasts may make in the current window, as GitHub's limit stands.
    public var windowAllowance: Int { window.withLock { allowance(of: $0.limit) } }

    /// A call the spent share kept back.
    func countRefusal() {
        counted.withLock { $0.refused += 1 }
    }

    /// - Parameter percent: 1 to 100 (0 turns forecasting off: make no budget then).
    public init(percent: Int) {
        self.percent = min(max(percent, 1), 100)
    }

    /// The calls forecasts may make in a window of `limit`.
    func allowance(of limit: Int) -> Int { limit * percent / 100 }

    /// How many calls that used the limit were counted in the current window.
    public var used: Int { window.withLock { $0.used } }

    /// The error to refuse `call` with at `now`, when the share is spent.
    func refusal(at now: Date, call: String) -> GitHubError? {
        window.withLock { window in
            if let end = window.endsAt, now >= end {
                window.used = 0
                window.endsAt = nil
            }
            guard window.used >= allowance(of: window.limit) else { return nil }
            let until = window.endsAt ?? now.addingTimeInterval(Self.assumedWindow)
            return GitHubError(
                .unavailable,
                message: "\(call) was not sent: the forecasts' share of GitHub's rate limit (\(percent) % of "
                    + "\(window.limit) calls) is used until \(NotificationDateFormat.rfc3339(until)); they go on then",
                retryAt: until,
                isRateLimit: true
            )
        }
    }

    /// Counts `response` when it used the limit, and reads the limit and its window from its headers.
    func record(_ response: HTTPResponse, method: String, path: String, at now: Date) {
        counted.withLock { counts in
            if method == "GET" || method == "HEAD" {
                if response.status == 304 { counts.notModified += 1 } else { counts.reads += 1 }
            } else if path.contains("/statuses/") {
                counts.statusWrites += 1
            } else {
                counts.commentWrites += 1
            }
        }
        let limit = response.headers["X-RateLimit-Limit"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let reset = response.headers["X-RateLimit-Reset"]
            .flatMap { TimeInterval($0.trimmingCharacters(in: .whitespaces)) }
            .map { Date(timeIntervalSince1970: $0) }
        window.withLock { window in
            if let limit, limit > 0 { window.limit = limit }
            if window.endsAt == nil {
                window.endsAt = reset.flatMap { $0 > now ? $0 : nil } ?? now.addingTimeInterval(Self.assumedWindow)
            }
            if response.status != 304 { window.used += 1 }
        }
    }

    /// Runs `body` with every GitHub call in it counted against this budget.
    func metered<T: Sendable>(_ body: () async throws(GitHubError) -> T) async throws(GitHubError) -> T {
        let result: Result<T, GitHubError> = await Self.$current.withValue(self) {
            do throws(GitHubError) {
                return .success(try await body())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
