import SandboxCore

/// `sandboxd reconcile`: one pass, then exit; `--wait` passes again until settled (docs/behaviour.md §4).
public enum ReconcileCommand: SandboxCommand {
    public static func run(
        _ options: CommandOptions,
        environment: [String: String],
        output: CommandOutput
    ) async -> Int32 {
        await ReconcileRunner(
            context: CommandContext(options: options, environment: environment, output: output),
            wait: options.wait,
            timeoutSeconds: options.timeout.timeInterval,
            allowMassRelease: options.allowMassRelease
        ).run()
    }
}
