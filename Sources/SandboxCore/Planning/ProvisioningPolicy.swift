public import Foundation

/// Every retry, backoff and attempt limit of sandboxd's own decisions, in one place
/// (docs/behaviour.md §3 and §9).
///
/// The planner and ``ExecutionRules`` ask it; the journal only remembers what they decided (an
/// `attemptEnded` event says whether another attempt follows), so changing a number here never
/// re-interprets an old journal.
public enum ProvisioningPolicy {
    /// Provisioning attempts before a request is `failed`.
    public static let maximumAttempts = 3
    /// Failed termination calls before a slot is `quarantined`.
    public static let maximumTerminationFailures = 5
    /// When GitHub could not tell and did not say when to come back, how long until it is asked again.
    public static let verificationRetry: TimeInterval = 60

    /// The wait before retry number `failures` (1-based): 30 s doubling, at most 15 minutes.
    public static func backoff(afterFailures failures: Int) -> TimeInterval {
        let exponent = min(max(failures - 1, 0), 10)
        return min(30 * pow(2, Double(exponent)), 900)
    }

    /// When to try again after `failures` failed tries.
    public static func retryAt(_ now: Date, afterFailures failures: Int) -> Date {
        now.addingTimeInterval(backoff(afterFailures: failures))
    }

    /// When the attempt after failed attempt number `attempt` may start, or `nil` when it was the last.
    public static func nextAttempt(after attempt: Int, now: Date) -> Date? {
        attempt >= maximumAttempts ? nil : retryAt(now, afterFailures: attempt)
    }

    /// Whether `failures` failed termination calls exhaust the retries (the slot is then quarantined).
    public static func terminationRetriesExhausted(_ failures: Int) -> Bool {
        failures >= maximumTerminationFailures
    }

    /// When a verification GitHub could not answer is asked again, when GitHub named no time itself.
    public static func verificationRetryAt(_ now: Date, suggested: Date?) -> Date {
        suggested ?? now.addingTimeInterval(verificationRetry)
    }
}
