import Foundation
import SandboxCore
import SandboxHTTP
import SandboxLocking

/// Remembers when GitHub said to stop, so every call before then fails fast with
/// ``GitHubError/Kind/unavailable`` and `retryAt`, without going to the network and without
/// sleeping (docs/behaviour.md §4: no pass waits for a rate-limit reset; the request stays pending).
///
/// It closes on:
/// - any response with `X-RateLimit-Remaining: 0`, until `X-RateLimit-Reset` (the primary limit);
/// - a 403 or 429 that is a rate limit: until `Retry-After` seconds from now when given, else the
///   reset when the remaining count is 0, else one minute (GitHub's advice for secondary limits).
///   A secondary limit met again soon after the last one waits longer each time: at least 1, 2, 4, …
///   minutes (at most ``longestSecondaryPause``), or GitHub's `Retry-After`/reset when later, as
///   GitHub asks ("wait for an exponentially increasing amount of time between retries"). The count
///   starts again once ``secondaryQuietPeriod`` passes without one;
/// - an outage (5xx or network failure after the retries, or a timeout), for ``outagePause``, so
///   one pass meets a down or hanging GitHub once, not once per request.
///
/// A call refused while the gate is closed fails with a message naming *that* call (its method and
/// path) and what closed the gate, never the message of the call that met the failure: each pending
/// request's reason is its own call's (docs/behaviour.md §5.4).
final class RateLimitGate: Sendable {
    /// How long to hold off after GitHub failed (5xx or unreachable after retries, or timed out).
    static let outagePause: TimeInterval = 30
    /// How long to hold off after a secondary limit that gave no `Retry-After`.
    static let secondaryLimitPause: TimeInterval = 60
    /// How long to hold off when GitHub's reset time is already past by our clock (clock skew).
    static let pastResetPause: TimeInterval = 60
    /// The longest pause a repeated secondary limit grows to.
    static let longestSecondaryPause: TimeInterval = 1_800
    /// A secondary limit this long after the last pause ended counts as the first again.
    static let secondaryQuietPeriod: TimeInterval = 900

    /// The secondary limits met in a row, and when the last pause ended.
    private struct Strikes {
        var count = 0
        var lastPauseEnd: Date?
    }

    private let strikes = Locked(Strikes())

    private struct Closure {
        var until: Date
        /// Why the gate closed, naming no call (the refused calls name themselves).
        var reason: String
        /// A rate limit (primary or secondary) rather than an outage.
        var isRateLimit: Bool
    }

    private let closure = Locked<Closure?>(nil)

    /// The reason given while the primary limit is used up.
    static let usedUp = "GitHub's API rate limit for sandboxd's token is used up until its reset"

    /// The error to fail `call` (`GET /repos/o/r/pulls/7`) with now, if the gate is closed at `now`.
    func refusal(at now: Date, call: String) -> GitHubError? {
        closure.withLock { closure in
            guard let current = closure else { return nil }
            guard now < current.until else {
                closure = nil
                return nil
            }
            return GitHubError(
                .unavailable,
                message: "\(call) was not sent: \(current.reason); GitHub is left alone until "
                    + NotificationDateFormat.rfc3339(current.until),
                retryAt: current.until,
                isRateLimit: current.isRateLimit
            )
        }
    }

