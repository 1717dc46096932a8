import Foundation

/// A temporary directory for one test, and the environment its programs run in: `PATH` only, so no
/// test reads the machine's git configuration.
struct Scratch: Sendable {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("sandboxd-git-tests-\(UUID())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    /// `root/name`.
    func url(_ name: String) -> URL {
        root.appendingPathComponent(name)
    }

    /// Removes the directory (git's object files are read-only; the directories are not).
    func remove() {
        try? FileManager.default.removeItem(at: root)
    }

    /// The environment given to the code under test: the machine's `PATH` and nothing else.
    static let environment: [String: String] = [
        "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    ]

    /// The environment of the fixtures' own git commands: isolated as sandboxd's are, with a fixed clock.
    func gitEnvironment() -> [String: String] {
        Scratch.environment.merging([
            "HOME": root.path,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_TERMINAL_PROMPT": "0",
            "LC_ALL": "C",
            "GIT_AUTHOR_DATE": "2026-03-01T10:00:00Z",
            "GIT_COMMITTER_DATE": "2026-03-01T10:00:00Z",
        ]) { _, new in new }
    }
}

/// The `git` of `PATH`.
let gitExecutable: String = {
    for directory in (Scratch.environment["PATH"] ?? "").split(separator: ":") {
        let candidate = "\(directory)/git"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return "/usr/bin/git"
}()

/// The `sandboxd` executable built beside the test bundle: git's askpass program in these tests.
let sandboxdExecutable: URL = {
    let bundle = Bundle.main.bundleURL
    for directory in [bundle.deletingLastPathComponent(), bundle] {
        let url = directory.appendingPathComponent("sandboxd")
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug/sandboxd")
}()
