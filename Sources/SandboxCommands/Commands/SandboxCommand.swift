/// A `sandboxd` subcommand: one type per command, one file each.
public protocol SandboxCommand {
    /// Runs the command and returns the process's exit status.
    ///
    /// - Parameters:
    ///   - options: The resolved options (``CommandOptions/command`` names this command).
    ///   - environment: The process environment, for settings outside ``CommandOptions`` (AWS, tokens).
    ///   - output: Where to write; ``CommandOutput/standard`` in the executable.
    static func run(_ options: CommandOptions, environment: [String: String], output: CommandOutput) async -> Int32
}
