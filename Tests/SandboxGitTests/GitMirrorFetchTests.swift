import Foundation
import SandboxGit
import SandboxTesting
import Testing

@Suite("GitMirror.fetch: the branch's head, one commit at a time")
struct GitMirrorFetchTests {
    @Test("the first fetch makes a bare clone under the state directory and returns the branch's head")
    func firstFetch() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let remote = try await TestRemote(in: scratch)
        let id = try await remote.publish(
            ["desired-state/pool.json": poolJSON],
            message: "Open the pool\n\nWith two slots."
        )
        let mirror = scratch.mirror(try GitRemote(url: remote.url))

        let result = try await mirror.fetch()

        #expect(result.commit.id == id)
        #expect(result.commit.subject == "Open the pool")
        #expect(result.commit.author == "Ada Lovelace")
        #expect(result.commit.committedAt == ISO8601DateFormatter().date(from: "2026-03-01T10:00:00Z"))
        #expect(result.branch == "main")
        #expect(result.previousCommitID == nil && result.changed)
        #expect(!result.rewritten && !result.recloned)
        #expect(mirror.location == scratch.url("state/git/mirror.git"))
        let bare = try await scratch.git(["--git-dir=\(mirror.location.path)", "rev-parse", "--is-bare-repository"])
        #expect(bare == "true\n")
    }

    @Test("a commit pushed after a fetch is the next fetch's head; a fetch with nothing new changes nothing")
    func newCommit() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let remote = try await TestRemote(in: scratch)
        let first = try await remote.publish(["desired-state/pool.json": poolJSON])
        let mirror = scratch.mirror(try GitRemote(url: remote.url))
        _ = try await mirror.fetch()

        let second = try await remote.publish(["desired-state/requests/alice.json": requestJSON("alice")])
        let moved = try await mirror.fetch()
        let again = try await mirror.fetch()

        #expect(moved.commit.id == second && moved.previousCommitID == first && moved.changed && !moved.rewritten)
        #expect(again.commit.id == second && again.previousCommitID == second && !again.changed)
    }

    @Test("without a branch, the remote's default branch (its HEAD) is followed")
    func defaultBranch() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let remote = try await TestRemote(in: scratch, branch: "trunk")
        try remote.write(["desired-state/pool.json": poolJSON])
        let trunk = try await remote.commit("The default branch")
        try await remote.push("trunk")
        try await remote.git(["checkout", "--quiet", "-b", "main"])
        try remote.write(["desired-state/requests/bob.json": requestJSON("bob")])
        try await remote.commit("Another branch")
        try await remote.push("main")

        let result = try await scratch.mirror(try GitRemote(url: remote.url)).fetch()

        #expect(result.branch == "trunk" && result.commit.id == trunk)
    }

    @Test("a named branch is followed, not the default one")
    func namedBranch() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let remote = try await TestRemote(in: scratch)
        try await remote.publish(["desired-state/pool.json": poolJSON])
        try await remote.git(["checkout", "--quiet", "-b", "pool-b"])
        try remote.write(["desired-state/requests/bob.json": requestJSON("bob")])
        let poolB = try await remote.commit("Pool B")
        try await remote.push("pool-b")

        let result = try await scratch.mirror(try GitRemote(url: remote.url, branch: "refs/heads/pool-b")).fetch()

        #expect(result.branch == "pool-b" && result.commit.id == poolB)
    }

    @Test("a branch deleted on the remote is branch-missing, and the message names it")
    func deletedBranch() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let remote = try await TestRemote(in: scratch)
        try await remote.publish(["desired-state/pool.json": poolJSON])
        try await remote.push("pool-b")
        let mirror = scratch.mirror(try GitRemote(url: remote.url, branch: "pool-b"))
        _ = try await mirror.fetch()

        try await remote.gitInBare(["branch", "--delete", "--force", "pool-b"])

        let error = await #expect(throws: GitError.self) { try await mirror.fetch() }
        #expect(error?.kind == .branchMissing)
        #expect(error?.message.contains("pool-b") == true)
    }

    @Test("a remote that is not there is unreachable, and the message names it")
    func unreachable() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let url = "file://\(scratch.url("no-such-repository.git").path)"

        let error = await #expect(throws: GitError.self) {
            try await scratch.mirror(try GitRemote(url: url)).fetch()
        }

        #expect(error?.kind == .unreachable)
        #expect(error?.message.contains(url) == true)
    }

    @Test("a force push is seen: the new head is not a descendant of the one fetched before")
    func forcePush() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let remote = try await TestRemote(in: scratch)
        try await remote.publish(["desired-state/pool.json": poolJSON])
        let replaced = try await remote.publish(["desired-state/requests/alice.json": requestJSON("alice")])
        let mirror = scratch.mirror(try GitRemote(url: remote.url))
        _ = try await mirror.fetch()

        try await remote.git(["reset", "--quiet", "--hard", "HEAD~1"])
        try remote.write(["desired-state/requests/bob.json": requestJSON("bob")])
        let rewritten = try await remote.commit("Rewritten history")
        try await remote.push(force: true)
        let result = try await mirror.fetch()
        let next = try await remote.publish(["desired-state/requests/carol.json": requestJSON("carol")])
        let after = try await mirror.fetch()

        #expect(result.commit.id == rewritten && result.previousCommitID == replaced && result.rewritten)
        #expect(after.commit.id == next && !after.rewritten)
    }

    @Test("a force push is seen by a new mirror too: the previous head is kept in the state directory")
    func forcePushAcrossRestarts() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let remote = try await TestRemote(in: scratch)
        try await remote.publish(["desired-state/pool.json": poolJSON])
        try await remote.publish(["desired-state/requests/alice.json": requestJSON("alice")])
        _ = try await scratch.mirror(try GitRemote(url: remote.url)).fetch()

        try await remote.git(["reset", "--quiet", "--hard", "HEAD~1"])
        try remote.write(["desired-state/requests/bob.json": requestJSON("bob")])
        try await remote.commit("Rewritten history")
        try await remote.push(force: true)

        #expect(try await scratch.mirror(try GitRemote(url: remote.url)).fetch().rewritten)
    }

    @Test(
        "an ssh remote runs ssh in batch mode unless GIT_SSH_COMMAND names its own; a refused connection is unreachable"
    )
    func sshBatchMode() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // A stand-in for ssh, first in PATH: it records its arguments and refuses, as ssh does for a closed port.
        let bin = scratch.url("fake-bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let log = scratch.url("ssh-arguments")
        let ssh = bin.appendingPathComponent("ssh")
        try Data(
            """
            #!/bin/sh
            printf '%s\n' "$@" >> '\(log.path)'
            echo 'ssh: connect to host 127.0.0.1 port 1: Connection refused' >&2
            exit 255

            """.utf8
        ).write(to: ssh)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: ssh.path)
        let path = "\(bin.path):\(Scratch.environment["PATH"] ?? "")"
        let remote = try GitRemote(url: "ssh://git@127.0.0.1:1/r.git", branch: "main")
        func loggedArguments() throws -> [String] {
            defer { try? FileManager.default.removeItem(at: log) }
            return try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map(String.init)
        }

        let batch = await #expect(throws: GitError.self) {
            try await scratch.mirror(remote, environment: ["PATH": path]).fetch()
        }
        let batchArguments = try loggedArguments()
        let own = await #expect(throws: GitError.self) {
            try await scratch.mirror(remote, environment: ["PATH": path, "GIT_SSH_COMMAND": "ssh -o Own=yes"]).fetch()
        }
        let ownArguments = try loggedArguments()

        #expect(batch?.kind == .unreachable && own?.kind == .unreachable)
        #expect(batchArguments.starts(with: ["-o", "BatchMode=yes"]) && batchArguments.contains("git@127.0.0.1"))
        #expect(ownArguments.starts(with: ["-o", "Own=yes"]) && !ownArguments.contains("BatchMode=yes"))
    }

    @Test("without git in PATH, every call fails as git-missing and says to install it")
    func gitMissing() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let empty = scratch.url("empty-bin")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let mirror = scratch.mirror(try GitRemote(url: "file:///srv/r.git"), environment: ["PATH": empty.path])

        let error = await #expect(throws: GitError.self) { try await mirror.fetch() }

        #expect(error?.kind == .gitMissing)
        #expect(error?.message.contains("install git") == true)
    }

    @Test("a git child that overruns its time is killed with its helpers, and the fetch is unreachable")
    func timeout() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let server = try LoopbackHTTPServer { _ in
            // Never answers in time: the fetch's git and its http helper wait until killed.
            try? await Task.sleep(for: .seconds(20))
            return .response(status: 500)
        }
        defer { server.stop() }
        let mirror = scratch.mirror(
            try GitRemote(url: "http://127.0.0.1:\(server.port)/r.git", branch: "main"),
            timeout: .milliseconds(500)
        )

        let error = await #expect(throws: GitError.self) { try await mirror.fetch() }

        #expect(error?.kind == .unreachable)
        #expect(error?.message.contains("did not finish") == true)
    }
}
