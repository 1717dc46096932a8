import Foundation
import SandboxCore
import SandboxRuntime
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("DesiredStateLoader")
struct DesiredStateLoaderTests {
    @Test("a symbolic link is reported and never followed")
    func symbolicLinks() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("outside.json", #"{"requester": "mallory", "pullRequest": 1}"#)
        try directory.createDirectory("ds/requests")
        try directory.symlink("ds/requests/a.json", to: directory.path("outside.json"))
        try directory.symlink("ds/pool.json", to: directory.path("outside.json"))
        try directory.createDirectory("elsewhere")
        try directory.symlink("ds/templates", to: directory.path("elsewhere"))

        let snapshot = DesiredStateLoader(directory: directory.path("ds")).snapshot()
        #expect(snapshot.poolFile == .symbolicLink)
        #expect(snapshot.requestFiles == [FileEntry(name: "a.json", content: .symbolicLink)])
        #expect(snapshot.templatesDirectory == .symbolicLink)
        #expect(snapshot.templateFiles.isEmpty)
    }

    @Test("a linked requests/ is not followed and counts as missing")
    func linkedRequestsDirectory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.createDirectory("real")
        try directory.write("real/a.json", "{}")
        try directory.createDirectory("ds")
        try directory.symlink("ds/requests", to: directory.path("real"))
        let loader = DesiredStateLoader(directory: directory.path("ds"))
        #expect(loader.snapshot().requestsDirectory == .symbolicLink)
        #expect(loader.load().requestsDirectoryExists == false)
    }

    @Test("sizes are checked before reading: 64 KiB is read, one byte more is not")
    func sizeLimit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("exact.json", bytes: Array(repeating: 0x20, count: 65_536))
        try directory.write("over.json", bytes: Array(repeating: 0x20, count: 70 * 1024))
        #expect(
            DesiredStateLoader.readFile(at: directory.path("exact.json"))
                == .bytes(Array(repeating: 0x20, count: 65_536))
        )
        #expect(DesiredStateLoader.readFile(at: directory.path("over.json")) == .tooLarge(size: 71_680))
    }

    @Test("a directory, a named pipe or a missing file in requests/ is not read as a file")
    func specialFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.createDirectory("sub.json")
        #expect(mkfifo(directory.path("pipe.json"), 0o600) == 0)
        #expect(DesiredStateLoader.readFile(at: directory.path("sub.json")) == .notRegularFile(kind: "a directory"))
        #expect(DesiredStateLoader.readFile(at: directory.path("pipe.json")) == .notRegularFile(kind: "a named pipe"))
        guard case .unreadable = DesiredStateLoader.readFile(at: directory.path("gone.json")) else {
            Issue.record("a vanished file is unreadable")
            return
        }
    }

    @Test("a whole directory loads into the desired state, with paths as the user named it")
    func loadsDirectory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(
            "ds/pool.json",
            #"{"capacity": 1, "product": {"productId": "prod-a", "provisioningArtifactId": "pa-a"}}"#
        )
        try directory.write("ds/requests/a.json", #"{"requester": "alice", "pullRequest": 1}"#)
        try directory.write("ds/requests/b.json", "{")
        try directory.write("ds/requests/.gitkeep", "")
        try directory.write("ds/templates/ready.md", "ready")
        let state = DesiredStateLoader(directory: directory.path("ds") + "/").load()
        #expect(state.pool?.capacity == 1)
        #expect(state.requests[RequestID("a")!]?.spec?.requester == "alice")
        #expect(state.requests[RequestID("b")!]?.spec == nil)
        #expect(state.templates[.ready] == "ready")
        #expect(state.diagnostics.map(\.path) == [directory.path("ds") + "/requests/b.json"])
        #expect(state.repositoryPathPrefix == "desired-state")
    }

    @Test("the repository path prefix is the directory's path inside its git work tree")
    func repositoryPathPrefix() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.createDirectory("repo/.git")
        try directory.createDirectory("repo/deploy/pool-a")
        try directory.createDirectory("worktree/desired-state")
        try directory.write("worktree/.git", "gitdir: /elsewhere/.git/worktrees/x\n")
        try directory.createDirectory("plain/desired-state")

        #expect(DesiredStateLoader.repositoryPathPrefix(of: directory.path("repo/deploy/pool-a")) == "deploy/pool-a")
        #expect(DesiredStateLoader.repositoryPathPrefix(of: directory.path("repo/deploy/pool-a/")) == "deploy/pool-a")
        #expect(DesiredStateLoader.repositoryPathPrefix(of: directory.path("repo")) == "")
        #expect(
            DesiredStateLoader.repositoryPathPrefix(of: directory.path("worktree/desired-state")) == "desired-state"
        )
        #expect(DesiredStateLoader.repositoryPathPrefix(of: directory.path("plain/desired-state")) == "desired-state")
        // A directory that does not exist yet still gets its path in the work tree.
        #expect(DesiredStateLoader.repositoryPathPrefix(of: directory.path("repo/x/../ds")) == "ds")
        // Links are resolved as git sees the tree.
        try directory.symlink("link", to: directory.path("repo/deploy"))
        #expect(DesiredStateLoader.repositoryPathPrefix(of: directory.path("link/pool-a")) == "deploy/pool-a")
    }
}
