import Glibc
import SandboxLocking

/// What is known of a running ``GitChild``, shared by the threads that read its streams, Foundation's
/// termination handler, the timer and the task waiting for the outcome.
///
/// The outcome is ready once the child has exited and both of its streams are closed (a stream that a
/// grandchild keeps open is drained and given up by its reader, see ``GitChildStreams``).
final class GitChildProgress: Sendable {
    /// The most bytes of error output kept: enough for git's messages, which are quoted shortened anyway.
    static let errorOutputLimit = 65_536

    private struct State {
        var output: [UInt8] = []
        var errorOutput: [UInt8] = []
        var openStreams = 2
        var processGroup: pid_t?
        var exit: GitChild.Outcome.Ending?
        var forcedEnding: GitChild.Outcome.Ending?
        var outcome: GitChild.Outcome?
        var waiter: CheckedContinuation<GitChild.Outcome, Never>?
    }

    private let state = Locked(State())
    private let outputLimit: Int

    /// Creates the record of a child that may write `outputLimit` bytes of output.
    init(outputLimit: Int) {
        self.outputLimit = outputLimit
    }

    /// The child runs as `processIdentifier`, the leader of its own process group.
    func started(processIdentifier: pid_t) {
        let ending = state.withLock { state -> GitChild.Outcome.Ending? in
            state.processGroup = processIdentifier
            return state.forcedEnding
        }
        // Cancelled before it started: kill it now.
        if let ending { stop(ending) }
    }

    /// Whether the child has exited (its streams may still be open).
    var hasExited: Bool { state.withLock { $0.exit != nil } }

    /// Keeps bytes the child wrote; kills it when its output goes over the limit.
    func append(_ bytes: ArraySlice<UInt8>, isErrorOutput: Bool) {
        let overflow = state.withLock { state -> Bool in
            if isErrorOutput {
                state.errorOutput += bytes.prefix(max(0, Self.errorOutputLimit - state.errorOutput.count))
                return false
            }
            let room = outputLimit - state.output.count
            state.output += bytes.prefix(max(0, room))
            return bytes.count > room
        }
        if overflow { stop(.outputTooLarge) }
    }

    /// One of the child's streams reached its end (or was given up).
    func streamClosed() {
        finish { $0.openStreams -= 1 }
    }

    /// Foundation saw the child end.
    func exited(_ ending: GitChild.Outcome.Ending) {
        finish { $0.exit = ending }
    }

    /// Kills the child's process group, unless it has already exited, and records why; the first reason wins.
    func stop(_ ending: GitChild.Outcome.Ending) {
        state.withLock { state in
            guard state.exit == nil else { return }
            if state.forcedEnding == nil { state.forcedEnding = ending }
            guard let group = state.processGroup else { return }
            // Foundation starts each child as the leader of a new group; git's helpers (remote-https, ssh,
            // upload-pack) are in it too. Kill only the child if that ever changes.
            _ = getpgid(group) == group ? kill(-group, SIGKILL) : kill(group, SIGKILL)
        }
    }

    /// Waits for the outcome.
    func outcome() async -> GitChild.Outcome {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> GitChild.Outcome? in
                if state.outcome == nil { state.waiter = continuation }
                return state.outcome
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Applies `change`, then hands out the outcome when the child has exited and its streams are closed.
    private func finish(_ change: (inout State) -> Void) {
        let delivery = state.withLock { state -> (CheckedContinuation<GitChild.Outcome, Never>?, GitChild.Outcome)? in
            change(&state)
            guard state.outcome == nil, let exit = state.exit, state.openStreams == 0 else { return nil }
            let outcome = GitChild.Outcome(
                ending: state.forcedEnding ?? exit,
                output: state.output,
                errorOutput: state.errorOutput
            )
            state.outcome = outcome
            defer { state.waiter = nil }
            return (state.waiter, outcome)
        }
        if let (waiter, outcome) = delivery { waiter?.resume(returning: outcome) }
    }
}
