import SandboxCommands
import SandboxCore
import Testing

@Suite("CommandOptions")
struct CommandOptionsTests {
    private func options(_ arguments: [String], _ environment: [String: String] = [:]) throws -> CommandOptions {
        guard case .run(let options) = try CommandOptions.resolve(arguments: arguments, environment: environment) else {
            Issue.record("expected a command to run")
            return CommandOptions(command: .validate)
        }
        return options
    }

    private func usageError(_ arguments: [String], _ environment: [String: String] = [:]) -> UsageError? {
        do {
            _ = try CommandOptions.resolve(arguments: arguments, environment: environment)
            return nil
        } catch {
            return error
        }
    }

    @Test("with no flags and no environment, every option has the contract's default")
    func defaults() throws {
        let options = try options(["reconcile"])
        #expect(options == CommandOptions(command: .reconcile))
        #expect(options.desiredState == "./desired-state")
        #expect(options.stateDirectory == "./.sandboxd")
        #expect(options.interval.text == "60s")
        #expect(options.poolName == "default")
        #expect(options.githubRepository == nil)
        #expect(options.githubToken == nil)
        #expect(options.githubAPIURL == "https://api.github.com")
        #expect(options.metricsFile == nil)
        #expect(!options.local && !options.json && !options.wait && !options.allowMassRelease)
        #expect(options.timeout.text == "10m")
    }

    static let environment = [
        "SANDBOXD_DESIRED_STATE": "/srv/ds",
        "SANDBOXD_STATE_DIR": "/var/lib/x",
        "STATE_DIRECTORY": "/var/lib/sandboxd",
        "SANDBOXD_INTERVAL": "5m",
        "SANDBOXD_POOL": "team-a",
        "GITHUB_REPOSITORY": "octo-org/sandboxes",
        "GITHUB_TOKEN": "ghp_secret",
        "SANDBOXD_METRICS_FILE": "/var/lib/node/sandboxd.prom",
        "GITHUB_API_URL": "https://ghe.example.com/api/v3/",
    ]

    @Test("each option falls back to its environment variable")
    func environmentFallbacks() throws {
        let options = try options(["run"], Self.environment)
        #expect(options.desiredState == "/srv/ds")
        #expect(options.stateDirectory == "/var/lib/x")
        #expect(options.interval.seconds == 300)
        #expect(options.poolName == "team-a")
        #expect(options.githubRepository == "octo-org/sandboxes")
        #expect(options.githubToken == .environment(variable: "GITHUB_TOKEN"))
        #expect(options.metricsFile == "/var/lib/node/sandboxd.prom")
        #expect(options.githubAPIURL == "https://ghe.example.com/api/v3")
    }

    @Test("a flag wins over its environment variable, in both spellings")
    func flagsWin() throws {
        let options = try options(
            [
                "run", "--desired-state", "ds", "--state-dir=/tmp/s", "--interval", "90s", "--pool-name=blue",
                "--github-repository", "me/repo", "--github-token-file", "/run/token", "--metrics-file=/m.prom",
                "--local",
            ],
            Self.environment
        )
        #expect(options.desiredState == "ds")
        #expect(options.stateDirectory == "/tmp/s")
        #expect(options.interval.seconds == 90)
        #expect(options.poolName == "blue")
        #expect(options.githubRepository == "me/repo")
        #expect(options.githubToken == .file(path: "/run/token"))
        #expect(options.metricsFile == "/m.prom")
        #expect(options.local)
    }

    @Test(
        "the state directory comes from STATE_DIRECTORY when systemd sets it, the first of several",
        arguments: [
            ("/var/lib/sandboxd", "/var/lib/sandboxd"),
            ("/var/lib/sandboxd:/var/lib/other", "/var/lib/sandboxd"),
            ("", "./.sandboxd"),
        ]
    )
    func stateDirectoryFromSystemd(value: String, expected: String) throws {
        #expect(try options(["status"], ["STATE_DIRECTORY": value]).stateDirectory == expected)
    }

