import Foundation

/// The environment every git child gets, and where `git` is (docs/behaviour.md §4.9).
///
/// The parent's environment is kept (PATH, proxies, `SSH_AUTH_SOCK`) but for git's own variables:
/// `GIT_DIR`, `GIT_CONFIG_PARAMETERS` and the like would point git elsewhere; only those that choose how
/// ssh is run survive. Then git is told to read no system or global configuration, never prompt, and
/// speak English, so its messages can be read (``GitError`` is made from them).
enum GitEnvironment {
    /// git's variables taken from the parent: how ssh is run and where git's helpers are.
    static let keptGitVariables: Set<String> = ["GIT_SSH", "GIT_SSH_COMMAND", "GIT_SSH_VARIANT", "GIT_EXEC_PATH"]

    /// `parent` without git's and askpass's variables, with the isolating ones set.
    /// - Parameters:
    ///   - parent: The environment sandboxd runs in.
    ///   - home: `HOME` for the child, or `nil` to keep the parent's.
    static func isolated(from parent: [String: String], home: String?) -> [String: String] {
        var environment = parent.filter { key, _ in
            (!key.hasPrefix("GIT_") || keptGitVariables.contains(key)) && !key.hasPrefix(GitAskPass.markerVariable)
                && key != "LANGUAGE"
        }
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["LC_ALL"] = "C"
        if let home { environment["HOME"] = home }
        return environment
    }

    /// The first executable `git` in `environment`'s `PATH` (the usual places when it has none).
    static func findGit(in environment: [String: String]) -> String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where directory.hasPrefix("/") {
            let candidate = directory.hasSuffix("/") ? "\(directory)git" : "\(directory)/git"
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate)
            {
                return candidate
            }
        }
        return nil
    }
}
