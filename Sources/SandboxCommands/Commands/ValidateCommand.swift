import SandboxAWS
import SandboxCore
import SandboxRuntime

/// `sandboxd validate`: checks the desired-state directory on its own, with no journal and no network
/// (docs/behaviour.md §4).
///
/// Prints every diagnostic on stdout, one line each (`PATH[:LINE:COLUMN]: [warning: ][field: ]message`).
/// With an error it prints a count on stderr and exits 1; otherwise (warnings alone included) it prints
/// `DIR: valid (pool: capacity N, M requests)` and exits 0.
public enum ValidateCommand: SandboxCommand {
    public static func run(
        _ options: CommandOptions,
        environment: [String: String],
        output: CommandOutput
    ) async -> Int32 {
        let state = DesiredStateLoader(directory: options.desiredState).load()
        for diagnostic in state.diagnostics { output.print(diagnostic.description) }
        let errors = state.diagnostics.count { $0.severity == .error }
        let warnings = state.diagnostics.count - errors
        let warningText = warnings == 0 ? "" : "; \(count(warnings, "warning"))"
        guard errors == 0, let pool = state.pool else {
            output.printError("\(options.desiredState): invalid (\(count(errors, "error"))\(warningText))")
            return ExitCode.failure
        }
        if options.online {
            do {
                let catalog = try await AWSCatalog.fromEnvironment(environment, poolName: options.poolName)
                try await catalog.checkProduct(pool.product)
            } catch let error as AWSConfigurationError {
                output.printError("sandboxd: \(error.message)")
                return ExitCode.failure
            } catch {
                output.print("\(options.desiredState)/pool.json: product: \(error)")
                return ExitCode.failure
            }
        }
        output.print(
            "\(options.desiredState): valid (pool: capacity \(pool.capacity), \(count(state.requests.count, "request"))"
                + "\(warningText)\(options.online ? "; the product exists in AWS" : ""))"
        )
        return ExitCode.success
    }

    private static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
