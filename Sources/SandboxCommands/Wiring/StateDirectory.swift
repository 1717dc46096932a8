import Foundation
import SandboxFiles
import SandboxRuntime

/// The files sandboxd keeps in its state directory, besides the journal.
struct StateDirectory {
    let url: URL

    /// Comments written by `--local`.
    var outbox: URL { url.appendingPathComponent("outbox", isDirectory: true) }
    /// Lets one pass of a running daemon past the safety brake; removed by the pass that uses it.
    var allowMassReleaseFile: URL { url.appendingPathComponent("allow-mass-release") }
    /// The GitHub facts `--local` verifies requesters against, when the user writes them.
    var localGitHubFacts: URL {
        url.appendingPathComponent("local", isDirectory: true).appendingPathComponent("github.json")
    }
    /// Remembers whether the directory is used with `--local`.
    var modeFile: URL { url.appendingPathComponent("mode") }
    /// The `AccessLevelFilter` level AWS last answered listings at (docs/behaviour.md §3.14).
    var awsAccessLevelFile: URL { url.appendingPathComponent("aws-access-level") }

    /// The access level recorded in the directory, if any.
    var recordedAWSAccessLevel: String? {
        guard let data = FileManager.default.contents(atPath: awsAccessLevelFile.path) else { return nil }
        let level = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return level.isEmpty ? nil : level
    }

    /// Records the access level; a failure to write only costs the next process a refused listing or two.
    func recordAWSAccessLevel(_ level: String) {
        try? AtomicFile.write(Data((level + "\n").utf8), to: awsAccessLevelFile)
    }

    /// The mode recorded in the directory, if any.
    func recordedMode() -> String? {
        guard let data = FileManager.default.contents(atPath: modeFile.path) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Checks the directory was not used in the other mode, and records the mode when `record` is set.
    ///
    /// - Throws: ``CommandFailure`` saying which mode the directory belongs to.
    func claim(local: Bool, record: Bool) throws {
        let wanted = local ? "local" : "aws"
        if let mode = recordedMode(), mode != wanted {
            throw CommandFailure(
                "the state directory \(url.path) was used \(mode == "local" ? "with" : "without") --local; "
                    + "run \(mode == "local" ? "with" : "without") --local, or use another --state-dir"
            )
        }
        if record && recordedMode() == nil {
            try AtomicFile.write(Data((wanted + "\n").utf8), to: modeFile)
        }
    }

    /// Whether the allow-mass-release file is present.
    var massReleaseAllowed: Bool { FileManager.default.fileExists(atPath: allowMassReleaseFile.path) }

    func consumeMassReleaseAllowance() {
        try? FileManager.default.removeItem(at: allowMassReleaseFile)
    }
}

/// A command failed with a message for the user (exit 1): one line, or several when the start-up found
/// several settings to fix (docs/behaviour.md §4.6: every one is named in one run).
struct CommandFailure: Error, CustomStringConvertible {
    /// One problem a line, each saying what to set.
    var lines: [String]
    init(_ description: String) { lines = [description] }
    init(lines: [String]) { self.lines = lines }

    var description: String { lines.joined(separator: "\n") }

    /// The lines of `error`: a ``CommandFailure``'s own, else its description.
    static func lines(of error: any Error) -> [String] {
        (error as? CommandFailure)?.lines ?? ["\(error)"]
    }
}

extension CommandOutput {
    /// Prints `error` on stderr, each of its lines as `sandboxd: LINE`, with a count when there are several.
    func printFailure(_ error: any Error) {
        let lines = CommandFailure.lines(of: error)
        for line in lines { printError("sandboxd: \(line)") }
        if lines.count > 1 {
            printError("sandboxd: \(lines.count) problems with the configuration; fix them all, then start again")
        }
    }
}
