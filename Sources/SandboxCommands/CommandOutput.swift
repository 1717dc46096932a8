import SandboxCore
import SandboxRuntime

/// Where a command writes: stdout and stderr, or a test's capture.
///
/// Everything goes through ``PrintableText/visibleLines(_:)`` on its way out (docs/behaviour.md §4.1):
/// whatever a value held, no carriage return, escape sequence, line separator or bidirectional
/// control reaches a terminal or a CI log; each value that could hold a newline is made visible
/// where it is put into a line (``Diagnostic/description``, the logger).
public struct CommandOutput: Sendable {
    private let standardOutput: @Sendable (String) -> Void
    private let standardError: @Sendable (String) -> Void

    /// - Parameters:
    ///   - writeOutput: writes text to standard output, as it is given.
    ///   - writeError: writes text to standard error, as it is given.
    public init(writeOutput: @escaping @Sendable (String) -> Void, writeError: @escaping @Sendable (String) -> Void) {
        standardOutput = writeOutput
        standardError = writeError
    }

    /// Writes text to standard output, its newlines kept and every other control character escaped.
    public func writeOutput(_ text: String) { standardOutput(PrintableText.visibleLines(text)) }

    /// Writes text to standard error, as ``writeOutput(_:)`` does.
    public func writeError(_ text: String) { standardError(PrintableText.visibleLines(text)) }

    /// Writes `line` and a newline to standard output.
    public func print(_ line: String) { writeOutput(line + "\n") }

    /// Writes `line` and a newline to standard error.
    public func printError(_ line: String) { writeError(line + "\n") }

    /// The process's standard output and standard error, unbuffered. A reader that went away (`sandboxd
    /// reconcile | head -1`) ends the output quietly: SIGPIPE is ignored (docs/behaviour.md §4.1) and a
    /// write that fails is dropped, so the command finishes and exits with its own status.
    public static let standard = CommandOutput(
        writeOutput: { StandardStream.write($0, to: 1) },
        writeError: { StandardStream.write($0, to: 2) }
    )
}