    /// Reads the rate-limit headers of `response` and closes the gate if GitHub asks to stop.
    ///
    /// - Returns: The error for this response when it *is* a rate-limit refusal (403/429), else
    ///   `nil` (a successful response that used the last unit still counts as an answer).
    func observe(_ response: HTTPResponse, at now: Date) -> GitHubError? {
        let remaining = response.headers["X-RateLimit-Remaining"]
            .flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let reset = response.headers["X-RateLimit-Reset"]
            .flatMap { TimeInterval($0.trimmingCharacters(in: .whitespaces)) }
            .map { Date(timeIntervalSince1970: $0) }
        let retryAfter = response.headers["Retry-After"]
            .flatMap { TimeInterval($0.trimmingCharacters(in: .whitespaces)) }
        let resetOrLater =
            reset.map { $0 > now ? $0 : now.addingTimeInterval(Self.pastResetPause) }
            ?? now.addingTimeInterval(Self.pastResetPause)

        if response.status == 403 || response.status == 429 {
            let message = Self.message(in: response.body).lowercased()
            let isSecondary = message.contains("secondary rate limit") || message.contains("abuse")
            let isLimit = isSecondary || response.status == 429 || message.contains("rate limit")
            guard retryAfter != nil || remaining == 0 || isLimit else {
                return nil  // A permission refusal, not a limit: the caller decides what it means.
            }
            // What GitHub said to wait, if anything: Retry-After first, then the reset of a used-up limit.
            let told: Date? =
                retryAfter.map { now.addingTimeInterval(max($0, 1)) } ?? (remaining == 0 ? resetOrLater : nil)
            let primary = remaining == 0 && retryAfter == nil && !isSecondary
            let until = primary ? resetOrLater : secondaryPause(at: now, told: told)
            let reason: String
            if let retryAfter {
                reason =
                    "GitHub asked sandboxd to slow down (HTTP \(response.status), Retry-After \(Int(retryAfter)) s"
                    + (until > now.addingTimeInterval(max(retryAfter, 1)) ? ", waiting longer after repeats)" : ")")
            } else if primary {
                reason = Self.usedUp
            } else {
                reason =
                    "GitHub's secondary rate limit was hit (HTTP \(response.status)); waiting \(Int(until.timeIntervalSince(now))) s"
            }
            close(until: until, reason: reason, isRateLimit: true)
            return GitHubError(.unavailable, message: reason, retryAt: until, isRateLimit: true)
        }
        if remaining == 0 {
            close(until: resetOrLater, reason: Self.usedUp, isRateLimit: true)
        }
        return nil
    }

    /// Until when a secondary limit met at `now` holds calls back: GitHub's time (`told`) the first
    /// time, else one minute; on repeats the longer of that and 1, 2, 4, … minutes.
    private func secondaryPause(at now: Date, told: Date?) -> Date {
        strikes.withLock { strikes in
            if let end = strikes.lastPauseEnd, now.timeIntervalSince(end) > Self.secondaryQuietPeriod {
                strikes.count = 0
            }
            strikes.count += 1
            let growing = min(
                Self.secondaryLimitPause * pow(2, Double(min(strikes.count - 1, 16))),
                Self.longestSecondaryPause
            )
            let floor = now.addingTimeInterval(strikes.count == 1 && told != nil ? 0 : growing)
            let until = max(told ?? floor, floor)
            strikes.lastPauseEnd = until
            return until
        }
    }

    /// Closes the gate for ``outagePause`` after GitHub failed; returns the error to throw.
    ///
    /// - Parameters:
    ///   - message: the failed call's own message (it names the call).
    ///   - cause: what failed, naming no call: the reason later calls are refused with.
    func closeForOutage(at now: Date, message: String, cause: String) -> GitHubError {
        let until = now.addingTimeInterval(Self.outagePause)
        close(until: until, reason: cause, isRateLimit: false)
        return GitHubError(.unavailable, message: message, retryAt: until)
    }

    private func close(until: Date, reason: String, isRateLimit: Bool) {
        closure.withLock { closure in
            if let current = closure, current.until >= until { return }
            closure = Closure(until: until, reason: reason, isRateLimit: isRateLimit)
        }
    }

    /// GitHub's error `message`, or the body as text.
    static func message(in body: Data) -> String {
        struct ErrorBody: Decodable { var message: String? }
        if let decoded = try? JSONDecoder().decode(ErrorBody.self, from: body), let message = decoded.message {
            return message
        }
        return String(decoding: body.prefix(512), as: UTF8.self)
    }
}
