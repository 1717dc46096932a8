import Foundation
import SandboxGit
import Testing

@Suite("GitWorkTree.describe: the commit of a desired-state directory read from disk")
struct GitWorkTreeTests {
    @Test("a committed directory is its HEAD, clean; a change inside it, staged or new, makes it dirty")
    func cleanAndDirty() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let remote = try await TestRemote(in: scratch)
        let id = try await remote.publish(["desired-state/pool.json": poolJSON, "README.md": "readme"])
        let directory = remote.work.appendingPathComponent("desired-state").path

        let clean = await GitWorkTree.describe(directory: directory, environment: scratch.gitEnvironment())
        try remote.write(["README.md": "changed outside the directory"])
        let outside = await GitWorkTree.describe(directory: directory, environment: scratch.gitEnvironment())
        try remote.write(["desired-state/requests/alice.json": requestJSON("alice")])
        let untracked = await GitWorkTree.describe(directory: directory, environment: scratch.gitEnvironment())
        try await remote.git(["add", "--all"])
        let staged = await GitWorkTree.describe(directory: directory, environment: scratch.gitEnvironment())

        #expect(clean == GitWorkTreeCommit(id: id, dirty: false))
        #expect(outside == GitWorkTreeCommit(id: id, dirty: false))
        #expect(untracked == GitWorkTreeCommit(id: id, dirty: true))
        #expect(staged == GitWorkTreeCommit(id: id, dirty: true))
    }

    @Test("nil outside a work tree, for a directory that is not there, before the first commit, and without git")
    func notAWorkTree() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let plain = scratch.url("plain")
        try FileManager.default.createDirectory(at: plain, withIntermediateDirectories: true)
        let remote = try await TestRemote(in: scratch)
        try remote.write(["desired-state/pool.json": poolJSON])
        let unborn = remote.work.appendingPathComponent("desired-state").path
        let environment = scratch.gitEnvironment()

        #expect(await GitWorkTree.describe(directory: plain.path, environment: environment) == nil)
        #expect(await GitWorkTree.describe(directory: scratch.url("absent").path, environment: environment) == nil)
        #expect(await GitWorkTree.describe(directory: unborn, environment: environment) == nil)
        #expect(await GitWorkTree.describe(directory: remote.bare.path, environment: environment) == nil)
        try await remote.commit("First")
        #expect(await GitWorkTree.describe(directory: unborn, environment: ["PATH": plain.path]) == nil)
    }
}
