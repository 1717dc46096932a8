/// The commands of `sandboxd` and their options (docs/behaviour.md §4), as the ``ArgumentParser`` reads them.
enum CommandCatalog {
    static let desiredState = ArgumentParser.Option(
        name: "desired-state",
        kind: .value(placeholder: "DIR"),
        help: "The desired-state directory: pool.json, requests/, templates/.",
        environment: "SANDBOXD_DESIRED_STATE",
        defaultDescription: "./desired-state"
    )

    static let common: [ArgumentParser.Option] = [
        desiredState,
        .init(
            name: "state-dir",
            kind: .value(placeholder: "DIR"),
            help: "Where the journal and the lock live (and, with --local, the simulator and outbox).",
            environment: "SANDBOXD_STATE_DIR",
            defaultDescription: "$STATE_DIRECTORY when systemd sets it, else ./.sandboxd"
        ),
        .init(
            name: "interval",
            kind: .value(placeholder: "DURATION"),
            help: "Time between passes when nothing changes, such as 60s or 5m.",
            environment: "SANDBOXD_INTERVAL",
            defaultDescription: "60s"
        ),
        .init(
            name: "pool-name",
            kind: .value(placeholder: "NAME"),
            help: "The pool's name, set as the tag sandboxd:pool on every product it owns.",
            environment: "SANDBOXD_POOL",
            defaultDescription: "default"
        ),
        .init(
            name: "git-remote",
            kind: .value(placeholder: "URL"),
            help: "Follow this git repository: sandboxd keeps its own clone in the state directory and reads each"
                + " pass from one fetched commit (--desired-state is then not used).",
            environment: "SANDBOXD_GIT_REMOTE",
            defaultDescription: "none: read --desired-state as it is"
        ),
        .init(
            name: "git-branch",
            kind: .value(placeholder: "NAME"),
            help: "The branch of --git-remote to follow.",
            environment: "SANDBOXD_GIT_BRANCH",
            defaultDescription: "the remote's default branch"
        ),
        .init(
            name: "git-path",
            kind: .value(placeholder: "PATH"),
            help: "The desired state's folder inside the repository of --git-remote.",
            environment: "SANDBOXD_GIT_PATH",
            defaultDescription: "desired-state"
        ),
        .init(
            name: "github-repository",
            kind: .value(placeholder: "OWNER/NAME"),
            help: "The repository whose pull requests add request files.",
            environment: "GITHUB_REPOSITORY",
            defaultDescription: "required unless --local"
        ),
        .init(
            name: "github-token-file",
            kind: .value(placeholder: "PATH"),
            help: "A file holding the GitHub token. The token is never printed.",
            environment: "GITHUB_TOKEN holds the token itself",
            defaultDescription: "$CREDENTIALS_DIRECTORY/github-token when present"
        ),
        .init(
            name: "github-app-id",
            kind: .value(placeholder: "ID"),
            help: "Authenticate as this GitHub App (its id or client id) instead of with a token.",
            environment: "GITHUB_APP_ID",
            defaultDescription: "none (a token instead)"
        ),
        .init(
            name: "github-app-private-key-file",
            kind: .value(placeholder: "PATH"),
            help: "The GitHub App's private key (PEM, PKCS#1 or PKCS#8), read again when it changes. Never printed.",
            environment: "GITHUB_APP_PRIVATE_KEY_FILE",
            defaultDescription: "$CREDENTIALS_DIRECTORY/github-app-key when present"
        ),
        .init(
            name: "github-app-installation-id",
            kind: .value(placeholder: "ID"),
            help: "The App's installation on the repository's owner.",
            environment: "GITHUB_APP_INSTALLATION_ID",
            defaultDescription: "found from the repository"
        ),
        .init(
            name: "metrics-file",
            kind: .value(placeholder: "PATH"),
            help: "After every pass, write Prometheus metrics to this file (node_exporter textfile).",
            environment: "SANDBOXD_METRICS_FILE",
            defaultDescription: "none"
        ),
        metricsFileMode,
        logLevel,
        .init(
            name: "local",
            kind: .flag,
            help: "Run everything on this machine: a Service Catalog simulator in the state directory, no GitHub"
                + " checks, comments written to <state-dir>/outbox/."
        ),
    ]

    /// High availability on DynamoDB (docs/behaviour.md §12).
    static let highAvailability: [ArgumentParser.Option] = [
        .init(
            name: "ha-table",
            kind: .value(placeholder: "NAME"),
            help: "Run as one of several replicas: the leader holds a lease in this DynamoDB table, where the"
                + " journal lives too; the others stand by.",
            environment: "SANDBOXD_HA_TABLE",
            defaultDescription: "none: one host, the file journal"
        ),
        .init(
            name: "ha-id",
            kind: .value(placeholder: "ID"),
            help: "This replica's name in the lease.",
            environment: "SANDBOXD_HA_ID",
            defaultDescription: "HOSTNAME-PID"
        ),
        .init(
            name: "ha-lease",
            kind: .value(placeholder: "DURATION"),
            help: "How long the leader's lease lasts; renewed every third of it. A standby takes over after it.",
            environment: "SANDBOXD_HA_LEASE",
            defaultDescription: "15s"
        ),
    ]

    /// `sandboxd ha import|create-table` (docs/behaviour.md §12.5).
    static let ha = ArgumentParser.Command(
        name: CommandOptions.Command.ha.rawValue,
        abstract: "High availability: ha create-table, or ha import (a single-host journal into the table).",
        discussion: """
            create-table makes --ha-table (on-demand, TTL on expires_at). import copies the journal of
            --state-dir into --ha-table as one snapshot of the same lineage, while no replica runs: it takes the
            pool's lease for the copy and refuses a table that already holds the pool's journal.
            """,
        options: common + highAvailability,
        arguments: ["create-table|import"]
    )

