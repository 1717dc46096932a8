import Foundation
import SandboxCore
import SandboxGit
import Testing

@Suite("GitMirror: a damaged clone is found, removed and cloned again")
struct GitMirrorRepairTests {
    /// A remote with two commits, fetched once into `state`.
    private func fetchedRemote(_ scratch: Scratch) async throws -> (TestRemote, GitMirror, GitFetchResult) {
        let remote = try await TestRemote(in: scratch)
        try await remote.publish(["desired-state/pool.json": poolJSON])
        try await remote.publish(["desired-state/requests/alice.json": requestJSON("alice")])
        let mirror = scratch.mirror(try GitRemote(url: remote.url))
        return (remote, mirror, try await mirror.fetch())
    }

    /// Every loose object file of the clone.
    private func objectFiles(_ mirror: GitMirror) throws -> [URL] {
        let objects = mirror.location.appendingPathComponent("objects")
        return try FileManager.default.contentsOfDirectory(atPath: objects.path)
            .filter { $0.count == 2 }
            .flatMap { folder in
                try FileManager.default.contentsOfDirectory(atPath: objects.appendingPathComponent(folder).path)
                    .map { objects.appendingPathComponent(folder).appendingPathComponent($0) }
            }
    }

    @Test("objects deleted while sandboxd was stopped: the next process's first fetch checks, reclones, and is right")
    func deletedObjects() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (remote, mirror, fetched) = try await fetchedRemote(scratch)
        for file in try objectFiles(mirror) { try FileManager.default.removeItem(at: file) }

        let restarted = scratch.mirror(try GitRemote(url: remote.url))
        let result = try await restarted.fetch()
        let snapshot = try await restarted.snapshot(of: result.commit, displayPath: "desired-state")

        #expect(result.recloned && result.recloneReason?.isEmpty == false)
        #expect(result.commit == fetched.commit && !result.rewritten)
        #expect(snapshot.requestFiles.map(\.name) == ["alice.json"])
    }

    @Test("objects overwritten with garbage: found and cloned again")
    func corruptObjects() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (remote, mirror, fetched) = try await fetchedRemote(scratch)
        for file in try objectFiles(mirror) {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
            try Data("garbage".utf8).write(to: file)
        }

        let result = try await scratch.mirror(try GitRemote(url: remote.url)).fetch()

        #expect(result.recloned && result.commit == fetched.commit)
    }

    @Test("mirror.git that is not a repository (a file, or a folder of junk) is replaced", arguments: [false, true])
    func garbageClone(asFolder: Bool) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (remote, mirror, fetched) = try await fetchedRemote(scratch)
        try FileManager.default.removeItem(at: mirror.location)
        if asFolder {
            try FileManager.default.createDirectory(at: mirror.location, withIntermediateDirectories: true)
            try Data("junk".utf8).write(to: mirror.location.appendingPathComponent("HEAD"))
        } else {
            try Data("junk".utf8).write(to: mirror.location)
        }

        let result = try await scratch.mirror(try GitRemote(url: remote.url)).fetch()

        #expect(result.recloned && result.commit == fetched.commit)
    }

    @Test("a lock left by a killed git makes the fetch fail on the ref: cloned again at once, and the new head read")
    func staleLock() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (remote, mirror, _) = try await fetchedRemote(scratch)
        let lock = mirror.location.appendingPathComponent("refs/sandboxd/head.lock")
        try Data().write(to: lock)
        let next = try await remote.publish(["desired-state/requests/bob.json": requestJSON("bob")])

        let result = try await mirror.fetch()

        #expect(result.recloned && result.recloneReason?.contains("lock") == true)
        #expect(result.commit.id == next && !result.rewritten)
        #expect(!FileManager.default.fileExists(atPath: lock.path))
    }

    @Test("a snapshot that finds a file's object missing is damaged; the next fetch clones again and reads it")
    func damageFoundBySnapshot() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (remote, mirror, fetched) = try await fetchedRemote(scratch)
        let blob = try await scratch.git(["--git-dir=\(remote.bare.path)", "rev-parse", "HEAD:desired-state/pool.json"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let objects = mirror.location.appendingPathComponent("objects")
        try FileManager.default.removeItem(
            at: objects.appendingPathComponent(String(blob.prefix(2))).appendingPathComponent(String(blob.dropFirst(2)))
        )

        let error = await #expect(throws: GitError.self) {
            try await mirror.snapshot(of: fetched.commit, displayPath: "desired-state")
        }
        let result = try await mirror.fetch()
        let snapshot = try await mirror.snapshot(of: result.commit, displayPath: "desired-state")

        #expect(error?.kind == .damaged && error?.message.contains("clones again") == true)
        #expect(result.recloned && result.commit == fetched.commit)
        #expect(snapshot.poolFile == .bytes(Array(poolJSON.utf8)))
    }
}
