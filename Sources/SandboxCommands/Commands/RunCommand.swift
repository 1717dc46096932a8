/// `sandboxd run`: the daemon, a pass on every change and every `--interval` (docs/behaviour.md §4, §7).
public enum RunCommand: SandboxCommand {
    public static func run(
        _ options: CommandOptions,
        environment: [String: String],
        output: CommandOutput
    ) async -> Int32 {
        await DaemonRunner(
            context: CommandContext(options: options, environment: environment, output: output),
            interval: options.interval,
            metricsFile: options.metricsFile,
            metricsFileMode: options.metricsFileMode,
            forecastBudget: options.forecastBudget,
            ha: options.ha
        ).run()
    }
}
