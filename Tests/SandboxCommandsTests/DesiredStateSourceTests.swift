import Foundation
import SandboxCore
import SandboxGit
import SandboxRuntime
import SandboxTesting
import Testing

@testable import SandboxCommands

/// docs/behaviour.md §4.9: what a pass reads when the remote fails, when the branch moved, and the commit
/// of a directory inside a work tree.
@Suite("where the passes read the desired state from")
struct DesiredStateSourceTests {
    @Test(
        "a remote that fails keeps serving the last fetched commit, with git-fetch-failed; a fetch is made only when due"
    )
    func lastCommitIsKept() async throws {
        let scene = try RemoteModeCommandTests.Scene()
        defer { scene.stop() }
        let repository = try GitRemoteCommandTests.Repository(scene: scene)
        let first = try repository.publish(
            [
                "desired-state/pool.json": GitRemoteCommandTests.pool,
                "desired-state/requests/alice-sbx.json": GitRemoteCommandTests.request("alice", pr: 1),
            ],
            message: "alice"
        )
        let clock = ManualClock()
        let source = DesiredStateSource(
            mirror: GitMirror(
                remote: try GitRemote(url: "file://" + repository.bare),
                stateDirectory: URL(fileURLWithPath: scene.directory.path("state"))
            ),
            displayPath: "remote",
            fetchInterval: 60,
            clock: clock,
            logger: .silent
        )
        let fetched = await source.load()
        #expect(fetched.revision?.commit == first)
        #expect(fetched.requests.count == 1)

        // A new commit is not fetched before the interval, unless the branch moved.
        let second = try repository.publish(
            ["desired-state/requests/bob-sbx.json": GitRemoteCommandTests.request("bob", pr: 2)],
            message: "bob"
        )
        #expect(await source.load().revision?.commit == first)
        source.branchMoved()
        #expect(await source.load().revision?.commit == second)

        // The remote goes away: the last commit is served, with the problem, on every load.
        try FileManager.default.moveItem(atPath: repository.bare, toPath: repository.bare + ".gone")
        for _ in 0..<2 {
            clock.advance(by: 61)
            let kept = await source.load()
            #expect(kept.revision?.commit == second)
            #expect(kept.requests.count == 2)
            #expect(kept.sourceProblem?.kind == .gitFetchFailed, "\(String(describing: kept.sourceProblem))")
        }
    }

    @Test("without a remote, a directory inside a work tree names its HEAD, and whether it has changes")
    func workTreeCommit() async throws {
        let scene = try RemoteModeCommandTests.Scene()
        defer { scene.stop() }
        let repository = try GitRemoteCommandTests.Repository(scene: scene)
        let head = try repository.publish(["desired-state/pool.json": GitRemoteCommandTests.pool], message: "pool")
        let source = DesiredStateSource(
            directory: repository.work + "/desired-state",
            clock: ManualClock(),
            logger: .silent
        )
        #expect(await source.load().revision == DesiredStateRevision(commit: head, dirty: false))
        try GitRemoteCommandTests.request("alice", pr: 1)
            .write(toFile: repository.work + "/desired-state/requests.json", atomically: true, encoding: .utf8)
        #expect(await source.load().revision == DesiredStateRevision(commit: head, dirty: true))
    }
}
