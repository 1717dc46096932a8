/// `sandboxd run`: the daemon, a pass on every change and every `--interval` (SPEC §4, §7).
public enum RunCommand: SandboxCommand {
    public static func run(
        _ options: CommandOptions,
        environment: [String: String],
        output: CommandOutput
    ) async -> Int32 {
        output.printError("sandboxd run: not implemented yet")
        return ExitCode.failure
    }
}