    @Test("the GitHub token source: a file, else GITHUB_TOKEN, else the systemd credential")
    func tokenSource() throws {
        #expect(
            try options(["run"], ["CREDENTIALS_DIRECTORY": "/run/credentials/sandboxd.service"]).githubToken
                == .credential(path: "/run/credentials/sandboxd.service/github-token")
        )
        #expect(
            try options(["run"], ["CREDENTIALS_DIRECTORY": "/run/c", "GITHUB_TOKEN": "t"]).githubToken
                == .environment(variable: "GITHUB_TOKEN")
        )
        #expect(
            try options(
                ["run", "--github-token-file", "/f"],
                ["CREDENTIALS_DIRECTORY": "/run/c", "GITHUB_TOKEN": "t"]
            )
            .githubToken == .file(path: "/f")
        )
        #expect(try options(["run"], ["GITHUB_TOKEN": ""]).githubToken == nil)
    }

    @Test("a GitHub App: its id, its key file (else the systemd credential github-app-key), its installation")
    func githubApp() throws {
        let fromFlags = try options(
            [
                "run", "--github-app-id", "123456", "--github-app-private-key-file", "/k.pem",
                "--github-app-installation-id", "42",
            ],
            ["CREDENTIALS_DIRECTORY": "/run/c"]
        )
        #expect(fromFlags.githubToken == nil)
        #expect(
            fromFlags.githubApp
                == CommandOptions.GitHubAppOptions(id: "123456", privateKey: .file(path: "/k.pem"), installationID: 42)
        )
        let fromEnvironment = try options(
            ["reconcile"],
            ["GITHUB_APP_ID": "Iv23liAbCd", "CREDENTIALS_DIRECTORY": "/run/c/"]
        )
        #expect(
            fromEnvironment.githubApp
                == CommandOptions.GitHubAppOptions(
                    id: "Iv23liAbCd",
                    privateKey: .credential(path: "/run/c/github-app-key"),
                    installationID: nil
                )
        )
        // The token's systemd credential is not looked at with an App.
        #expect(fromEnvironment.githubToken == nil)
    }

    @Test(
        "a token and an App together, an App setting without its id, or a bad id is a usage error",
        arguments: [
            (["run", "--github-app-id", "1"], ["GITHUB_TOKEN": "t"], "not both"),
            (["run", "--github-app-id", "1", "--github-token-file", "/t"], [:], "not both"),
            (["run", "--github-app-private-key-file", "/k"], [:], "without --github-app-id"),
            (["run"], ["GITHUB_APP_INSTALLATION_ID": "5"], "GITHUB_APP_INSTALLATION_ID is set without"),
            (["run", "--github-app-id", "1 2"], [:], "is not a GitHub App id"),
            (["run", "--github-app-id", "1", "--github-app-installation-id", "x"], [:], "is not an installation id"),
            (["run", "--github-app-id", "1", "--github-app-installation-id", "0"], [:], "is not an installation id"),
        ] as [([String], [String: String], String)]
    )
    func githubAppUsageErrors(arguments: [String], environment: [String: String], message: String) {
        let error = usageError(arguments, environment)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test("the token itself never appears in the options")
    func tokenNeverStored() throws {
        let options = try options(["run"], ["GITHUB_TOKEN": "ghp_verysecret"])
        #expect(!String(describing: options).contains("ghp_verysecret"))
        #expect(!String(reflecting: options).contains("ghp_verysecret"))
    }

    @Test("per-command flags: --json, --wait, --timeout, --allow-mass-release")
    func commandFlags() throws {
        #expect(try options(["plan", "--json"]).json)
        #expect(try options(["status", "--json"]).json)
        let reconcile = try options(["reconcile", "--wait", "--timeout", "2m", "--allow-mass-release"])
        #expect(reconcile.wait && reconcile.allowMassRelease)
        #expect(reconcile.timeout.seconds == 120)
    }

    @Test("validate reads only --desired-state and ignores other variables, even bad ones")
    func validateIgnoresOtherSettings() throws {
        let options = try options(
            ["validate", "--desired-state=x"],
            ["SANDBOXD_INTERVAL": "soon", "SANDBOXD_POOL": "bad pool", "STATE_DIRECTORY": "/s"]
        )
        #expect(options.desiredState == "x")
        #expect(options.interval.text == "60s")
        #expect(options.stateDirectory == "./.sandboxd")
    }

    @Test(
        "a bad command line is a usage error naming what is wrong",
        arguments: [
            ([], [:], "missing command"),
            (["deploy"], [:], "unknown command 'deploy'"),
            (["plan", "--bogus"], [:], "unknown option '--bogus' for 'plan'"),
            (["plan", "-x"], [:], "unknown option '-x'"),
            (["validate", "--local"], [:], "unknown option '--local' for 'validate'"),
            (["plan", "--wait"], [:], "(it belongs to reconcile)"),
            (["plan", "--interval"], [:], "missing value for --interval DURATION"),
            (["plan", "--interval", "--local"], [:], "missing value for --interval"),
            (["plan", "--interval="], [:], "missing value for --interval"),
            (["plan", "--local=yes"], [:], "--local is a flag and takes no value"),
            (["plan", "extra"], [:], "unexpected argument 'extra'"),
            (["plan", "--", "--json"], [:], "unexpected argument '--json'"),
            (["--local", "plan"], [:], "--local must come after the command"),
            (["--frobnicate"], [:], "unknown option '--frobnicate'"),
            (["run", "--interval", "5x"], [:], "--interval: '5x' is not a duration"),
            (["run"], ["SANDBOXD_INTERVAL": "0s"], "SANDBOXD_INTERVAL: '0s' is not a duration"),
            (["run", "--pool-name=-bad"], [:], "'-bad' is not a valid pool name"),
            (["run", "--pool-name", "-bad"], [:], "write --pool-name=-bad"),
            (["run"], ["SANDBOXD_POOL": "a b"], "SANDBOXD_POOL: 'a b' is not a valid pool name"),
            (["run", "--pool-name", String(repeating: "p", count: 64)], [:], "is not a valid pool name"),
            (["run", "--github-repository", "octocat"], [:], "is not OWNER/NAME"),
            (["run"], ["GITHUB_REPOSITORY": "a/b/c"], "GITHUB_REPOSITORY: 'a/b/c' is not OWNER/NAME"),
            (["run"], ["GITHUB_API_URL": "api.github.com"], "GITHUB_API_URL"),
            (["reconcile", "--wait", "--timeout", "forever"], [:], "--timeout: 'forever' is not a duration"),
        ] as [([String], [String: String], String)]
    )
    func usageErrors(arguments: [String], environment: [String: String], message: String) throws {
        let error = try #require(usageError(arguments, environment))
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test("usage errors go to stderr and exit 64")
    func usageExitCode() async {
        let (status, captured) = await runSandboxd(["plan", "--bogus"])
        #expect(status == 64)
        #expect(captured.stdout.isEmpty)
        #expect(
            captured.stderr
                == "sandboxd: error: unknown option '--bogus' for 'plan'\nRun 'sandboxd plan --help' for usage.\n"
        )
    }

    @Test("--version prints the version")
    func version() async {
        for arguments in [["--version"], ["status", "--version"]] {
            let (status, captured) = await runSandboxd(arguments)
            #expect(status == 0)
            #expect(captured.stdout == "sandboxd 0.1.0\n")
        }
    }

    @Test("--help lists the commands", arguments: [["--help"], ["-h"], ["--help", "plan"]])
    func programHelp(arguments: [String]) async {
        let (status, captured) = await runSandboxd(arguments)
        #expect(status == 0)
        for command in CommandOptions.Command.allCases {
            #expect(captured.stdout.contains("  \(command.rawValue) "))
        }
        #expect(captured.stdout.contains("USAGE: sandboxd COMMAND [options]"))
    }

    @Test("every command has --help (and -h), listing its options", arguments: CommandOptions.Command.allCases)
    func commandHelp(command: CommandOptions.Command) async throws {
        for flag in ["--help", "-h"] {
            // Help wins over anything else on the line, even a bad option.
            let (status, captured) = await runSandboxd([command.rawValue, "--bogus", flag])
            #expect(status == 0)
            #expect(captured.stderr.isEmpty)
            // journal verify reads a state directory only: no desired state.
            guard command != .journal else {
                #expect(captured.stdout.contains("USAGE: sandboxd journal verify [STATE-DIR] [options]"))
                continue
            }
            guard command != .ha else {
                #expect(captured.stdout.contains("USAGE: sandboxd ha create-table|import [options]"))
                continue
            }
            #expect(captured.stdout.contains("USAGE: sandboxd \(command.rawValue) [options]"))
            #expect(captured.stdout.contains("--desired-state DIR"))
            #expect(captured.stdout.contains("SANDBOXD_DESIRED_STATE"))
        }
        let (_, captured) = await runSandboxd([command.rawValue, "--help"])
        let help = captured.stdout
        switch command {
        case .validate:
            #expect(!help.contains("--state-dir"))
        case .plan, .status:
            #expect(help.contains("--json"))
        case .reconcile:
            for option in ["--wait", "--timeout DURATION", "--allow-mass-release", "default: 10m"] {
                #expect(help.contains(option))
            }
        case .run:
            for option in [
                "--state-dir DIR", "STATE_DIRECTORY", "--interval DURATION", "SANDBOXD_INTERVAL", "--pool-name NAME",
                "SANDBOXD_POOL", "--github-repository OWNER/NAME", "GITHUB_REPOSITORY", "--github-token-file PATH",
                "GITHUB_TOKEN", "CREDENTIALS_DIRECTORY", "--metrics-file PATH", "SANDBOXD_METRICS_FILE", "--local",
                "--metrics-file-mode MODE", "SANDBOXD_METRICS_FILE_MODE", "default: 0644", "--log-level LEVEL",
                "SANDBOXD_LOG_LEVEL", "--ha-table NAME", "SANDBOXD_HA_TABLE", "--ha-id ID", "--ha-lease DURATION",
            ] {
                #expect(help.contains(option), "\(option)")
            }
        case .journal:
            for option in ["--state-dir DIR", "--log-level LEVEL", "without taking the lock"] {
                #expect(help.contains(option), "\(option)")
            }
            #expect(!help.contains("--desired-state"))
        case .ha:
            for option in ["--ha-table NAME", "--state-dir DIR", "same lineage"] {
                #expect(help.contains(option), "\(option)")
            }
        }
    }

    @Test("--ha-table: a table name, a lease of at least 3s, not with --local; without it nothing is set")
    func haOptions() throws {
        func resolve(_ arguments: [String], _ environment: [String: String] = [:]) throws(UsageError) -> CommandOptions
        {
            guard case .run(let options) = try CommandOptions.resolve(arguments: arguments, environment: environment)
            else { throw UsageError("not a run", command: nil) }
            return options
        }
        #expect(try resolve(["run"]).ha == nil)
        let ha = try #require(try resolve(["run", "--ha-table", "sandboxd-ha", "--ha-id", "east"]).ha)
        #expect(ha.table == "sandboxd-ha")
        #expect(ha.replicaID == "east")
        #expect(ha.lease.seconds == 15)
        #expect(ha.action == nil)
        let fromEnvironment = try resolve(["run"], ["SANDBOXD_HA_TABLE": "t-1", "SANDBOXD_HA_LEASE": "3s"]).ha
        #expect(fromEnvironment?.lease.seconds == 3)
        #expect(try resolve(["ha", "import", "--ha-table", "t-1"]).ha?.action == .importJournal)
        for (arguments, message) in [
            (["run", "--ha-table", "a b"], "not a DynamoDB table name"),
            (["run", "--ha-table", "abc", "--ha-lease", "2s"], "at least 3s"),
            (["run", "--ha-table", "abc", "--local"], "cannot be combined with --local"),
            (["ha", "import"], "needs --ha-table"),
            (["ha", "export", "--ha-table", "abc"], "unknown action 'export'"),
        ] {
            #expect(throws: UsageError.self) { try resolve(arguments) }
            do { _ = try resolve(arguments) } catch { #expect(error.message.contains(message), "\(arguments)") }
        }
    }

    @Test("status on a state directory with no journal shows an empty pool and exits 0")
    func statusOnNothing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // The directory exists (one that does not is an error: TruthfulReadOnlyCommandTests).
        try directory.createDirectory("state")
        let (status, captured) = await runSandboxd([
            "status", "--state-dir", directory.path("state"),
            "--desired-state", directory.path("missing"),
        ])
        #expect(status == 0, "\(captured.stderr)")
        #expect(captured.stdout.contains("0 requests"))
    }
}
