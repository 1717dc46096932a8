import Foundation
import SandboxCore
import SandboxGit
import SandboxRuntime
import Testing

@Suite("GitMirror.snapshot: the desired state at one commit, as the directory loader reads it")
struct GitMirrorSnapshotTests {
    /// Pushes `files` (and `links`), fetches, and returns the commit's snapshot and the work tree's loader snapshot.
    private func snapshots(
        _ scratch: Scratch,
        files: [String: String],
        links: [String: String] = [:],
        path: String = "desired-state"
    ) async throws -> (git: DesiredStateSnapshot, directory: DesiredStateSnapshot) {
        let remote = try await TestRemote(in: scratch)
        try remote.write(files)
        for (link, target) in links { try remote.link(link, to: target) }
        try await remote.commit("The desired state")
        try await remote.push()
        let mirror = scratch.mirror(try GitRemote(url: remote.url, path: path))
        let commit = try await mirror.fetch().commit
        let directory = remote.work.appendingPathComponent(path).path
        let git = try await mirror.snapshot(of: commit, displayPath: directory)
        return (git, DesiredStateLoader(directory: directory).snapshot())
    }

    @Test("a committed folder gives the snapshot, and the parsed desired state, of its checkout")
    func equalsDirectoryLoader() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (git, directory) = try await snapshots(
            scratch,
            files: [
                "desired-state/pool.json": poolJSON,
                "desired-state/requests/alice.json": requestJSON("alice"),
                "desired-state/requests/bob.json": "{ \"requester\": \"bob\" }",
                "desired-state/requests/.gitkeep": "",
                "desired-state/requests/notes.txt": "not a request",
                "desired-state/requests/nested/x.json": requestJSON("x"),
                "desired-state/templates/ready.md": "Ready, {{requester}}!",
                "desired-state/templates/unknown.md": "?",
                "desired-state/README.md": "ignored",
                "elsewhere/pool.json": "{}",
            ]
        )

        #expect(git == directory)
        #expect(git.repositoryPathPrefix == "desired-state")
        let parsed = DesiredStateParser.parse(git)
        #expect(parsed == DesiredStateParser.parse(directory))
        #expect(parsed.pool?.capacity == 2 && parsed.requests.count == 2 && !parsed.diagnostics.isEmpty)
    }

    @Test("symbolic links are reported, never followed, as the loader reports them")
    func links() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (git, directory) = try await snapshots(
            scratch,
            files: ["outside.json": poolJSON, "desired-state/requests/alice.json": requestJSON("alice")],
            links: [
                "desired-state/pool.json": "../outside.json",
                "desired-state/requests/bob.json": "alice.json",
                "desired-state/templates": "../elsewhere",
            ]
        )

        #expect(git.poolFile == .symbolicLink)
        #expect(git.requestFiles.first { $0.name == "bob.json" }?.content == .symbolicLink)
        #expect(git.templatesDirectory == .symbolicLink)
        #expect(git == directory)
    }

    @Test("a file over 64 KiB is reported with its size and not read, as the loader does")
    func oversizedFile() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let large = String(repeating: " ", count: DesiredStateLimits.maximumFileSize + 1)
        let (git, directory) = try await snapshots(
            scratch,
            files: ["desired-state/pool.json": poolJSON, "desired-state/requests/big.json": large]
        )

        #expect(git.requestFiles == [FileEntry(name: "big.json", content: .tooLarge(size: 65_537))])
        #expect(git == directory)
    }

    @Test("a submodule where a request file belongs is reported as not a regular file")
    func submodule() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let remote = try await TestRemote(in: scratch)
        try remote.write(["desired-state/pool.json": poolJSON])
        let other = try await remote.commit("Pool")
        try await remote.git([
            "update-index", "--add", "--cacheinfo", "160000,\(other),desired-state/requests/sub.json",
        ])
        try await remote.git(["-c", "user.name=A", "-c", "user.email=a@b", "commit", "--quiet", "-m", "Submodule"])
        try await remote.push()
        let mirror = scratch.mirror(try GitRemote(url: remote.url))

        let snapshot = try await mirror.snapshot(of: try await mirror.fetch().commit, displayPath: "desired-state")

        #expect(
            snapshot.requestFiles == [FileEntry(name: "sub.json", content: .notRegularFile(kind: "a git submodule"))]
        )
    }

    @Test(
        "the folder: the root, missing, a file, a link",
        arguments: [
            ("", DirectoryStatus.present),
            ("nope", .missing),
            ("nope/deeper", .missing),
            ("desired-state/pool.json", .notADirectory),
            ("desired-state/pool.json/x", .missing),
            ("linked", .symbolicLink),
            ("linked/requests", .symbolicLink),
        ]
    )
    func folder(path: String, status: DirectoryStatus) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (git, _) = try await snapshots(
            scratch,
            files: ["desired-state/pool.json": poolJSON, "pool.json": poolJSON],
            links: ["linked": "desired-state"],
            path: path
        )

        #expect(git.directory == status)
        #expect(git.repositoryPathPrefix == path)
        #expect((git.poolFile != nil) == (status == .present))
    }

    @Test("a snapshot reads the commit it is given, not the branch's newest")
    func olderCommit() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let remote = try await TestRemote(in: scratch)
        try await remote.publish(["desired-state/pool.json": poolJSON])
        let mirror = scratch.mirror(try GitRemote(url: remote.url))
        let first = try await mirror.fetch().commit
        try await remote.publish(["desired-state/requests/alice.json": requestJSON("alice")])
        let second = try await mirror.fetch().commit

        let old = try await mirror.snapshot(of: first, displayPath: "desired-state")
        let new = try await mirror.snapshot(of: second, displayPath: "desired-state")

        #expect(old.requestsDirectory == .missing && old.requestFiles.isEmpty)
        #expect(new.requestFiles.map(\.name) == ["alice.json"])
    }
}
