import SandboxLocking

/// API calls by service, operation and outcome, counted since the process started.
public final class APICallCounter: Sendable {
    public struct Key: Hashable, Sendable {
        public var service: String
        public var operation: String
        public var outcome: String
    }

    private let counts = Locked<[Key: Int]>([:])

    public init() {}

    public func record(service: String, operation: String, outcome: String) {
        counts.withLock { $0[Key(service: service, operation: operation, outcome: outcome), default: 0] += 1 }
    }

    public var snapshot: [Key: Int] { counts.withLock { $0 } }
}
