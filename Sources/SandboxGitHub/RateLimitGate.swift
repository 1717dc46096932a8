import Foundation
import SandboxCore
import SandboxHTTP
import Synchronization

/// Remembers when GitHub said to stop, so every call before then fails fast with
/// ``GitHubError/Kind/unavailable`` and `retryAt`, without going to the network and without
/// sleeping (docs/behaviour.md §4: no pass waits for a rate-limit reset; the request stays pending).
///
/// It closes on:
/// - any response with `X-RateLimit-Remaining: 0`, until `X-RateLimit-Reset` (the primary limit);
/// - a 403 or 429 that is a rate limit: until `Retry-After` seconds from now when given, else the
///   reset when the remaining count is 0, else one minute (GitHub's advice for secondary limits);
/// - an outage (5xx or network failure after the retries, or a timeout), for ``outagePause``, so
///   one pass meets a down or hanging GitHub once, not once per request.
final class RateLimitGate: Sendable {
    /// How long to hold off after GitHub failed (5xx or unreachable after retries, or timed out).
    static let outagePause: TimeInterval = 30
    /// How long to hold off after a secondary limit that gave no `Retry-After`.
    static let secondaryLimitPause: TimeInterval = 60
    /// How long to hold off when GitHub's reset time is already past by our clock (clock skew).
    static let pastResetPause: TimeInterval = 60

    private struct Closure {
        var until: Date
        var reason: String
        /// A rate limit (primary or secondary) rather than an outage.
        var isRateLimit: Bool
    }

    private let closure = Mutex<Closure?>(nil)

    /// The reason given while the primary limit is used up.
    static let usedUp = "GitHub's API rate limit for sandboxd's token is used up until its reset"

    /// The error to fail with now, if the gate is closed at `now`.
    func refusal(at now: Date) -> GitHubError? {
        closure.withLock { closure in
            guard let current = closure else { return nil }
            guard now < current.until else {
                closure = nil
                return nil
            }
            return GitHubError(
                .unavailable,
                message: current.reason,
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
            let until: Date
            let reason: String
            if let retryAfter {
                until = now.addingTimeInterval(max(retryAfter, 1))
                reason =
                    "GitHub asked sandboxd to slow down "
                    + "(HTTP \(response.status), Retry-After \(Int(retryAfter)) s)"
            } else if remaining == 0 {
                until = resetOrLater
                reason = Self.usedUp
            } else if isSecondary || response.status == 429 || message.contains("rate limit") {
                until = now.addingTimeInterval(Self.secondaryLimitPause)
                reason = "GitHub's secondary rate limit was hit (HTTP \(response.status))"
            } else {
                return nil  // A permission refusal, not a limit: the caller decides what it means.
            }
            close(until: until, reason: reason, isRateLimit: true)
            return GitHubError(.unavailable, message: reason, retryAt: until, isRateLimit: true)
        }
        if remaining == 0 {
            close(until: resetOrLater, reason: Self.usedUp, isRateLimit: true)
        }
        return nil
    }

    /// Closes the gate for ``outagePause`` after GitHub failed; returns the error to throw.
    func closeForOutage(at now: Date, reason: String) -> GitHubError {
        let until = now.addingTimeInterval(Self.outagePause)
        close(until: until, reason: reason, isRateLimit: false)
        return GitHubError(.unavailable, message: reason, retryAt: until)
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
