/// `sandboxd plan`: what a pass would do, without side effects (docs/behaviour.md §4).
public enum PlanCommand: SandboxCommand {
    public static func run(
        _ options: CommandOptions,
        environment: [String: String],
        output: CommandOutput
    ) async -> Int32 {
        await PlanRunner(
            context: CommandContext(options: options, environment: environment, output: output),
            json: options.json,
            allowMassRelease: options.allowMassRelease
        ).run()
    }
}
