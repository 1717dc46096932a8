import SandboxLocking

/// Counts the steps of a process (each port call, each journal append or compaction) and kills it
/// after step ``crashAt``: shared by ``CrashingCatalog``, ``CrashingGitHub`` and ``CrashingJournalStore``.
///
/// Killing means: the step's effect happened, its answer is lost, and from then on nothing the process
/// does reaches the world or the journal: every later call fails and every later append throws
/// ``SimulatedCrash``. Steps are counted whether the call succeeded or failed.
public final class CrashPoint: Sendable {
    private struct State {
        var steps = 0
        var trail: [String] = []
        var crashed = false
    }

    private let state = Locked(State())
    /// The step after which the process is killed; `nil` never kills it (a probe, or a clean run).
    public let crashAt: Int?

    /// A crash point that kills the process after step `crashAt` (from 1).
    public init(crashAt: Int?) { self.crashAt = crashAt }

    /// Steps taken so far.
    public var steps: Int { state.withLock { $0.steps } }

    /// The names of the steps taken so far, in order (`catalog.provision`, `github.postComment`, `journal.append`).
    public var trail: [String] { state.withLock { $0.trail } }

    /// Whether the process has been killed.
    public var hasCrashed: Bool { state.withLock { $0.crashed } }

    /// Throws when the process has been killed: nothing may happen any more.
    public func checkAlive() throws(SimulatedCrash) {
        let steps = state.withLock { $0.crashed ? $0.steps : nil }
        if let steps { throw SimulatedCrash(step: steps) }
    }

    /// Counts a step that has just happened; throws (and kills the process) when it is step ``crashAt``.
    public func step(_ name: String) throws(SimulatedCrash) {
        let killed = state.withLock { state -> Int? in
            guard !state.crashed else { return state.steps }
            state.steps += 1
            state.trail.append(name)
            if state.steps == crashAt { state.crashed = true }
            return state.crashed ? state.steps : nil
        }
        if let killed { throw SimulatedCrash(step: killed) }
    }

    /// Runs `body` as the life of one process; returns whether it was killed.
    ///
    /// An error thrown after the kill is how the executor died (a journal append refused, for one) and is
    /// swallowed; an error thrown before it is a real failure and is rethrown.
    public func run(_ body: () async throws -> Void) async throws -> Bool {
        do {
            try await body()
        } catch  where hasCrashed {
            return true
        }
        return hasCrashed
    }
}
