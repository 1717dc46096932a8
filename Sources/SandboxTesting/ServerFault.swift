import SandboxLocking

/// A standing fault a fake server applies to every request of one operation (Service Catalog) or route
/// (GitHub) until it is changed or cleared — unlike the scripted faults, which are used up one call at a time.
///
/// Every request is recorded in the fake's request log first, faulted or not, so a test can count how
/// many arrived. The fake's own checks (signature, model, required headers) still come first: a request
/// the real service would refuse is refused as before, and is not faulted.
///
/// ```swift
/// catalog.injectFault(.hang, on: "ProvisionProduct")
/// github.injectFault(.endlessBody, on: .user)
/// catalog.injectFault(.clear, on: "ProvisionProduct")
/// ```
public enum ServerFault: Sendable, Hashable {
    /// Reads the request and never answers it, leaving the connection open, until the fault is changed
    /// or cleared (held requests then follow the new setting: cleared, they are answered normally) or
    /// the fake stops (they are then dropped). The client's own timeout is what ends the exchange; the
    /// server goes on serving every other connection meanwhile.
    case hang
    /// Answers `200` with a chunked body that never ends (``ServerReply/endlessChunks(status:headers:)``:
    /// until the client closes the connection, or 32 MiB have gone out).
    case endlessBody
    /// Removes the fault: requests are answered normally again, held ones included.
    case clear
}

/// The standing faults of one fake, by key, and the requests ``ServerFault/hang`` holds.
///
/// A held request waits on a continuation, not a thread: the handler task is suspended, and the
/// connection's own thread waits for its reply as for any slow handler.
final class FaultBoard<Key: Hashable & Sendable>: Sendable {
    /// What a request does after the board had its say.
    enum Outcome: Sendable, Equatable {
        /// No fault: answer normally.
        case proceed
        /// Answer with an endless body.
        case endlessBody
        /// The fake stopped while the request was held: drop it.
        case stopped
    }

    private enum Standing {
        case hang, endlessBody
    }

    private struct State {
        var faults: [Key: Standing] = [:]
        /// Held requests: resumed with `nil` to look at the board again.
        var held: [Key: [CheckedContinuation<Outcome?, Never>]] = [:]
        var stopped = false
    }

    private let state = Locked(State())

    /// Sets (or, with ``ServerFault/clear``, removes) the fault on `key`; requests it held look again.
    func set(_ fault: ServerFault, on key: Key) {
        let released = state.withLock { state in
            switch fault {
            case .hang: state.faults[key] = .hang
            case .endlessBody: state.faults[key] = .endlessBody
            case .clear: state.faults[key] = nil
            }
            return state.held.removeValue(forKey: key) ?? []
        }
        for request in released { request.resume(returning: nil) }
    }

    /// How many requests a ``ServerFault/hang`` holds now.
    var heldCount: Int {
        state.withLock { $0.held.values.reduce(0) { $0 + $1.count } }
    }

    /// What a request for `key` does; waits for as long as `key` hangs.
    func intercept(_ key: Key) async -> Outcome {
        while true {
            let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Outcome?, Never>) in
                state.withLock { state in
                    guard !state.stopped else { return continuation.resume(returning: .stopped) }
                    switch state.faults[key] {
                    case nil: continuation.resume(returning: .proceed)
                    case .endlessBody?: continuation.resume(returning: .endlessBody)
                    case .hang?: state.held[key, default: []].append(continuation)
                    }
                }
            }
            if let outcome { return outcome }
        }
    }

    /// Releases every held request as ``Outcome/stopped``, and stops holding new ones. Calling it again does nothing.
    func stop() {
        let released = state.withLock { state in
            state.stopped = true
            defer { state.held = [:] }
            return state.held.values.flatMap { $0 }
        }
        for request in released { request.resume(returning: .stopped) }
    }
}
