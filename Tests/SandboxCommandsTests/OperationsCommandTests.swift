import Foundation
import Glibc
import SandboxCommands
import SandboxCore
import SandboxFiles
import SandboxRuntime
import Testing

/// What operators run (README "Operations", docs/behaviour.md §4.5, §7, §8): `journal verify`, `--log-level`
/// and the metrics file's mode.
@Suite("operations: journal verify, --log-level, --metrics-file-mode")
struct OperationsCommandTests {
    private func resolved(_ arguments: [String], _ environment: [String: String] = [:]) throws -> CommandOptions? {
        guard case .run(let options) = try CommandOptions.resolve(arguments: arguments, environment: environment) else {
            return nil
        }
        return options
    }

    @Test("journal verify prints what an intact journal holds and exits 0, changing nothing")
    func verifyIntact() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = URL(fileURLWithPath: directory.path("state"), isDirectory: true)
        let (journal, _) = try FileJournal.openForWriting(stateDirectory: state)
        let spec = RequestSpec(id: RequestID("alice-recsys")!, requester: "alice", pullRequest: 7)
        _ = try journal.append(
            try JournalCodec.encode(.requestSeen(spec: spec, at: Date(timeIntervalSince1970: 1_750_000_000)))
        )
        // The daemon still holds the lock: verify neither needs nor takes it.
        defer { journal.close() }
        let segment = directory.path("state/journal/000001.log")
        let before = try Data(contentsOf: URL(fileURLWithPath: segment))

        let (status, captured) = await runSandboxd(["journal", "verify", state.path])
        #expect(status == 0)
        #expect(captured.lines.first == "journal \(state.path)/journal: intact")
        #expect(captured.stdout.contains("  records: 1 after the snapshot"))
        #expect(captured.stdout.contains("  last seq: 1"))
        #expect(captured.stdout.contains("  requests: 1 request (1 pending)"))
        #expect(captured.stdout.contains("  lineage: \(journal.lineage)"))
        #expect(captured.stderr.isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: segment)) == before)
        // The directory can come from --state-dir too.
        let (again, _) = await runSandboxd(["journal", "verify", "--state-dir", state.path])
        #expect(again == 0)
    }

    @Test("journal verify exits 1 on a damaged journal, saying what is wrong")
    func verifyDamaged() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("state/journal/000001.log", "not a journal segment at all")
        let (status, captured) = await runSandboxd(["journal", "verify", directory.path("state")])
        #expect(status == 1)
        #expect(captured.stdout == "journal \(directory.path("state"))/journal: damaged\n")
        #expect(captured.stderr.contains("does not start with the sandboxd journal magic"))

        let (missing, nothing) = await runSandboxd(["journal", "verify", directory.path("elsewhere")])
        #expect(missing == 1)
        #expect(nothing.stdout.hasSuffix(": cannot be read\n"))
        #expect(nothing.stderr.contains("there is no journal in"))
        #expect(!FileManager.default.fileExists(atPath: directory.path("elsewhere")))
    }

    @Test(
        "journal takes the action verify and at most one directory",
        arguments: [
            (["journal"], "missing action for 'journal'"),
            (["journal", "check"], "unknown action 'check' for 'journal'"),
            (["journal", "verify", "a", "b"], "unexpected argument 'b'; 'journal' takes verify [STATE-DIR]"),
        ]
    )
    func journalUsage(arguments: [String], message: String) async {
        let (status, captured) = await runSandboxd(arguments)
        #expect(status == 64)
        #expect(captured.stderr.contains(message), "\(captured.stderr)")
    }

    @Test("--log-level and SANDBOXD_LOG_LEVEL name a level; none leaves each command's default")
    func logLevel() throws {
        #expect(try resolved(["run"])?.logLevel == nil)
        #expect(try resolved(["run", "--log-level", "debug"])?.logLevel == .debug)
        #expect(try resolved(["status"], ["SANDBOXD_LOG_LEVEL": "warning"])?.logLevel == .warning)
        #expect(try resolved(["validate", "--log-level=error"], ["SANDBOXD_LOG_LEVEL": "info"])?.logLevel == .error)
        #expect(try resolved(["journal", "verify"], ["SANDBOXD_LOG_LEVEL": "notice"])?.logLevel == .notice)
        #expect(throws: UsageError.self) { try resolved(["run", "--log-level", "loud"]) }
        let error = try #require(throws: UsageError.self) { try resolved(["run"], ["SANDBOXD_LOG_LEVEL": "verbose"]) }
        #expect(
            error.message
                == "SANDBOXD_LOG_LEVEL: 'verbose' is not a log level; use one of error, warning, notice, info, debug"
        )
    }

    @Test("--metrics-file-mode is octal, 0644 by default")
    func metricsFileMode() throws {
        #expect(try resolved(["run"])?.metricsFileMode == 0o644)
        #expect(try resolved(["run", "--metrics-file-mode", "0640"])?.metricsFileMode == 0o640)
        #expect(try resolved(["run"], ["SANDBOXD_METRICS_FILE_MODE": "600"])?.metricsFileMode == 0o600)
        for bad in ["0844", "64", "rw-r--r--", "01777"] {
            #expect(throws: UsageError.self, "\(bad)") { try resolved(["run", "--metrics-file-mode", bad]) }
        }
    }

    @Test("the metrics file gets its mode whatever the umask allows the open to give")
    func metricsFileGetsItsMode() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = URL(fileURLWithPath: directory.path("metrics/sandboxd.prom"))
        for mode: mode_t in [0o644, 0o640, 0o600] {
            try AtomicFile.write(Data("sandboxd_capacity 2\n".utf8), to: url)
            try AtomicFile.write(Data("sandboxd_capacity 2\n".utf8), to: url, mode: mode)
            var info = stat()
            #expect(stat(url.path, &info) == 0)
            // The temporary file is opened 0600, so only fchmod can make it group- or world-readable.
            #expect(info.st_mode & 0o777 == mode)
        }
    }
}
