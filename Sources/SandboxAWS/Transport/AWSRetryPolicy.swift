/// How AWS calls are retried: how many attempts, how long to back off, how long each attempt may take.
///
/// The delay before retry *n* (1-based) is full jitter over a capped exponential,
/// `random() × min(baseDelay × 2^(n−1), maxDelay)`, as in botocore's standard mode, and the delays of one call add
/// up to ``maxTotalBackoff`` at most: no pass waits long, what still fails is left to the next pass
/// (docs/behaviour.md §4). ``random`` and ``sleep`` are injectable so tests neither sleep nor depend on chance.
public struct AWSRetryPolicy: Sendable {
    /// Total attempts, the first included; at least 1.
    public var maxAttempts: Int
    /// The scale of the first delay.
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// The most one call spends backing off, all retries together.
    public var maxTotalBackoff: Duration
    /// How long one attempt (connect, send, wait, receive) may take.
    public var attemptTimeout: Duration
    /// No retry starts once a call has run this long, so an endpoint that swallows requests costs a call about two
    /// attempt timeouts, not ``maxAttempts`` of them.
    public var maxCallDuration: Duration
    /// A number in `[0, 1)`: the jitter.
    public var random: @Sendable () -> Double
    /// Returns early when the task is cancelled.
    public var sleep: @Sendable (Duration) async -> Void

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

    /// The delay before retry `retry` (1 after the first failed attempt), before the total cap is applied.
    public func delay(beforeRetry retry: Int) -> Duration {
        let scaled = baseDelay * (1 << min(max(retry - 1, 0), 30))
        return min(scaled, maxDelay) * min(max(random(), 0), 1)
    }
}