    static let json = ArgumentParser.Option(name: "json", kind: .flag, help: "Print JSON instead of text.")

    /// `--metrics-file-mode` (docs/behaviour.md §8): the metrics file is read by node_exporter's user.
    static let metricsFileMode = ArgumentParser.Option(
        name: "metrics-file-mode",
        kind: .value(placeholder: "MODE"),
        help: "The metrics file's permissions, in octal; 0640 with a group node_exporter is in.",
        environment: "SANDBOXD_METRICS_FILE_MODE",
        defaultDescription: "0644"
    )

    /// `--log-level` (docs/behaviour.md §7).
    static let logLevel = ArgumentParser.Option(
        name: "log-level",
        kind: .value(placeholder: "LEVEL"),
        help: "The least severe log lines written: error, warning, notice, info or debug.",
        environment: "SANDBOXD_LOG_LEVEL",
        defaultDescription: "info for run, notice for the other commands"
    )

    /// `--forecast-budget` and `--no-forecast` (docs/behaviour.md §6.9): forecasts on open pull requests.
    static let forecast: [ArgumentParser.Option] = [
        .init(
            name: "forecast-budget",
            kind: .value(placeholder: "PERCENT"),
            help: "The share of GitHub's rate limit the forecasts on open pull requests may use; 0 turns them off.",
            environment: "SANDBOXD_FORECAST_BUDGET",
            defaultDescription: "10"
        ),
        .init(name: "no-forecast", kind: .flag, help: "Post no forecasts on open pull requests."),
    ]

    /// `sandboxd journal verify [STATE-DIR]` (docs/behaviour.md §4.5): checks a journal, never changes it.
    static let journal = ArgumentParser.Command(
        name: CommandOptions.Command.journal.rawValue,
        abstract: "Check a journal, every checksum and record: journal verify [STATE-DIR].",
        discussion: """
            Reads the journal of STATE-DIR (else --state-dir) without taking the lock and without changing a
            byte, not even a torn tail: a running daemon's journal, or a backup's copy. Prints the records,
            lineage, last seq and requests, and exits 0 when the journal is intact, 1 when it is damaged or
            cannot be read (saying what is wrong).
            """,
        options: common.filter { $0.name == "state-dir" } + [logLevel],
        arguments: ["verify", "[STATE-DIR]"]
    )

    static let online = ArgumentParser.Option(
        name: "online",
        kind: .flag,
        help: "Also ask AWS Service Catalog whether the pool's product and artifact exist (needs AWS settings)."
    )

    static let format = ArgumentParser.Option(
        name: "format",
        kind: .value(placeholder: "FORMAT"),
        help: "How to print the problems: text (PATH:LINE:COLUMN: message) or github (GitHub Actions"
            + " annotations, ::error file=…,line=…,col=…::message, paths from the repository's root).",
        defaultDescription: "text"
    )

    static let commands: [ArgumentParser.Command] = [
        .init(
            name: CommandOptions.Command.validate.rawValue,
            abstract: "Check the desired-state directory on its own (no journal, no network).",
            discussion: """
                Prints one line per problem, PATH: message (warnings too), and exits 1 if any is an error,
                0 otherwise. With --format github each problem is a GitHub Actions workflow command instead, so
                a pull request's check annotates the file and line; what the files say is escaped, so it can
                never make a command of its own. With --online it also checks the product with AWS (region and
                credentials as for reconcile).
                """,
            options: [desiredState, format, online, logLevel]
        ),
        .init(
            name: CommandOptions.Command.plan.rawValue,
            abstract: "Show what one pass would do, without doing it.",
            discussion: "Exits 0 when there is nothing to do, 2 when changes are pending, 1 on an error.",
            options: common + [json]
        ),
        .init(
            name: CommandOptions.Command.reconcile.rawValue,
            abstract: "Run one pass, then exit.",
            discussion: "Exits 0 unless the pass hit errors.",
            options: common + [
                .init(
                    name: "wait",
                    kind: .flag,
                    help: "Pass again (every 1s with --local, 5s otherwise) until nothing is pending, provisioning"
                        + " or terminating."
                ),
                .init(
                    name: "timeout",
                    kind: .value(placeholder: "DURATION"),
                    help: "Stop and exit 1 after this long, within a pass too (the call in flight is cancelled;"
                        + " the next pass finishes it).",
                    defaultDescription: "10m"
                ),
                .init(
                    name: "allow-mass-release",
                    kind: .flag,
                    help: "Let this pass release sandboxes even when the safety brake would stop it (more than"
                        + " half of the live ones, or requests/ empty or missing)."
                ),
            ]
        ),
        .init(
            name: CommandOptions.Command.run.rawValue,
            abstract: "Run the daemon: a pass on every change and every --interval.",
            discussion: "SIGTERM finishes the call in flight and exits 0; SIGHUP starts a pass at once.",
            options: common + forecast + highAvailability
        ),
        .init(
            name: CommandOptions.Command.status.rawValue,
            abstract: "Show every request: state, requester, product, expiry, queue position.",
            discussion: "Only reads the state directory; it never repairs or rewrites anything.",
            options: common + [json] + highAvailability
        ),
        journal,
        ha,
    ]

    static let parser = ArgumentParser(programName: "sandboxd", commands: commands)

    static let overview = "Dispenses time-limited AWS sandboxes from a fixed pool, GitOps style."
}
