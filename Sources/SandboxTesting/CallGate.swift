import SandboxLocking

/// Holds calls until a test opens it: the "hang" of ``InMemoryCatalog/hanging(at:)``.
///
/// A call arriving at a closed gate waits; ``open()`` lets every waiting call and all later ones through.
/// ``arrivals(_:)`` lets the test wait until the calls it expects are held.
public final class CallGate: Sendable {
    private struct State {
        var isOpen = false
        var arrived = 0
        var held: [CheckedContinuation<Void, Never>] = []
        var watchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Locked(State())

    /// A closed gate.
    public init() {}

    /// How many calls have arrived so far (held or let through).
    public var arrived: Int { state.withLock { $0.arrived } }

    /// Waits here until the gate is open.
    public func pass() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumed = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.arrived += 1
                if state.isOpen {
                    continuation.resume()
                } else {
                    state.held.append(continuation)
                }
                let due = state.watchers.filter { $0.count <= state.arrived }.map(\.continuation)
                state.watchers.removeAll { $0.count <= state.arrived }
                return due
            }
            for watcher in resumed { watcher.resume() }
        }
    }

    /// Returns once `count` calls have arrived at the gate.
    public func arrivals(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.arrived >= count { return true }
                state.watchers.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Lets every held call and every later one through.
    public func open() {
        let held = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.isOpen = true
            defer { state.held = [] }
            return state.held
        }
        for continuation in held { continuation.resume() }
    }
}
