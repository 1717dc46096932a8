import Foundation
import SandboxTesting

/// A bare repository standing in for the remote, and a work tree that commits and pushes to it.
struct TestRemote: Sendable {
    let scratch: Scratch
    /// The bare repository.
    let bare: URL
    /// The work tree whose `origin` is ``bare``.
    let work: URL

    /// `file://` of ``bare``.
    var url: String { "file://\(bare.path)" }

    /// Makes an empty bare repository whose default branch is `branch`, and a work tree on that branch.
    init(in scratch: Scratch, name: String = "remote", branch: String = "main") async throws {
        self.scratch = scratch
        bare = scratch.url("\(name).git")
        work = scratch.url("\(name)-work")
        try await scratch.git(["init", "--quiet", "--bare", "--initial-branch=\(branch)", bare.path])
        try await scratch.git(["init", "--quiet", "--initial-branch=\(branch)", work.path])
        try await git(["remote", "add", "origin", bare.path])
    }

    /// Runs git in the work tree.
    @discardableResult
    func git(_ arguments: [String]) async throws -> String {
        try await scratch.git(arguments, in: work)
    }

    /// Runs git in the bare repository.
    @discardableResult
    func gitInBare(_ arguments: [String]) async throws -> String {
        try await scratch.git(["--git-dir=\(bare.path)"] + arguments)
    }

    /// Writes files of the work tree (paths relative to it), making their folders.
    func write(_ files: [String: String]) throws {
        for (path, text) in files {
            let url = work.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try Data(text.utf8).write(to: url)
        }
    }

    /// Makes `path` a symbolic link to `target`.
    func link(_ path: String, to target: String) throws {
        let url = work.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
    }

    /// Commits everything in the work tree; returns the commit's id.
    @discardableResult
    func commit(_ message: String, author: String = "Ada Lovelace") async throws -> String {
        try await git(["add", "--all"])
        try await git([
            "-c", "user.name=\(author)", "-c", "user.email=ada@example.com", "commit", "--quiet", "-m", message,
        ])
        return try await head()
    }

    /// The work tree's `HEAD`.
    func head() async throws -> String {
        try await git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Pushes the current branch to `branch` of the remote.
    func push(_ branch: String = "main", force: Bool = false) async throws {
        try await git(["push", "--quiet"] + (force ? ["--force"] : []) + ["origin", "HEAD:refs/heads/\(branch)"])
    }

    /// Writes, commits and pushes: the usual step of a test.
    @discardableResult
    func publish(_ files: [String: String], message: String = "Change the desired state") async throws -> String {
        try write(files)
        let id = try await commit(message)
        try await push()
        return id
    }
}

extension Scratch {
    /// Runs the fixtures' git; throws with its error output when it fails.
    @discardableResult
    func git(_ arguments: [String], in directory: URL? = nil) async throws -> String {
        let result = try await runCommand(gitExecutable, arguments, environment: gitEnvironment(), directory: directory)
        guard result.status == 0 else {
            throw CommandFailure(description: "git \(arguments.joined(separator: " ")): \(result.errorOutput)")
        }
        return result.outputText
    }
}

/// A valid `pool.json`.
let poolJSON = """
    { "capacity": 2, "product": { "productId": "prod-abcdefghijklm", "provisioningArtifactId": "pa-abcdefghijklm" } }
    """

/// A valid request file of `requester`.
func requestJSON(_ requester: String, pullRequest: Int = 1) -> String {
    "{ \"requester\": \"\(requester)\", \"pullRequest\": \(pullRequest) }"
}
