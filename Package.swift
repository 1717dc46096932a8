// swift-tools-version:6.2
import PackageDescription

// sandboxd uses the toolchain only: no third-party packages (see README, "Why no dependencies").
let package = Package(
    name: "sandboxd",
    products: [
        .executable(name: "sandboxd", targets: ["sandboxd"])
    ],
    targets: [
        // Pure: models, desired-state reader, journal codec and state, planner, notification text.
        .target(name: "SandboxCore", dependencies: ["SandboxCrypto"]),
        // Concurrency primitives the Linux runtime and the sanitizers get right: a value behind a pthread mutex
        // (`Synchronization.Mutex`'s interface, seen by ThreadSanitizer), a sleep that frees itself when cancelled.
        .target(name: "SandboxLocking"),
        // Pure: SHA-256, HMAC-SHA256, CRC32C, SHA-1 (only for the names botocore gives files).
        .target(name: "SandboxCrypto"),
        // The small HTTP layer both API clients share (URLSession, no redirects, timeouts).
        .target(name: "SandboxHTTP", dependencies: ["SandboxLocking"]),
        // Effects: whole files replaced atomically and durably (tmp, fsync, rename, directory fsync).
        .target(name: "SandboxFiles"),
        // Effects: file journal, executor, clock, logging, metrics, sd_notify, signals.
        .target(
            name: "SandboxRuntime",
            dependencies: ["SandboxLocking", "SandboxCore", "SandboxCrypto", "SandboxFiles"]
        ),
        // Adapter: AWS Service Catalog over SigV4 (and STS/IMDS/ECS for credentials).
        .target(name: "SandboxAWS", dependencies: ["SandboxLocking", "SandboxCore", "SandboxCrypto", "SandboxHTTP"]),
        // Adapter: GitHub REST (verification and pull-request comments), as a token or a GitHub App (RS256 JWT).
        .target(
            name: "SandboxGitHub",
            dependencies: ["SandboxLocking", "SandboxCore", "SandboxCrypto", "SandboxFiles", "SandboxHTTP"]
        ),
        // Effects: the desired state read from a git remote — a bare clone driven by the `git` program,
        // credentials through askpass only, one fetched commit per pass.
        .target(name: "SandboxGit", dependencies: ["SandboxLocking", "SandboxCore", "SandboxFiles"]),
        // Adapter: the embedded Service Catalog simulator and offline GitHub behind `--local`.
        .target(
            name: "SandboxLocal",
            dependencies: ["SandboxLocking", "SandboxCore", "SandboxFiles", "SandboxRuntime"]
        ),
        // Adapter: high availability on DynamoDB — the leader's lease with its fencing token, and the journal in the
        // table (docs/behaviour.md §11), over SandboxAWS's signer and retrying sender.
        .target(
            name: "SandboxHA",
            dependencies: [
                "SandboxLocking", "SandboxAWS", "SandboxCore", "SandboxCrypto", "SandboxHTTP", "SandboxRuntime",
            ]
        ),
        // The commands (argument parsing, validate/plan/reconcile/status/run), as a library for tests.
        .target(
            name: "SandboxCommands",
            dependencies: [
                "SandboxLocking",
                "SandboxCore", "SandboxFiles", "SandboxRuntime", "SandboxAWS", "SandboxGitHub", "SandboxGit",
                "SandboxLocal", "SandboxHA", "SandboxHTTP",
            ]
        ),
        // `SandboxGit` directly too: the executable answers git's askpass prompts before anything else.
        .executableTarget(name: "sandboxd", dependencies: ["SandboxCommands", "SandboxGit"]),
        // The benchmarks of docs/BENCHMARKS.md; the daemon cases run the `sandboxd` binary of the same build
        // against SandboxTesting's loopback fakes.
        .executableTarget(
            name: "sandboxd-benchmarks",
            dependencies: [
                "SandboxLocking", "SandboxCrypto", "SandboxCore", "SandboxHTTP", "SandboxRuntime", "SandboxTesting",
            ],
            path: "Benchmarks/sandboxd-benchmarks"
        ),
        // The whole-process crash torture of docs/RELIABILITY.md: the `sandboxd` binary of the same build SIGKILLed
        // and restarted against SandboxTesting's loopback fakes (Scripts/torture.sh runs it).
        .executableTarget(
            name: "sandboxd-torture",
            dependencies: [
                "SandboxLocking",
                "SandboxAWS", "SandboxCore", "SandboxHA", "SandboxHTTP", "SandboxRuntime", "SandboxTesting",
            ],
            path: "Torture/sandboxd-torture"
        ),
        // Test support: fakes (InMemoryCatalog, crash decorators) and a loopback HTTP/1.1 server.
        .target(
            name: "SandboxTesting",
            dependencies: ["SandboxLocking", "SandboxCore", "SandboxCrypto", "SandboxHTTP", "SandboxRuntime"]
        ),

        // Test support: runs a command and reports its own peak RSS from wait4, spawned from a process small
        // enough that the figure is the command's (Tests/SandboxCommandsTests/MeasuredProcess.swift says why).
        .executableTarget(name: "sandboxd-rusage", path: "Tests/RusageProbe"),

        .testTarget(
            name: "SandboxCoreTests",
            dependencies: ["SandboxLocking", "SandboxCore", "SandboxRuntime", "SandboxTesting"]
        ),
        .testTarget(name: "SandboxCryptoTests", dependencies: ["SandboxCrypto"], resources: [.copy("Vectors")]),
        .testTarget(
            name: "SandboxRuntimeTests",
            dependencies: ["SandboxLocking", "SandboxRuntime", "SandboxCore", "SandboxLocal", "SandboxTesting"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SandboxAWSTests",
            dependencies: [
                "SandboxLocking",
                "SandboxAWS", "SandboxCore", "SandboxCrypto", "SandboxHTTP", "SandboxRuntime", "SandboxTesting",
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SandboxGitHubTests",
            dependencies: [
                "SandboxLocking",
                "SandboxGitHub", "SandboxCore", "SandboxCrypto", "SandboxFiles", "SandboxHTTP", "SandboxRuntime",
                "SandboxTesting",
            ]
        ),
        // Runs `git` against bare repositories in temporary directories, and `sandboxd` as the askpass program.
        .testTarget(
            name: "SandboxGitTests",
            dependencies: [
                "SandboxLocking", "SandboxGit", "SandboxCore", "SandboxRuntime", "SandboxTesting", "SandboxHTTP",
                "sandboxd",
            ]
        ),
        .testTarget(
            name: "SandboxHATests",
            dependencies: [
                "SandboxLocking",
                "SandboxHA", "SandboxAWS", "SandboxCore", "SandboxHTTP", "SandboxRuntime", "SandboxTesting", "sandboxd",
            ]
        ),
        .testTarget(
            name: "SandboxCommandsTests",
            dependencies: [
                "SandboxLocking",
                "SandboxCommands", "SandboxCore", "SandboxCrypto", "SandboxRuntime", "SandboxLocal", "SandboxTesting",
                "SandboxHTTP", "SandboxHA", "SandboxGitHub", "SandboxAWS", "sandboxd", "sandboxd-rusage",
            ]
        ),
    ]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
        .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    ])
    target.swiftSettings = settings
}
