public import SandboxHTTP

/// Sends one AWS call over a transport, retrying under an ``AWSRetryPolicy`` and an ``AWSRetryQuota``:
/// - a response classified ``Classification/throttled`` (refused before anything was done), always;
/// - one classified ``Classification/transient`` (5xx, request timeouts) and a dropped connection, only when the
///   call is safe to repeat: a read, or a write carrying its idempotency token.
///
/// No retry starts once the call has run ``AWSRetryPolicy/maxCallDuration`` or spent
/// ``AWSRetryPolicy/maxTotalBackoff`` backing off, or when the quota is empty: the last failure is returned and the
/// next pass tries again.
public struct AWSRetryingSender: Sendable {
    public enum Classification: Sendable {
        /// 2xx.
        case success
        /// Nothing was done; retry after a delay.
        case throttled
        /// 5xx, request timeout: the service may have acted.
        case transient
        /// 4xx: do not retry.
        case final
    }

    let transport: any HTTPTransport
    let policy: AWSRetryPolicy
    let quota: AWSRetryQuota

    public init(transport: any HTTPTransport, policy: AWSRetryPolicy, quota: AWSRetryQuota) {
        (self.transport, self.policy, self.quota) = (transport, policy, quota)
    }

    /// Sends a call; `makeRequest` builds and signs attempt `attempt` of `maxAttempts` (each needs a new
    /// `X-Amz-Date`), and its timeout is replaced by the policy's.
    public func send(
        safeToRepeat: Bool,
        makeRequest: (_ attempt: Int, _ maxAttempts: Int) async throws(AWSCallError) -> HTTPRequest,
        classify: (HTTPResponse) -> Classification
    ) async throws(AWSCallError) -> HTTPResponse {
        let started = ContinuousClock.now
        var attempt = 1
        var backoffSpent = Duration.zero
        var lastRetryCost = 0
        while true {
            var request = try await makeRequest(attempt, policy.maxAttempts)
            request.timeout = policy.attemptTimeout
            let failure: AWSCallError
            let retryable: Bool
            let cost: Int
            do throws(HTTPTransportError) {
                let response = try await transport.send(request)
                switch classify(response) {
                case .success:
                    quota.release(lastRetryCost > 0 ? lastRetryCost : quota.successRefund)
                    return response
                case .throttled:
                    (retryable, cost) = (true, quota.retryCost)
                case .transient:
                    (retryable, cost) = (safeToRepeat, quota.retryCost)
                case .final:
                    (retryable, cost) = (false, 0)
                }
                failure = .response(response, attempts: attempt)
            } catch {
                // A timed-out attempt is not repeated within the call: a service that hangs would hold
                // the pass for every attempt. The call ends unanswered, and a later pass makes it again
                // with the same token, after a backoff (docs/behaviour.md §3.13, §9.4).
                let timedOut = if case .timedOut = error { true } else { false }
                (retryable, cost) = (safeToRepeat && error.isRetryable && !timedOut, quota.retryCost)
                failure = .transport(error, attempts: attempt)
            }
            guard retryable, attempt < policy.maxAttempts, !Task.isCancelled,
                policy.maxTotalBackoff == .zero || policy.maxTotalBackoff - backoffSpent >= .milliseconds(1),
                ContinuousClock.now - started < policy.maxCallDuration,
                quota.acquire(cost)
            else { throw failure }
            let delay = min(policy.delay(beforeRetry: attempt), policy.maxTotalBackoff - backoffSpent)
            if delay > .zero {
                await policy.sleep(delay)
            }
            backoffSpent += max(delay, .zero)
            lastRetryCost = cost
            attempt += 1
        }
    }
}
