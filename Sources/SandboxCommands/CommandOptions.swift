public import SandboxCore
public import SandboxRuntime
import SandboxGit
import SandboxGitHub

/// Every setting of a `sandboxd` command, resolved from its arguments and the environment (docs/behaviour.md §4).
///
/// Each option comes from its flag, else its environment variable (an empty variable counts as
/// unset), else its default. Resolution is pure: the environment is a dictionary, so tests pass
/// their own, and no file is read. Secrets stay where they are: ``githubToken`` says where the
/// token is, never what it is.
public struct CommandOptions: Sendable, Hashable {
    /// The subcommands.
    public enum Command: String, Sendable, Hashable, CaseIterable {
        case validate
        case plan
        case reconcile
        case run
        case status
        case journal
        case ha
    }

    /// `--ha-table` and the other high-availability settings (docs/behaviour.md §12); `nil` without `--ha-table`.
    public struct HAOptions: Sendable, Hashable {
        public enum Action: String, Sendable, Hashable {
            case createTable = "create-table"
            case importJournal = "import"
        }
        public var table: String
        /// `--ha-id`; `nil` means HOSTNAME-PID.
        public var replicaID: String?
        public var lease: LeaseDuration
        /// The action of `sandboxd ha`.
        public var action: Action?
    }

    /// How `validate` prints its diagnostics (`--format`).
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// `PATH[:LINE:COLUMN]: [warning: ][field: ]message`, one line each.
        case text
        /// GitHub Actions workflow commands, `::error file=…,line=…,col=…,title=…::message`, one line each.
        case github
    }

    /// Where the GitHub token is to be read from. Its description never contains the token.
    public enum GitHubTokenSource: Sendable, Hashable, CustomStringConvertible {
        /// `--github-token-file PATH`.
        case file(path: String)
        /// The environment variable holding the token itself (`GITHUB_TOKEN`).
        case environment(variable: String)
        /// systemd's credential: `$CREDENTIALS_DIRECTORY/github-token` (it may not exist).
        case credential(path: String)

        public var description: String {
            switch self {
            case .file(let path): return "file \(path)"
            case .environment(let variable): return "environment variable \(variable)"
            case .credential(let path): return "systemd credential \(path)"
            }
        }
    }

    /// A GitHub App's settings (`--github-app-id` and the rest). Its description never contains the key.
    public struct GitHubAppOptions: Sendable, Hashable {
        /// The App's id or client id.
        public var id: String
        /// Where a private key is: always a file, never the key itself.
        public enum KeySource: Sendable, Hashable {
            /// `--github-app-private-key-file PATH` or `GITHUB_APP_PRIVATE_KEY_FILE`.
            case file(path: String)
            /// systemd's credential: `$CREDENTIALS_DIRECTORY/github-app-key` (it may not exist).
            case credential(path: String)

            /// The file.
            public var path: String {
                switch self {
                case .file(let path), .credential(let path): return path
                }
            }

            /// Where the path came from, for messages.
            public var setting: String {
                switch self {
                case .file: return "--github-app-private-key-file or GITHUB_APP_PRIVATE_KEY_FILE"
                case .credential: return "$CREDENTIALS_DIRECTORY/github-app-key"
                }
            }
        }

        /// Where the private key is: `--github-app-private-key-file`, `GITHUB_APP_PRIVATE_KEY_FILE`, or
        /// systemd's credential `$CREDENTIALS_DIRECTORY/github-app-key` (it may not exist).
        public var privateKey: KeySource?
        /// `--github-app-installation-id`, `GITHUB_APP_INSTALLATION_ID`; `nil`: found from the repository.
        public var installationID: Int64?

        /// - Parameters:
        ///   - id: The App's id or client id.
        ///   - privateKey: Where its private key is.
        ///   - installationID: Its installation, or `nil` to find it.
        public init(id: String, privateKey: KeySource?, installationID: Int64?) {
            self.id = id
            self.privateKey = privateKey
            self.installationID = installationID
        }
    }

    /// `--git-remote` and its branch and path (docs/behaviour.md §4.9).
    public struct GitRemoteOptions: Sendable, Hashable {
        /// The remote's URL, as given.
        public var url: String
        /// The branch; `nil`: the remote's default branch.
        public var branch: String?
        /// The desired state's folder inside the repository.
        public var path: String

        /// - Parameters:
        ///   - url: the remote's URL.
        ///   - branch: the branch, or `nil` for the default one.
        ///   - path: the folder inside the repository.
        public init(url: String, branch: String? = nil, path: String = "desired-state") {
            self.url = url
            self.branch = branch
            self.path = path
        }
    }

    public var command: Command
    /// `--desired-state`, `SANDBOXD_DESIRED_STATE`, `./desired-state`.
    public var desiredState: String
    /// `--state-dir`, `SANDBOXD_STATE_DIR`, the first path of `$STATE_DIRECTORY`, `./.sandboxd`.
    public var stateDirectory: String
    /// `--interval`, `SANDBOXD_INTERVAL`, `60s`.
    public var interval: LeaseDuration
    /// `--pool-name`, `SANDBOXD_POOL`, `default`: the value of the `sandboxd:pool` tag.
    public var poolName: String
    /// `--github-repository`, `GITHUB_REPOSITORY`; required unless ``local`` (checked at start-up).
    public var githubRepository: String?
    /// `--github-token-file`, else `GITHUB_TOKEN`, else `$CREDENTIALS_DIRECTORY/github-token`; `nil` with an App.
    public var githubToken: GitHubTokenSource?
    /// The GitHub App sandboxd authenticates as, when `--github-app-id` / `GITHUB_APP_ID` is set.
    public var githubApp: GitHubAppOptions?
    /// `GITHUB_API_URL`, `https://api.github.com`, without a trailing slash.
    public var githubAPIURL: String
    /// `--git-remote`, `SANDBOXD_GIT_REMOTE` (with `--git-branch`, `--git-path`); `nil`: `desiredState` is read as it is.
    public var gitRemote: GitRemoteOptions?
    /// `--metrics-file`, `SANDBOXD_METRICS_FILE`, none.
    public var metricsFile: String?
    /// `--metrics-file-mode`, `SANDBOXD_METRICS_FILE_MODE`, `0644`: readable by node_exporter's user.
    public var metricsFileMode: UInt16
    /// `--log-level`, `SANDBOXD_LOG_LEVEL`; `nil`: `run` logs from info up, the other commands from notice up.
    public var logLevel: Logger.Level?
    /// `--local`.
    public var local: Bool
    /// `--json` (`plan`, `status`).
    public var json: Bool
    /// `--online` (`validate`): also check the product with AWS.
    public var online: Bool
    /// `--format` (`validate`), `text`.
    public var format: Format
    /// `--wait` (`reconcile`).
    public var wait: Bool
    /// `--timeout` (`reconcile`, with or without `--wait`), `10m`.
    public var timeout: LeaseDuration
    /// `--allow-mass-release` (`reconcile`).
    public var allowMassRelease: Bool
    /// `--forecast-budget`, `SANDBOXD_FORECAST_BUDGET`, `10` (`run`): the percentage of GitHub's rate limit
    /// forecasts on open pull requests may use; `0`, or `--no-forecast`, turns them off (docs/behaviour.md §6.9).
    public var forecastBudget: Int
    /// `--ha-table`, `--ha-id`, `--ha-lease` (docs/behaviour.md §12).
    public var ha: HAOptions?

    /// Options with every default, as when nothing is given and the environment is empty.
    public init(command: Command) {
        self.command = command
        desiredState = "./desired-state"
        stateDirectory = "./.sandboxd"
        interval = LeaseDuration("60s")!
        poolName = "default"
        githubRepository = nil
        githubToken = nil
        githubApp = nil
        gitRemote = nil
        githubAPIURL = "https://api.github.com"
        metricsFile = nil
        metricsFileMode = 0o644
        logLevel = nil
        local = false
        json = false
        online = false
        format = .text
        wait = false
        timeout = LeaseDuration("10m")!
        allowMassRelease = false
        forecastBudget = 10
    }

    /// What a command line asks for.
    public enum Invocation: Sendable, Hashable {
        /// Print this help on stdout and exit 0.
        case help(String)
        /// Print the version and exit 0.
        case version
        /// Run a command.
        case run(CommandOptions)
    }

    /// Resolves a command line.
    ///
    /// - Parameters:
    ///   - arguments: The arguments after the program name.
    ///   - environment: The process environment (or a test's).
    /// - Throws: ``UsageError`` for an unknown command or option, a missing value, or a bad value
    ///   of an option or of the environment variable behind it.
    public static func resolve(arguments: [String], environment: [String: String]) throws(UsageError) -> Invocation {
        let parser = CommandCatalog.parser
        switch try parser.parse(arguments) {
        case .version:
            return .version
        case .help(nil):
            return .help(parser.programHelp(overview: CommandCatalog.overview))
        case .help(let name?):
            let command = parser.commands.first { $0.name == name }!
            return .help(parser.help(for: command))
        case .run(let parsed):
            return .run(try CommandOptions(parsed, environment: environment))
        }
    }

    init(_ parsed: ArgumentParser.Parsed, environment: [String: String]) throws(UsageError) {
        let command = Command(rawValue: parsed.command)!
        self.init(command: command)
        let options = OptionValues(parsed: parsed, environment: environment)
        let name = parsed.command

        if let (path, _) = options.value("desired-state", "SANDBOXD_DESIRED_STATE") { desiredState = path }

        if let (path, _) = options.value("state-dir", "SANDBOXD_STATE_DIR") {
            stateDirectory = path
        } else if options.accepted.contains("state-dir"), let paths = environment["STATE_DIRECTORY"],
            let first = paths.split(separator: ":").first(where: { !$0.isEmpty })
        {
            // systemd joins several StateDirectory= paths with ':'; the first is ours.
            stateDirectory = String(first)
        }

        if let parsedInterval = try options.duration("interval", "SANDBOXD_INTERVAL") { interval = parsedInterval }

        if let (pool, source) = options.value("pool-name", "SANDBOXD_POOL") {
            guard CommandOptions.isValidPoolName(pool) else {
                throw UsageError(
                    "\(source): '\(pool)' is not a valid pool name; use 1 to 63 letters, digits, '.', '_' or '-',"
                        + " starting with a letter or digit",
                    command: name
                )
            }
            poolName = pool
        }

        try resolveGitHub(options)
        try resolveGitRemote(options)

        if let (path, _) = options.value("metrics-file", "SANDBOXD_METRICS_FILE") { metricsFile = path }
        try resolveOperations(options)
        if command == .journal { try resolveJournalArguments(parsed) }
        local = parsed.flags.contains("local")
        json = parsed.flags.contains("json")
        online = parsed.flags.contains("online")
        try resolveHA(options, parsed)
        if let (text, source) = options.value("format", nil) {
            guard let parsedFormat = Format(rawValue: text) else {
                let names = Format.allCases.map(\.rawValue).joined(separator: " or ")
                throw UsageError("\(source): '\(text)' is not a format; use \(names)", command: name)
            }
            format = parsedFormat
        }
        wait = parsed.flags.contains("wait")
        allowMassRelease = parsed.flags.contains("allow-mass-release")
        try resolveForecast(options)
        if let parsedTimeout = try options.duration("timeout", nil) {
            timeout = parsedTimeout
        }
    }

    /// Resolves ``githubRepository``, ``githubToken`` or ``githubApp``, and ``githubAPIURL``.
    private mutating func resolveGitHub(_ options: OptionValues) throws(UsageError) {
        let name = options.parsed.command
        let environment = options.environment
        if let (repository, source) = options.value("github-repository", "GITHUB_REPOSITORY") {
            guard CommandOptions.isValidRepository(repository) else {
                throw UsageError(
                    "\(source): '\(repository)' is not OWNER/NAME, such as octo-org/sandboxes",
                    command: name
                )
            }
            githubRepository = repository
        }

        if options.accepted.contains("github-token-file") {
            try resolveGitHubCredentials(options)
            if let url = environment["GITHUB_API_URL"], !url.isEmpty {
                guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                    throw UsageError(
                        "GITHUB_API_URL: '\(url)' is not an http(s) URL, such as https://github.example.com/api/v3",
                        command: name
                    )
                }
                githubAPIURL = url.hasSuffix("/") ? String(url.dropLast()) : url
            }
        }
    }

    /// Resolves ``gitRemote``: `--git-branch` and `--git-path` mean nothing without `--git-remote`.
    private mutating func resolveGitRemote(_ options: OptionValues) throws(UsageError) {
        let branch = options.value("git-branch", "SANDBOXD_GIT_BRANCH")
        let path = options.value("git-path", "SANDBOXD_GIT_PATH")
        guard let (url, _) = options.value("git-remote", "SANDBOXD_GIT_REMOTE") else {
            if let (_, source) = branch ?? path {
                throw UsageError(
                    "\(source) is set without --git-remote (SANDBOXD_GIT_REMOTE): set the remote too, or remove it",
                    command: options.parsed.command
                )
            }
            return
        }
        let remote = GitRemoteOptions(url: url, branch: branch?.value, path: path?.value ?? GitRemote.defaultPath)
        do {
            _ = try GitRemote(url: remote.url, branch: remote.branch, path: remote.path)
        } catch {
            throw UsageError(error.message, command: options.parsed.command)
        }
        gitRemote = remote
    }

    /// Resolves ``githubToken`` or ``githubApp`` (docs/behaviour.md §4): a token, or an App, not both.
    private mutating func resolveGitHubCredentials(_ options: OptionValues) throws(UsageError) {
        let name = options.parsed.command
        let environment = options.environment
        let credentials = environment["CREDENTIALS_DIRECTORY"].flatMap { $0.isEmpty ? nil : $0 }
        func credential(_ file: String) -> String? {
            credentials.map { $0 + ($0.hasSuffix("/") ? "" : "/") + file }
        }
        var explicitToken: GitHubTokenSource?
        if let path = options.parsed.values["github-token-file"] {
            explicitToken = .file(path: path)
        } else if let token = environment["GITHUB_TOKEN"], !token.isEmpty {
            explicitToken = .environment(variable: "GITHUB_TOKEN")
        }
        guard let (id, idSource) = options.value("github-app-id", "GITHUB_APP_ID") else {
            for (option, variable) in [
                ("github-app-private-key-file", "GITHUB_APP_PRIVATE_KEY_FILE"),
                ("github-app-installation-id", "GITHUB_APP_INSTALLATION_ID"),
            ] {
                if let (_, source) = options.value(option, variable) {
                    throw UsageError(
                        "\(source) is set without --github-app-id (GITHUB_APP_ID): set the App's id too, "
                            + "or remove it to use a token",
                        command: name
                    )
                }
            }
            githubToken = explicitToken ?? credential("github-token").map { .credential(path: $0) }
            return
        }
        if let explicitToken {
            throw UsageError(
                "both a GitHub token (\(explicitToken)) and a GitHub App (\(idSource)) are set: use one, not both",
                command: name
            )
        }
        guard GitHubCredentials.App.isValidID(id) else {
            throw UsageError(
                "\(idSource): '\(id)' is not a GitHub App id (digits, such as 123456) or client id (such as "
                    + "Iv23liAbCdEf)",
                command: name
            )
        }
        var app = GitHubAppOptions(id: id, privateKey: nil, installationID: nil)
        if let (path, _) = options.value("github-app-private-key-file", "GITHUB_APP_PRIVATE_KEY_FILE") {
            app.privateKey = .file(path: path)
        } else if let path = credential("github-app-key") {
            app.privateKey = .credential(path: path)
        }
        if let (text, source) = options.value("github-app-installation-id", "GITHUB_APP_INSTALLATION_ID") {
            guard let installation = Int64(text), installation > 0 else {
                throw UsageError(
                    "\(source): '\(text)' is not an installation id (a positive number, shown in the URL of the "
                        + "App's installation settings)",
                    command: name
                )
            }
            app.installationID = installation
        }
        githubApp = app
    }

    /// Resolves ``metricsFileMode`` and ``logLevel`` (docs/behaviour.md §4.3, §7).
    private mutating func resolveOperations(_ options: OptionValues) throws(UsageError) {
        let name = options.parsed.command
        if let (text, source) = options.value("metrics-file-mode", "SANDBOXD_METRICS_FILE_MODE") {
            guard let mode = Self.fileMode(text) else {
                throw UsageError(
                    "\(source): '\(text)' is not a file mode; write it in octal, such as 0644 or 0640",
                    command: name
                )
            }
            metricsFileMode = mode
        }
        if let (text, source) = options.value("log-level", "SANDBOXD_LOG_LEVEL") {
            guard let level = Logger.Level(name: text) else {
                let names = Logger.Level.byName.map(\.description).joined(separator: ", ")
                throw UsageError("\(source): '\(text)' is not a log level; use one of \(names)", command: name)
            }
            logLevel = level
        }
    }

    /// Resolves ``forecastBudget``: a whole percentage 0 to 100; `--no-forecast` makes it 0.
    private mutating func resolveForecast(_ options: OptionValues) throws(UsageError) {
        if let (text, source) = options.value("forecast-budget", "SANDBOXD_FORECAST_BUDGET") {
            let digits = text.hasSuffix("%") ? String(text.dropLast()) : text
            guard digits.allSatisfy(\.isASCII), let percent = Int(digits), (0...100).contains(percent) else {
                throw UsageError(
                    "\(source): '\(text)' is not a percentage; give a whole number from 0 to 100 (0 turns forecasts off)",
                    command: options.parsed.command
                )
            }
            forecastBudget = percent
        }
        if options.parsed.flags.contains("no-forecast") { forecastBudget = 0 }
    }

    /// `journal verify [STATE-DIR]`: the action is `verify`, the directory replaces `--state-dir`.
    private mutating func resolveJournalArguments(_ parsed: ArgumentParser.Parsed) throws(UsageError) {
        guard parsed.arguments.first == "verify" else {
            let given = parsed.arguments.first.map { "unknown action '\($0)'" } ?? "missing action"
            throw UsageError(
                "\(given) for 'journal'; the one action is verify: sandboxd journal verify STATE-DIR",
                command: parsed.command
            )
        }
        if parsed.arguments.count > 1 { stateDirectory = parsed.arguments[1] }
    }

    /// `--ha-table` (a DynamoDB table name), `--ha-id`, `--ha-lease` (at least 3 s), and `ha`'s action.
    private mutating func resolveHA(_ options: OptionValues, _ parsed: ArgumentParser.Parsed) throws(UsageError) {
        let name = parsed.command
        var action: HAOptions.Action?
        if command == .ha {
            guard let given = parsed.arguments.first, let known = HAOptions.Action(rawValue: given) else {
                let given = parsed.arguments.first.map { "unknown action '\($0)'" } ?? "missing action"
                throw UsageError("\(given) for 'ha'; use sandboxd ha create-table or sandboxd ha import", command: name)
            }
            action = known
        }
        guard let (table, source) = options.value("ha-table", "SANDBOXD_HA_TABLE") else {
            if command == .ha { throw UsageError("'ha' needs --ha-table NAME (or SANDBOXD_HA_TABLE)", command: name) }
            return
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
        guard (3...255).contains(table.count), table.allSatisfy(allowed.contains) else {
            throw UsageError(
                "\(source): '\(table)' is not a DynamoDB table name; use 3 to 255 letters, digits, '_', '.' or '-'",
                command: name
            )
        }
        let lease = try options.duration("ha-lease", "SANDBOXD_HA_LEASE") ?? LeaseDuration("15s")!
        guard lease.seconds >= 3 else {
            throw UsageError("--ha-lease (SANDBOXD_HA_LEASE): the lease must be at least 3s", command: name)
        }
        if local { throw UsageError("--ha-table needs AWS: it cannot be combined with --local", command: name) }
        ha = HAOptions(
            table: table,
            replicaID: options.value("ha-id", "SANDBOXD_HA_ID")?.value,
            lease: lease,
            action: action
        )
    }

    /// An octal file mode of 3 or 4 digits (`644`, `0640`), at most `0777`.
    static func fileMode(_ text: String) -> UInt16? {
        guard (3...4).contains(text.count), text.allSatisfy({ ("0"..."7").contains($0) }),
            let mode = UInt16(text, radix: 8), mode <= 0o777
        else { return nil }
        return mode
    }

    /// A parsed command line and the environment, read option by option for one command.
    private struct OptionValues {
        /// The parsed command line.
        let parsed: ArgumentParser.Parsed
        /// The process environment (or a test's).
        let environment: [String: String]
        /// The names of the options the command has.
        let accepted: Set<String>

        init(parsed: ArgumentParser.Parsed, environment: [String: String]) {
            self.parsed = parsed
            self.environment = environment
            accepted = Set(CommandCatalog.commands.first { $0.name == parsed.command }!.options.map(\.name))
        }

        /// The flag's value, else the variable's (when the command has the option), with where it came from.
        func value(_ option: String, _ variable: String?) -> (value: String, source: String)? {
            guard accepted.contains(option) else { return nil }
            if let value = parsed.values[option] { return (value, "--\(option)") }
            if let variable, let value = environment[variable], !value.isEmpty { return (value, variable) }
            return nil
        }

        /// The option's value as a duration, if it is given.
        func duration(_ option: String, _ variable: String?) throws(UsageError) -> LeaseDuration? {
            guard let (text, source) = value(option, variable) else { return nil }
            guard let duration = LeaseDuration(text) else {
                throw UsageError(
                    "\(source): '\(text)' is not a duration; write a whole number followed by s, m, h or d,"
                        + " at most 3650d (ten years), such as 90s, 15m, 36h or 7d",
                    command: parsed.command
                )
            }
            return duration
        }
    }

    /// Whether `name` can be the pool's name: `^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`
    /// (a valid Service Catalog tag value, and short enough for logs and tokens).
    public static func isValidPoolName(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard (1...63).contains(scalars.count), isAlphanumeric(scalars[0]) else { return false }
        return scalars.allSatisfy { isAlphanumeric($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    /// Whether `text` reads as `OWNER/NAME`.
    static func isValidRepository(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return parts.allSatisfy { part in
            (1...100).contains(part.count)
                && part.unicodeScalars.allSatisfy { isAlphanumeric($0) || $0 == "." || $0 == "_" || $0 == "-" }
        }
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
