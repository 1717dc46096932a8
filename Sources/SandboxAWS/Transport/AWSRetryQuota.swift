import SandboxLocking

/// The retry budget shared by all calls of one client: a token bucket, as in botocore's standard mode.
///
/// Each retry takes ``retryCost`` tokens; a call that succeeds gives back what its last retry took, or
/// ``successRefund`` if it needed none. When the bucket runs dry, failures are returned without retrying, so a
/// struggling service is not hammered by every caller at once.
public final class AWSRetryQuota: Sendable {
    /// The bucket's size, and where it starts (botocore: 500).
    public let capacity: Int
    /// botocore: 5.
    public let retryCost: Int
    /// botocore: 1.
    public let successRefund: Int

    private let available: Locked<Int>

    public init(capacity: Int = 500, retryCost: Int = 5, successRefund: Int = 1) {
        self.capacity = capacity
        self.retryCost = retryCost
        self.successRefund = successRefund
        available = Locked(capacity)
    }

    public var availableTokens: Int { available.withLock { $0 } }

    /// Takes `cost` tokens if there are that many: whether the retry may go ahead.
    func acquire(_ cost: Int) -> Bool {
        available.withLock { tokens in
            guard tokens >= cost else { return false }
            tokens -= cost
            return true
        }
    }

    /// Gives tokens back, never beyond ``capacity``.
    func release(_ amount: Int) {
        available.withLock { $0 = min(capacity, $0 + amount) }
    }
}
