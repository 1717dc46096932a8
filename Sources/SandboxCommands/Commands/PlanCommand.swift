/// `sandboxd plan`: what a pass would do, without side effects (SPEC §4).
public enum PlanCommand: SandboxCommand {
    public static func run(
        _ options: CommandOptions,
        environment: [String: String],
        output: CommandOutput
    ) async -> Int32 {
        output.printError("sandboxd plan: not implemented yet")
        return ExitCode.failure
    }
}
