import Foundation

/// What git says of a desired-state directory read from disk, when no remote is followed
/// (docs/behaviour.md §4.9): the commit checked out and whether the directory differs from it.
public enum GitWorkTree {
    /// How long each of the two git children may run.
    static let timeout = Duration.seconds(30)

    /// The commit of the work tree holding `directory`, and whether `directory` is dirty.
    ///
    /// Runs `git rev-parse --is-inside-work-tree HEAD` and `git status --porcelain -- .` in the directory,
    /// with no system or global configuration and no optional locks (the index is not rewritten).
    /// - Parameter directory: The desired-state directory, as the user named it.
    /// - Returns: `nil` when the directory is not inside a work tree, has no commit yet, git refuses it (a
    ///   work tree owned by another user) or git is missing.
    public static func describe(directory: String) async -> GitWorkTreeCommit? {
        await describe(directory: directory, environment: ProcessInfo.processInfo.environment)
    }

    /// ``describe(directory:)`` with the environment git is found in and started from.
    package static func describe(directory: String, environment: [String: String]) async -> GitWorkTreeCommit? {
        guard let git = GitEnvironment.findGit(in: environment) else { return nil }
        var childEnvironment = GitEnvironment.isolated(from: environment, home: nil)
        childEnvironment["GIT_OPTIONAL_LOCKS"] = "0"
        let runner = GitRunner(
            git: git,
            environment: childEnvironment,
            directory: directory,
            timeout: timeout,
            observe: nil
        )
        let task = "describing \(directory)"
        guard let head = try? await runner.run(["rev-parse", "--is-inside-work-tree", "HEAD"], doing: task),
            head.succeeded
        else { return nil }
        let lines = head.outputText.split(separator: "\n")
        guard lines.count == 2, lines[0] == "true", GitObjectID.isValid(lines[1]) else { return nil }
        guard let status = try? await runner.run(["status", "--porcelain", "--", "."], doing: task), status.succeeded
        else { return nil }
        return GitWorkTreeCommit(id: String(lines[1]), dirty: !status.output.isEmpty)
    }
}
