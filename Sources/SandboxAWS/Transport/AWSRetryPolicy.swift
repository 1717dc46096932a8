/// How AWS calls are retried: how many attempts, how long to back off, how long each attempt may take.
///
/// The delay before retry *n* (1-based) is full jitter over a capped exponential:
/// `random() × min(baseDelay × 2^(n−1), maxDelay)`, as botocore's standard mode does, and the delays of one call
/// add up to ``maxTotalBackoff`` at most (docs/behaviour.md §4: no pass waits long; what still fails is left
/// to the next pass).
///
/// ``random`` and ``sleep`` are injectable so tests neither sleep nor depend on chance.
public struct AWSRetryPolicy: Sendable {
    /// Total attempts, the first included (botocore standard mode: 3). At least 1.
    public var maxAttempts: Int
    /// The scale of the first delay.
    public var baseDelay: Duration
    /// The largest single delay.
    public var maxDelay: Duration
    /// The most one call may spend backing off, all retries together.
    public var maxTotalBackoff: Duration
    /// How long one attempt (connect, send, wait, receive) may take.
    public var attemptTimeout: Duration
    /// No retry starts once a call has run this long, so an endpoint that swallows requests costs a call about two
    /// attempt timeouts, not ``maxAttempts`` of them.
    public var maxCallDuration: Duration
    /// Returns a number in `[0, 1)`: the jitter.
    public var random: @Sendable () -> Double
    /// Waits for a duration (returns early when the task is cancelled).
    public var sleep: @Sendable (Duration) async -> Void

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - maxAttempts: Total attempts including the first; 3 by default.
    ///   - baseDelay: The scale of the first delay; 1 second by default.
    ///   - maxDelay: The largest single delay; 4 seconds by default.
    ///   - maxTotalBackoff: The most one call backs off in total; 5 seconds by default.
    ///   - attemptTimeout: The limit for one attempt; 10 seconds by default.
    ///   - maxCallDuration: No retry starts after a call has run this long; 15 seconds by default.
    ///   - random: The jitter source; the system generator by default.
    ///   - sleep: How to wait; `Task.sleep` by default.
    public init(
        maxAttempts: Int = 3,
        baseDelay: Duration = .seconds(1),
        maxDelay: Duration = .seconds(4),
        maxTotalBackoff: Duration = .seconds(5),
        attemptTimeout: Duration = .seconds(10),
        maxCallDuration: Duration = .seconds(15),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        sleep: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxTotalBackoff = maxTotalBackoff
        self.attemptTimeout = attemptTimeout
        self.maxCallDuration = maxCallDuration
        self.random = random
        self.sleep = sleep
    }

    /// The delay before retry number `retry` (1 for the first retry), before the total cap is applied.
    ///
    /// - Parameter retry: 1 for the delay after the first failed attempt, 2 after the second, …
    /// - Returns: `random() × min(baseDelay × 2^(retry−1), maxDelay)`.
    public func delay(beforeRetry retry: Int) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        let scaled = baseDelay * (1 << exponent)
        let capped = min(scaled, maxDelay)
        let jitter = min(max(random(), 0), 1)
        return capped * jitter
    }
}
