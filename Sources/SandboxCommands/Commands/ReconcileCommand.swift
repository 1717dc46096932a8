/// `sandboxd reconcile`: one pass, then exit; `--wait` passes again until settled (SPEC §4).
public enum ReconcileCommand: SandboxCommand {
    public static func run(
        _ options: CommandOptions,
        environment: [String: String],
        output: CommandOutput
    ) async -> Int32 {
        output.printError("sandboxd reconcile: not implemented yet")
        return ExitCode.failure
    }
}
