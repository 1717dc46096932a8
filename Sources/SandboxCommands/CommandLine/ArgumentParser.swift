/// A small command-line parser of our own (no third-party packages).
///
/// The grammar: `PROGRAM COMMAND [--option VALUE | --option=VALUE | --flag]...`.
/// - `--help` or `-h` anywhere before `--` asks for help: the command's when one is named, else the program's.
/// - `--version` anywhere before `--` asks for the version.
/// - An unknown command or option, a missing value, a value given to a flag, or a positional argument
///   the command does not declare (``Command/arguments``) is a ``UsageError``. When an option is repeated,
///   the last one wins.
struct ArgumentParser: Sendable {
    /// One option a command accepts.
    struct Option: Sendable, Hashable {
        enum Kind: Sendable, Hashable {
            /// A boolean switch: present or not.
            case flag
            /// An option with a value; `placeholder` is shown in help (`DIR`, `DURATION`).
            case value(placeholder: String)
        }

        /// The long name without dashes (`desired-state`).
        var name: String
        var kind: Kind
        /// One sentence for `--help`.
        var help: String
        /// The environment variable that supplies it when the option is not given.
        var environment: String?
        /// What it is when given neither way, for `--help`.
        var defaultDescription: String?

        var takesValue: Bool { kind != .flag }

        /// `--name VALUE` or `--name`.
        var synopsis: String {
            if case .value(let placeholder) = kind { return "--\(name) \(placeholder)" }
            return "--\(name)"
        }
    }

    /// One subcommand.
    struct Command: Sendable, Hashable {
        var name: String
        /// One line for the program's help.
        var abstract: String
        /// More text for the command's help.
        var discussion: String
        var options: [Option]
        /// The positional arguments it takes, by placeholder (`verify`, `[STATE-DIR]`); most take none.
        var arguments: [String] = []
    }

    /// What the arguments ask for.
    enum Outcome: Sendable, Hashable {
        /// Help for the program (`nil`) or a command.
        case help(command: String?)
        case version
        case run(Parsed)
    }

    /// A command with its options.
    struct Parsed: Sendable, Hashable {
        var command: String
        /// The options given with a value, by name.
        var values: [String: String] = [:]
        /// The flags given, by name.
        var flags: Set<String> = []
        /// The positional arguments, in order (only for a command that declares some).
        var arguments: [String] = []
    }

    var programName: String
    var commands: [Command]

    /// Parses the arguments after the program name.
    func parse(_ arguments: [String]) throws(UsageError) -> Outcome {
        let options = arguments.prefix { $0 != "--" }
        let wantsHelp = options.contains("--help") || options.contains("-h")
        guard let first = arguments.first else {
            throw UsageError("missing command; choose one of \(commandNames)")
        }
        if first.hasPrefix("-") && first != "-" && first != "--" {
            if wantsHelp { return .help(command: nil) }
            if options.contains("--version") { return .version }
            let name = first.split(separator: "=", maxSplits: 1).first.map(String.init) ?? first
            if commands.contains(where: { $0.options.contains { "--\($0.name)" == name } }) {
                throw UsageError("\(name) must come after the command: \(programName) COMMAND \(name) …")
            }
            throw UsageError("unknown option \(quoted(name))")
        }
        guard let command = commands.first(where: { $0.name == first }) else {
            throw UsageError("unknown command \(quoted(first)); choose one of \(commandNames)")
        }
        if wantsHelp { return .help(command: command.name) }
        if options.contains("--version") { return .version }

        var parsed = Parsed(command: command.name)
        var index = 1
        var afterTerminator = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if !afterTerminator && argument == "--" {
                afterTerminator = true
                continue
            }
            guard !afterTerminator, argument.hasPrefix("-"), argument != "-" else {
                if parsed.arguments.count < command.arguments.count {
                    parsed.arguments.append(argument)
                    continue
                }
                throw UsageError(
                    "unexpected argument \(quoted(argument)); '\(command.name)' takes "
                        + (command.arguments.isEmpty ? "only options" : command.arguments.joined(separator: " ")),
                    command: command.name
                )
            }
            guard argument.hasPrefix("--") else {
                throw UsageError("unknown option \(quoted(argument)) for '\(command.name)'", command: command.name)
            }
            let body = argument.dropFirst(2)
            let name: String
            var inlineValue: String?
            if let equals = body.firstIndex(of: "=") {
                name = String(body[..<equals])
                inlineValue = String(body[body.index(after: equals)...])
            } else {
                name = String(body)
            }
            guard let option = command.options.first(where: { $0.name == name }) else {
                throw UsageError(unknownOptionMessage("--\(name)", in: command), command: command.name)
            }
            guard option.takesValue else {
                if inlineValue != nil {
                    throw UsageError("--\(name) is a flag and takes no value", command: command.name)
                }
                parsed.flags.insert(name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else if index < arguments.count, !looksLikeOption(arguments[index]) {
                value = arguments[index]
                index += 1
            } else {
                value = ""
            }
            guard !value.isEmpty else {
                let next = inlineValue == nil && index < arguments.count ? arguments[index] : nil
                let hint = next.map { " (for a value starting with '-', write --\(name)=\($0))" } ?? ""
                throw UsageError("missing value for \(option.synopsis)\(hint)", command: command.name)
            }
            parsed.values[name] = value
        }
        return .run(parsed)
    }

    private var commandNames: String { commands.map(\.name).joined(separator: ", ") }

    private func looksLikeOption(_ argument: String) -> Bool {
        argument.hasPrefix("-") && argument != "-"
    }

    private func unknownOptionMessage(_ option: String, in command: Command) -> String {
        var message = "unknown option \(quoted(option)) for '\(command.name)'"
        let elsewhere = commands.filter { other in other.options.contains { "--\($0.name)" == option } }.map(\.name)
        if !elsewhere.isEmpty {
            message += " (it belongs to \(elsewhere.joined(separator: ", ")))"
        }
        return message
    }

    private func quoted(_ text: String) -> String { "'\(text)'" }
}

/// A command line that cannot be run: an unknown command or option, a missing or bad value.
///
/// `sandboxd` prints it on stderr with a pointer to `--help` and exits 64 (`EX_USAGE`).
public struct UsageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, naming the argument or variable.
    public var message: String
    /// The command whose help to point at, if one was named.
    public var command: String?

    public init(_ message: String, command: String? = nil) {
        self.message = message
        self.command = command
    }

    public var description: String { message }
}
