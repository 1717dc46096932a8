import SandboxCommands
import SandboxLocking

/// A ``CommandOutput`` that keeps what a command writes, for assertions.
final class CapturedOutput: Sendable {
    private let standardOutput = Locked("")
    private let standardError = Locked("")

    var output: CommandOutput {
        CommandOutput(
            writeOutput: { text in self.standardOutput.withLock { $0 += text } },
            writeError: { text in self.standardError.withLock { $0 += text } }
        )
    }

    /// Everything written to stdout.
    var stdout: String { standardOutput.withLock { $0 } }
    /// Everything written to stderr.
    var stderr: String { standardError.withLock { $0 } }
    /// The lines of stdout.
    var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
}

/// Runs `sandboxd` with `arguments` in `environment`, capturing what it writes.
func runSandboxd(
    _ arguments: [String],
    environment: [String: String] = [:]
) async -> (status: Int32, output: CapturedOutput) {
    let captured = CapturedOutput()
    let status = await SandboxCommandLine.run(arguments: arguments, environment: environment, output: captured.output)
    return (status, captured)
}
