#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SandboxRuntime

/// Entry point of the `sandboxd` executable.
public enum SandboxCommandLine {
    /// The version `sandboxd --version` prints.
    public static let version = "0.1.0"

    /// Parses the process arguments, runs the command and exits with its status. No command dies of
    /// SIGPIPE, SIGUSR1, SIGUSR2 or SIGALRM (docs/behaviour.md §4.1).
    public static func main() async {
        ProcessSignals.ignoreHarmless()
        let status = await run(
            arguments: Array(CommandLine.arguments.dropFirst()),
            environment: ProcessInfo.processInfo.environment,
            output: .standard
        )
        exit(status)
    }

    /// Runs one command line and returns its exit status.
    ///
    /// - Parameters:
    ///   - arguments: The arguments after the program name.
    ///   - environment: The environment the options fall back to.
    ///   - output: Where to write.
    /// - Returns: 0 on success, 64 on a usage error, else what the command returns.
    public static func run(arguments: [String], environment: [String: String], output: CommandOutput) async -> Int32 {
        let invocation: CommandOptions.Invocation
        do {
            invocation = try CommandOptions.resolve(arguments: arguments, environment: environment)
        } catch {
            output.printError("sandboxd: error: \(error.message)")
            let help = error.command.map { "sandboxd \($0) --help" } ?? "sandboxd --help"
            output.printError("Run '\(help)' for usage.")
            return ExitCode.usage
        }
        switch invocation {
        case .help(let text):
            output.print(text)
            return ExitCode.success
        case .version:
            output.print("sandboxd \(version)")
            return ExitCode.success
        case .run(let options):
            return await dispatch(options, environment: environment, output: output)
        }
    }

    /// Runs the command `options` names.
    public static func dispatch(
        _ options: CommandOptions,
        environment: [String: String],
        output: CommandOutput
    ) async
        -> Int32
    {
        let command: any SandboxCommand.Type
        switch options.command {
        case .validate: command = ValidateCommand.self
        case .plan: command = PlanCommand.self
        case .reconcile: command = ReconcileCommand.self
        case .run: command = RunCommand.self
        case .status: command = StatusCommand.self
        case .journal: command = JournalCommand.self
        case .ha: command = HACommand.self
        }
        return await command.run(options, environment: environment, output: output)
    }
}
