import Foundation
import SandboxCore
import SandboxRuntime
import Testing

@testable import SandboxCommands

/// docs/behaviour.md §2.5: a merged request file that does not validate is told (the outbox under
/// `--local`), shown by `status` as `invalid` with its first problem, listed by `plan`, and logged once by `run`.
@Suite("an invalid request file through the commands")
struct InvalidFileCommandTests {
    static let pool = """
        {"capacity": 1, "product": {"productId": "prod-abcdefghijklm", "provisioningArtifactId": "pa-abcdefghijklm"}}
        """
    static let typo = #"{"requester": "alice", "pullRequest": 42, "leese": "3d"}"#

    static func makeDirectory() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write("desired/pool.json", pool)
        try directory.write("desired/requests/alice-sbx.json", typo)
        return directory
    }

    static func arguments(_ command: [String], _ directory: TemporaryDirectory) -> [String] {
        command + ["--local", "--desired-state", directory.path("desired"), "--state-dir", directory.path("state")]
    }

    @Test("reconcile writes the invalid comment; status shows the file as invalid; plan lists it")
    func statusAndPlan() async throws {
        let directory = try Self.makeDirectory()
        defer { directory.remove() }

        let (planStatus, planned) = await runSandboxd(Self.arguments(["plan"], directory))
        #expect(planStatus == 2, "\(planned.stderr)")
        #expect(planned.stdout.contains("notify-invalid"), "\(planned.stdout)")

        let (reconciled, output) = await runSandboxd(Self.arguments(["reconcile"], directory))
        #expect(reconciled == 0, "\(output.stderr)")  // a bad request file is no problem of the pass
        let comment = try String(contentsOfFile: directory.path("state/outbox/alice-sbx.invalid.md"), encoding: .utf8)
        #expect(comment.contains("line 1, column 43: leese: unknown key"), "\(comment)")

        let (_, table) = await runSandboxd(Self.arguments(["status"], directory))
        let row = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("alice-sbx") })
        #expect(row.contains("alice"))
        #expect(row.contains("invalid"))
        #expect(row.contains("line 1, column 43: leese: unknown key"))
        #expect(table.stdout.contains("0 requests, 1 invalid request file\n"))

        let (_, json) = await runSandboxd(Self.arguments(["status", "--json"], directory))
        let requests = try #require(try jsonObject(json.stdout)["requests"] as? [[String: Any]])
        let file = try #require(requests.first)
        #expect(requests.count == 1)
        #expect(file["id"] as? String == "alice-sbx")
        #expect(file["state"] as? String == "invalid")
        #expect(file["requester"] as? String == "alice")
        #expect((file["reason"] as? String)?.hasPrefix("line 1, column 43: leese: unknown key") == true)

        // Told: nothing is left to do, and plan still lists the file (exit 0, no change pending).
        let (after, text) = await runSandboxd(Self.arguments(["plan"], directory))
        #expect(after == 0, "\(text.stdout)")
        #expect(text.stdout.contains("nothing to do"))
        #expect(text.stdout.contains("invalid file: alice-sbx: line 1, column 43: leese: unknown key"))
        #expect(text.stdout.contains("(not a request until fixed)"))
        let (_, planJSON) = await runSandboxd(Self.arguments(["plan", "--json"], directory))
        let invalid = try #require(try jsonObject(planJSON.stdout)["invalid"] as? [[String: Any]])
        #expect(invalid.first?["request"] as? String == "alice-sbx")
        #expect(invalid.first?["lastValidInForce"] as? Bool == false)

        // A second pass writes nothing more.
        _ = await runSandboxd(Self.arguments(["reconcile"], directory))
        let outbox = try FileManager.default.contentsOfDirectory(atPath: directory.path("state/outbox"))
        #expect(outbox == ["alice-sbx.invalid.md"])
    }

    @Test("run logs each desired-state problem once when it appears, again only after it went away")
    func runLogsOnce() throws {
        let directory = try Self.makeDirectory()
        defer { directory.remove() }
        let invocation = try CommandOptions.resolve(arguments: Self.arguments(["run"], directory), environment: [:])
        guard case .run(let options) = invocation else {
            Issue.record("expected a command, got \(invocation)")
            return
        }
        let sink = MemoryLogSink()
        var context = CommandContext(options: options, environment: [:], output: CapturedOutput().output)
        context.logger = Logger(sink: sink, minimumLevel: .info)
        let runner = DaemonRunner(context: context, interval: LeaseDuration("1h")!, metricsFile: nil)
        let shared = SharedGauges()
        let bad = DesiredStateParser.parse(
            DesiredStateSnapshot(
                poolFile: .bytes(Array(Self.pool.utf8)),
                requestFiles: [FileEntry(name: "alice-sbx.json", content: .bytes(Array(Self.typo.utf8)))]
            )
        )
        let good = DesiredStateParser.parse(DesiredStateSnapshot(poolFile: .bytes(Array(Self.pool.utf8))))
        let problems = { sink.entries.filter { $0.message == "desired-state problem" } }

        for _ in 1...3 { runner.logNewProblems(of: bad, shared: shared) }
        #expect(problems().count == 1)
        #expect(problems().first?.level == .warning)
        #expect(
            problems().first?.metadata["problem"]?.hasPrefix(
                "desired-state/requests/alice-sbx.json:1:43: leese: unknown key"
            ) == true
        )

        runner.logNewProblems(of: good, shared: shared)
        runner.logNewProblems(of: bad, shared: shared)
        #expect(problems().count == 2)
    }
}
