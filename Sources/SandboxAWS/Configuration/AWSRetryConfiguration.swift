/// The retry settings found in the environment or the profile; `nil` means not set, so the client's own default
/// applies.
public struct AWSRetryConfiguration: Sendable, Hashable {
    /// The retry strategies the AWS SDKs define.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// botocore's original behaviour (its default): 5 attempts, uncapped backoff, no retry quota.
        case legacy
        /// The cross-SDK standard: 3 attempts, capped jittered backoff, a retry quota.
        case standard
        /// Standard plus a client-side rate limiter.
        case adaptive
    }

    /// `AWS_RETRY_MODE` or `retry_mode`.
    public var mode: Mode?
    /// `AWS_MAX_ATTEMPTS` or `max_attempts`: total attempts including the first, at least 1.
    public var maxAttempts: Int?

    /// Creates retry settings.
    public init(mode: Mode? = nil, maxAttempts: Int? = nil) {
        self.mode = mode
        self.maxAttempts = maxAttempts
    }
}
