public import Foundation

/// Every retry, backoff and attempt limit of sandboxd's own decisions, in one place
/// (docs/behaviour.md §3, §5 and §9): this file is the only one that computes when something is
/// tried again — provisioning attempts, terminations, and verifications (``VerificationPolicy``'s
/// schedule, below).
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

    /// The number of the attempt that follows attempt `attempt`.
    public static func attempt(after attempt: Int) -> Int { attempt + 1 }

    /// When the attempt after failed attempt number `attempt` may start, or `nil` when it was the last.
    public static func nextAttempt(after attempt: Int, now: Date) -> Date? {
        attempt >= maximumAttempts ? nil : retryAt(now, afterFailures: attempt)
    }

    /// When a termination (a request's product or an orphan) that had failed `failedBefore` times and
    /// failed again is tried next.
    public static func terminationRetryAt(_ now: Date, failedBefore: Int) -> Date {
        retryAt(now, afterFailures: failedBefore + 1)
    }

    /// When a provisioning call Service Catalog refused outright (nothing was made) is made again: not
    /// within the pass that met the refusal, and not sooner than a minute.
    public static func refusedProvisionRetryAt(_ now: Date) -> Date {
        now.addingTimeInterval(refusedProvisionRetry)
    }

    /// How long a refused provisioning call waits before it is made again.
    public static let refusedProvisionRetry: TimeInterval = 60

    /// Whether `failures` failed termination calls exhaust the retries (the slot is then quarantined).
    public static func terminationRetriesExhausted(_ failures: Int) -> Bool {
        failures >= maximumTerminationFailures
    }

    /// How soon a product or record in flight (provisioning, terminating, or a lease ended whose
    /// product is still changing) is looked at again, given how long it has been in flight: every
    /// second for the first 10 s, every 2 s until a minute, then every 3 s. One look is one listing of
    /// the pool (⌈live/100⌉ SearchProvisionedProducts calls), so a pool with work in flight makes at
    /// most one listing every 3 s after the first minute, far inside Service Catalog's throttling,
    /// and a product that becomes available is seen within 3 s (docs/behaviour.md §4).
    public static func pollInterval(inFlightFor elapsed: TimeInterval) -> TimeInterval {
        elapsed < 10 ? 1 : elapsed < 60 ? 2 : 3
    }

    /// The wait before a call that got no answer (a timeout, an outage, throttling) is made again,
    /// after `failures` such answers in a row: 2 s doubling, at most 2 minutes. Never within the pass
    /// that met it (docs/behaviour.md §4).
    public static func unansweredCallBackoff(afterFailures failures: Int) -> TimeInterval {
        let exponent = min(max(failures - 1, 0), 10)
        return min(2 * pow(2, Double(exponent)), 120)
    }

    /// How long the daemon waits before its next pass after `passes` passes in a row that met an
    /// unreachable, throttling or refusing Service Catalog: 2 s doubling, at most a minute, so an
    /// outage is not met once a second by the poll cadence (docs/behaviour.md §4).
    public static func troubledPassBackoff(_ passes: Int) -> TimeInterval {
        min(2 * pow(2, Double(min(max(passes - 1, 0), 10))), 60)
    }

    /// How long the pool's product and artifact check holds when nothing names them (docs/behaviour.md §4).
    public static let productCheckInterval: TimeInterval = 600

    /// When a verification GitHub could not answer is asked again, when GitHub named no time itself.
    public static func verificationRetryAt(_ now: Date, suggested: Date?) -> Date {
        suggested ?? now.addingTimeInterval(verificationRetry)
    }
}

