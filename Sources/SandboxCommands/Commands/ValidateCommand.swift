import SandboxAWS
import SandboxCore
import SandboxRuntime

/// `sandboxd validate`: checks the desired-state directory on its own, with no journal and no network
/// (docs/behaviour.md §4).
///
/// Prints every diagnostic on stdout, one line each: `PATH[:LINE:COLUMN]: [warning: ][field: ]message`,
/// or with `--format github` a GitHub Actions workflow command (``GitHubAnnotation``) whose path is
/// relative to the repository's root. With an error it prints a count on stderr and exits 1; otherwise
/// (warnings alone included) it prints `DIR: valid (pool: capacity N, M requests)` and exits 0.
public enum ValidateCommand: SandboxCommand {
    public static func run(
        _ options: CommandOptions,
        environment: [String: String],
        output: CommandOutput
    ) async -> Int32 {
        let state = DesiredStateLoader(directory: options.desiredState).load()
        let printer = DiagnosticPrinter(options: options, output: output)
        for diagnostic in state.diagnostics { printer.print(diagnostic) }
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
                printer.print(Diagnostic(path: printer.path(of: "pool.json"), field: "product", message: "\(error)"))
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

/// Prints `validate`'s diagnostics in the format asked for.
private struct DiagnosticPrinter {
    let format: CommandOptions.Format
    /// The desired-state directory as the user named it: every diagnostic's path starts with it.
    let directory: String
    /// The directory's path inside its git work tree, or `nil` outside one.
    let workTreePath: String?
    let output: CommandOutput

    init(options: CommandOptions, output: CommandOutput) {
        format = options.format
        directory = options.desiredState
        workTreePath = options.format == .github ? DesiredStateLoader.workTreePath(of: options.desiredState) : nil
        self.output = output
    }

    func print(_ diagnostic: Diagnostic) {
        switch format {
        case .text: output.print(diagnostic.description)
        case .github: output.print(GitHubAnnotation(diagnostic, file: repositoryPath(of: diagnostic.path)).command)
        }
    }

    /// `relative` under the directory, as the parser names its files.
    func path(of relative: String) -> String {
        directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
    }

    /// A diagnostic's path from the work tree's root (`deploy/ds/requests/a.json`), or as the user
    /// named it when the directory is in no work tree (GitHub reads a relative path from the root too).
    func repositoryPath(of path: String) -> String {
        guard let workTreePath else { return path }
        let relative: String
        if path == directory {
            relative = ""
        } else if path.hasPrefix(self.path(of: "")) {
            relative = String(path.dropFirst(self.path(of: "").count))
        } else {
            return path
        }
        switch (workTreePath.isEmpty, relative.isEmpty) {
        case (true, true): return "."
        case (true, false): return relative
        case (false, true): return workTreePath
        case (false, false): return workTreePath + "/" + relative
        }
    }
}
