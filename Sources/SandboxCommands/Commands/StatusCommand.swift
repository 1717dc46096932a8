/// `sandboxd status`: every request with its state, product, expiry and queue position (docs/behaviour.md §4).
public enum StatusCommand: SandboxCommand {
    public static func run(
        _ options: CommandOptions,
        environment: [String: String],
        output: CommandOutput
    ) async -> Int32 {
        await StatusRunner(
            context: CommandContext(options: options, environment: environment, output: output),
            json: options.json,
            ha: options.ha
        ).run()
    }
}
