import Foundation
import SandboxCore
import SandboxGit
import SandboxRuntime
import SandboxLocking

/// Where the passes of one command read the desired state from (docs/behaviour.md §4.9): the
/// `--desired-state` directory as it is (with its work tree's commit when it is in one), or one fetched
/// commit of `--git-remote`.
///
/// With a remote, a pass fetches when a fetch is due — the first pass, `--interval` after the last
/// fetch, or at once after the branch watch saw the head move (``branchMoved()``) — and otherwise
/// reads the commit it has. A failed fetch keeps serving the last fetched commit, with a
/// `git-fetch-failed` problem on every pass until a fetch works: a fetch failure never releases a sandbox.
final class DesiredStateSource: Sendable {
    private enum Mode {
        case directory(String)
        case remote(GitMirror, displayPath: String)
    }

    private struct Served {
        var commit: GitCommit
        var desired: DesiredState
    }

    private struct FetchState {
        var served: Served?
        var lastFetch: Date?
        var moved = true
        var branch: String?
    }

    private let mode: Mode
    private let fetchInterval: TimeInterval
    private let clock: any SandboxClock
    private let logger: Logger
    private let fetchState = Locked(FetchState())

    /// The directory as it is.
    init(directory: String, clock: any SandboxClock, logger: Logger) {
        mode = .directory(directory)
        fetchInterval = 0
        self.clock = clock
        self.logger = logger
    }

    /// One fetched commit of a remote, fetched at most every `fetchInterval` unless the branch moved.
    init(mirror: GitMirror, displayPath: String, fetchInterval: TimeInterval, clock: any SandboxClock, logger: Logger) {
        mode = .remote(mirror, displayPath: displayPath)
        self.fetchInterval = fetchInterval
        self.clock = clock
        self.logger = logger
    }

    /// The branch watch saw the head move: the next load fetches at once.
    func branchMoved() {
        fetchState.withLock { $0.moved = true }
    }

    /// The branch followed, once a fetch found it (the remote's default branch when none was named).
    var branch: String? { fetchState.withLock { $0.branch } }

    /// The commit served now, if any.
    var commitID: String? { fetchState.withLock { $0.served?.commit.id } }

    /// The desired state for a pass.
    /// - Parameter fetching: whether a remote may be fetched (`status` reads what was fetched last).
    func load(fetching: Bool = true) async -> DesiredState {
        switch mode {
        case .directory(let directory):
            var desired = DesiredStateLoader(directory: directory).load()
            if let tree = await GitWorkTree.describe(directory: directory) {
                desired.revision = DesiredStateRevision(commit: tree.id, dirty: tree.dirty)
            }
            return desired
        case .remote(let mirror, let displayPath):
            return await loadRemote(mirror, displayPath: displayPath, fetching: fetching)
        }
    }

    private func loadRemote(_ mirror: GitMirror, displayPath: String, fetching: Bool) async -> DesiredState {
        let now = clock.now()
        let due = fetchState.withLock { state in
            state.served == nil || state.moved
                || (state.lastFetch.map { now.timeIntervalSince($0) >= fetchInterval } ?? true)
        }
        guard fetching, due else { return served() ?? unavailable(nil) }
        fetchState.withLock {
            $0.moved = false
            $0.lastFetch = now
        }
        let result: GitFetchResult
        do {
            result = try await mirror.fetch()
        } catch {
            logger.warning("git fetch failed", ["error": error.message])
            return served(problem: Self.problem(error)) ?? unavailable(Self.problem(error))
        }
        fetchState.withLock { $0.branch = result.branch }
        if let reason = result.recloneReason {
            logger.warning("the git clone was damaged and has been cloned again", ["reason": reason])
        }
        if let current = fetchState.withLock({ $0.served }), current.commit == result.commit {
            return current.desired
        }
        if result.rewritten {
            logger.warning(
                "the branch's history was rewritten (a force push): following it",
                ["commit": result.commit.id]
            )
        }
        do {
            let snapshot = try await mirror.snapshot(of: result.commit, displayPath: displayPath)
            var desired = DesiredStateParser.parse(snapshot)
            desired.revision = DesiredStateRevision(
                commit: result.commit.id,
                committedAt: result.commit.committedAt,
                subject: result.commit.subject
            )
            fetchState.withLock { $0.served = Served(commit: result.commit, desired: desired) }
            return desired
        } catch {
            return served(problem: Self.problem(error)) ?? unavailable(Self.problem(error))
        }
    }

    /// The commit served last, with `problem` when it is served because the newest could not be read.
    private func served(problem: PassProblem? = nil) -> DesiredState? {
        guard var desired = fetchState.withLock({ $0.served?.desired }) else { return nil }
        desired.sourceProblem = problem
        return desired
    }

    /// No commit was ever fetched: no pool, so the pass changes nothing.
    private func unavailable(_ problem: PassProblem?) -> DesiredState {
        var desired = DesiredState(pool: nil, requestsDirectoryExists: false)
        desired.sourceProblem = problem
        return desired
    }

    static func problem(_ error: GitError) -> PassProblem {
        PassProblem(
            .gitFetchFailed,
            message: "\(error.message); the last fetched commit is still served, and nothing is released because of it"
        )
    }
}