/// The numbers of verification (docs/behaviour.md §5) and every re-check time: the unmerged-PR
/// grace and its backoff, and the retries when GitHub cannot tell or cannot be asked. This is the
/// only place that computes when a pending verification is asked again.
extension VerificationPolicy {
    /// How long after sandboxd first saw a request an unmerged pull request is waited for.
    public static let mergeGrace: TimeInterval = 600
    /// When a membership cannot be seen (or the token is refused), how long until it is asked again.
    public static let cannotTellRetry: TimeInterval = 900
    /// When GitHub failed without saying when to come back, how long until it is asked again.
    public static let failureRetry: TimeInterval = 60
    /// The `ghost` account's id: the account deleted users become.
    public static let ghostID: Int64 = 10137
    /// GitHub lists at most this many files of a pull request.
    public static let listedFilesLimit = 3000
    /// The statuses of the request file among a pull request's changes that count (`renamed`: see
    /// ``VerificationPolicy/nextStep(for:given:)``).
    public static let acceptedFileStatuses: Set<String> = ["added", "modified", "renamed"]

    /// When an unmerged pull request is checked again, or `nil` once the grace is over.
    ///
    /// Backoff: every 15 s in the first minute after `firstSeen`, every 30 s until 4 minutes, then
    /// every minute, never past the deadline (`firstSeen` + ``mergeGrace``).
    static func mergeRecheck(firstSeen: Date, now: Date) -> (deadline: Date, retryAt: Date)? {
        let deadline = firstSeen.addingTimeInterval(mergeGrace)
        guard now < deadline else { return nil }
        let elapsed = now.timeIntervalSince(firstSeen)
        let step: TimeInterval = elapsed < 60 ? 15 : elapsed < 240 ? 30 : 60
        return (deadline, min(now.addingTimeInterval(step), deadline))
    }

    /// Whether a pull request closed unmerged at `closedAt` was closed longer ago than the merge grace:
    /// no merge is reported that late, so it was closed without merging.
    static func isPastMergeGrace(closedAt: Date, now: Date) -> Bool {
        now >= closedAt.addingTimeInterval(mergeGrace)
    }

    /// When a check that met something passing (a rename, a missing creation time) is asked again.
    static func failureRecheck(now: Date) -> Date { now.addingTimeInterval(failureRetry) }

    /// When a membership that cannot be seen is asked again.
    static func cannotTellRecheck(now: Date) -> Date { now.addingTimeInterval(cannotTellRetry) }

    /// How soon a request is asked again after GitHub showed sandboxd's setup to be wrong (an invisible
    /// repository, an App not installed): soon enough that a fix is seen within minutes.
    public static let configurationRetry: TimeInterval = 120

    /// When a request is asked again after a configuration problem met at `now`.
    static func configurationRecheck(now: Date) -> Date { now.addingTimeInterval(configurationRetry) }

    /// How soon a request is asked again when `--local`'s facts file is invalid (the user is editing it).
    public static let invalidFactsRetry: TimeInterval = 5

    /// When a request is asked again after `--local`'s facts file was found invalid at `now`.
    public static func invalidFactsRecheck(now: Date) -> Date { now.addingTimeInterval(invalidFactsRetry) }

    /// The outcome when GitHub could not be asked: pending, never rejected.
    ///
    /// - Parameters:
    ///   - error: What the port threw.
    ///   - request: The request being verified (its `now` is the base of the retry time).
    /// - Returns: `pending` with GitHub's `retryAt` when it gave one, else 60 s (outage) or 15
    ///   minutes (refused token, unexpected answer) from `now`.
    public func outcome(after error: GitHubError, request: VerificationRequest) -> VerificationOutcome {
        switch error.kind {
        case .unavailable:
            return .pending(
                reason: "GitHub is unavailable or rate-limited (\(error.message)); checking again later",
                retryAt: error.retryAt ?? Self.failureRecheck(now: request.now)
            )
        case .misconfigured:
            return .pending(
                reason: "sandboxd's GitHub setup is wrong (\(error.message)); the operator must fix it",
                retryAt: error.retryAt ?? Self.configurationRecheck(now: request.now)
            )
        case .unauthorized:
            return .pending(
                reason: "GitHub refused sandboxd's token (\(error.message)); the operator must fix the token "
                    + "or its permissions",
                retryAt: error.retryAt ?? Self.cannotTellRecheck(now: request.now)
            )
        case .notFound, .rejected:
            return .pending(
                reason: "GitHub gave an unexpected answer (\(error.message)); checking again later",
                retryAt: error.retryAt ?? Self.cannotTellRecheck(now: request.now)
            )
        }
    }
}
