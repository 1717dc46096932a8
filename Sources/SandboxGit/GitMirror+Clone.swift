import Foundation
import Glibc

extension GitMirror {
    /// Makes the clone when there is none, and checks one found on disk once; removes and makes again a
    /// damaged one.
    /// - Returns: Why the clone was made again, or `nil` when it was not.
    func prepareClone(_ runner: GitRunner) async throws(GitError) -> String? {
        var info = stat()
        guard lstat(location.path, &info) == 0 else {
            try await initialize(runner)
            return nil
        }
        if let damage = lastDamage {
            try await reclone(runner, because: damage)
            return damage
        }
        guard !verified else { return nil }
        let result = try await git(
            runner,
            ["fsck", "--connectivity-only", "--no-dangling", "--no-progress"],
            doing: "checking the clone \(location.path)"
        )
        guard result.succeeded else {
            try await reclone(runner, because: result.excerpt)
            return result.excerpt
        }
        verified = true
        return nil
    }

    /// Removes the clone and makes an empty one.
    func reclone(_ runner: GitRunner, because reason: String) async throws(GitError) {
        do {
            try FileManager.default.removeItem(at: location)
        } catch {
            throw GitError(
                .damaged,
                "the clone \(location.path) is damaged (\(reason)) and cannot be removed"
                    + " (\(error.localizedDescription)); remove it by hand"
            )
        }
        try await initialize(runner)
    }

    /// `git init --bare` without templates (no sample hooks, no description).
    private func initialize(_ runner: GitRunner) async throws(GitError) {
        let result = try await git(
            runner,
            ["init", "--bare", "--quiet", "--template="],
            doing: "creating the clone \(location.path)"
        )
        guard result.succeeded else {
            throw GitError(
                .failed,
                "git could not create the clone \(location.path) (\(result.excerpt)); check the state directory"
            )
        }
        verified = true
        lastDamage = nil
    }
}
