import SandboxLocking

/// Numbers the calls an interceptor sees, from 1.
final class CallCounter: Sendable {
    private let count = Locked(0)

    /// The number of this call.
    func next() -> Int {
        count.withLock { value in
            value += 1
            return value
        }
    }
}
