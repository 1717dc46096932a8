import Foundation
import SandboxCore
import SandboxRuntime
import SandboxTesting
import SandboxLocking
import Testing

@testable import SandboxCommands

#if canImport(Glibc)
import Glibc
#endif

/// The read-only commands tell the truth (docs/behaviour.md §4.1, §4.5, §11.3).
@Suite("status and plan never look fine when they are not")
struct TruthfulReadOnlyCommandTests {
    /// The example desired state in `directory/desired`, reconciled once with both products stuck
    /// provisioning (so they stay in flight however slow the test is).
    static func provisioningScene(_ directory: TemporaryDirectory) async throws -> (desired: String, state: String) {
        let desired = directory.path("desired")
        let state = directory.path("state")
        try FileManager.default.copyItem(atPath: exampleDesiredState, toPath: desired)
        try directory.write(
            "state/local/faults.json",
            #"{"sandbox-hubot-forecasting": "stuck", "sandbox-monalisa-batch-eval": "stuck"}"#
        )
        let (status, output) = await runSandboxd([
            "reconcile", "--local", "--desired-state", desired, "--state-dir", state,
        ])
        #expect(status == 0, "\(output.stderr)")
        return (desired, state)
    }

    @Test("status on a state directory that does not exist exits 1 naming it and what to do")
    func statusWithoutStateDirectory() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let missing = directory.path("nowhere")
        for json in [false, true] {
            let (status, output) = await runSandboxd(
                ["status", "--desired-state", exampleDesiredState, "--state-dir", missing] + (json ? ["--json"] : [])
            )
            #expect(status == 1)
            #expect(output.stdout.isEmpty, "\(output.stdout)")
            #expect(output.stderr.contains(missing), "\(output.stderr)")
            #expect(output.stderr.contains("sandboxd reconcile") && output.stderr.contains("--state-dir"))
            #expect(output.stderr.split(separator: "\n").count == 1, "\(output.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: missing), "status created the directory")
    }

    @Test("plan reports products in flight with the next check, in its text and JSON, and exits 0")
    func planInFlight() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (desired, state) = try await Self.provisioningScene(directory)
        let arguments = ["plan", "--local", "--desired-state", desired, "--state-dir", state]
        let (status, output) = await runSandboxd(arguments)
        #expect(status == 0, "\(output.stdout)\(output.stderr)")
        #expect(!output.stdout.contains("nothing to do"), "\(output.stdout)")
        #expect(output.stdout.contains("2 provisioning, next check "), "\(output.stdout)")

        let (jsonStatus, jsonOutput) = await runSandboxd(arguments + ["--json"])
        #expect(jsonStatus == 0)
        let json = try jsonObject(jsonOutput.stdout)
        let inFlight = try #require(json["inFlight"] as? [String: Any])
        #expect(inFlight["provisioning"] as? Int == 2)
        #expect(inFlight["terminating"] as? Int == 0)
        #expect((inFlight["nextCheck"] as? String)?.hasSuffix("Z") == true, "\(inFlight)")
        #expect(json["brake"] is NSNull)
    }

    @Test("plan with the safety brake holding releases says so in its text and JSON and exits 2 (changes pending)")
    func planWithBrakeHolding() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (desired, state) = try await Self.provisioningScene(directory)
        // Both live sandboxes' files removed: 2 of 2 would be released (docs/behaviour.md §3.10).
        for id in ["hubot-forecasting", "monalisa-batch-eval"] {
            try FileManager.default.removeItem(atPath: desired + "/requests/\(id).json")
        }
        let arguments = ["plan", "--local", "--desired-state", desired, "--state-dir", state]
        let (status, output) = await runSandboxd(arguments)
        #expect(status == 2, "\(output.stdout)\(output.stderr)")
        #expect(!output.stdout.contains("nothing to do"), "\(output.stdout)")
        #expect(output.stdout.contains("safety brake: this pass would release 2 of 2"), "\(output.stdout)")

        let (jsonStatus, jsonOutput) = await runSandboxd(arguments + ["--json"])
        #expect(jsonStatus == 2)
        let json = try jsonObject(jsonOutput.stdout)
        #expect((json["brake"] as? String)?.contains("would release 2 of 2") == true, "\(json)")
    }
}

/// Every problem at once: the start-up's settings, and each request's own reason (docs/behaviour.md §4.6, §5.4).
@Suite("problems are reported all at once, each where it belongs")
struct AllProblemsAtOnceTests {
    @Test("four missing settings are named in one run, one line each, and nothing is touched")
    func everyMissingSetting() async throws {
        let scene = try RemoteModeCommandTests.Scene()
        defer { scene.stop() }
        var environment = scene.environment
        for variable in [
            "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "GITHUB_REPOSITORY", "GITHUB_TOKEN",
        ] {
            environment[variable] = nil
        }
        for command in ["reconcile", "run"] {
            let (status, output) = await runSandboxd([command] + scene.arguments, environment: environment)
            #expect(status == 1)
            let lines = output.stderr.split(separator: "\n").map(String.init)
            #expect(lines.count == 5, "\(output.stderr)")
            #expect(lines.allSatisfy { $0.hasPrefix("sandboxd: ") }, "\(output.stderr)")
            for (setting, line) in zip(["AWS_REGION", "AWS_ACCESS_KEY_ID", "GITHUB_REPOSITORY", "GITHUB_TOKEN"], lines)
            {
                #expect(line.contains(setting), "\(line)")
            }
            #expect(lines.last?.contains("4 problems") == true, "\(output.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: scene.directory.path("state/journal")))
        #expect(scene.catalog.requests.isEmpty && scene.github.requests.isEmpty)
    }

    @Test("with GitHub down, each pending request's reason is its own call's, naming its own pull request")
    func ownReasonsDuringAnOutage() async throws {
        let scene = try RemoteModeCommandTests.Scene()
        defer { scene.stop() }
        try scene.directory.write(
            "desired/pool.json",
            #"""
            {"capacity": 2, "product": {"productId": "prod-sandbox000001", "provisioningArtifactId": "pa-sandbox000001"},
             "verification": {"minAccountAge": "30d"}}
            """#
        )
        try scene.directory.write("desired/requests/bob-sbx.json", #"{"requester": "bob", "pullRequest": 2}"#)
        scene.github.failNext(200, status: 503)
        let (status, output) = await runSandboxd(["reconcile"] + scene.arguments, environment: scene.environment)
        #expect(status == 1, "\(output.stderr)")
        let (_, statusOutput) = await runSandboxd(
            ["status", "--json"] + scene.arguments,
            environment: scene.environment
        )
        let requests = try #require(try jsonObject(statusOutput.stdout)["requests"] as? [[String: Any]])
        let reasons = Dictionary(
            uniqueKeysWithValues: requests.map { ($0["id"] as? String ?? "", $0["reason"] as? String ?? "") }
        )
        #expect(requests.allSatisfy { $0["state"] as? String == "pending" }, "\(requests)")
        let alice = try #require(reasons["alice-sbx"])
        let bob = try #require(reasons["bob-sbx"])
        // The first call for each is the reading of its own pull request (docs/behaviour.md §3.15).
        #expect(alice.contains("pull request #1 ") && !alice.contains("#2"), "\(alice)")
        #expect(bob.contains("pull request #2 ") && !bob.contains("#1"), "\(bob)")
    }
}

/// A clock whose short sleeps (the waits between passes) end at once, moving its time to their end:
/// `--wait` runs through minutes of backoff in no time, deterministically. A sleep longer than
/// ``horizon`` (the `--timeout` watch) lasts until it is cancelled.
final class LeapingClock: SandboxClock {
    static let horizon: TimeInterval = 300
    private let time = Locked(Date())

    func now() -> Date { time.withLock { $0 } }

    func sleep(until date: Date) async throws {
        try Task.checkCancellation()
        guard date.timeIntervalSince(now()) <= Self.horizon else {
            while true { try await Task.sleep(for: .seconds(3_600)) }
        }
        time.withLock { $0 = max($0, date) }
        await Task.yield()
    }
}

/// `reconcile` and its signals and exit codes (docs/behaviour.md §4.1, §11.3).
@Suite("reconcile stops like run on SIGINT and SIGTERM, and --wait says when a request ended badly")
struct ReconcileSignalTests {
    @Test("reconcile --wait exits 1 naming a request that ended failed, after the status table")
    func waitEndsWithAFailedRequest() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = directory.path("state")
        try directory.write("state/local/faults.json", #"{"sandbox-hubot-forecasting": "fail-provision"}"#)
        let invocation = try CommandOptions.resolve(
            arguments: [
                "reconcile", "--local", "--wait", "--desired-state", exampleDesiredState, "--state-dir", state,
            ],
            environment: [:]
        )
        guard case .run(let options) = invocation else {
            Issue.record("not a command: \(invocation)")
            return
        }
        let captured = CapturedOutput()
        var context = CommandContext(options: options, environment: [:], output: captured.output)
        context.clock = LeapingClock()
        let status = await ReconcileRunner(context: context, wait: true, timeoutSeconds: 3_600, allowMassRelease: false)
            .run()
        #expect(status == 1, "\(captured.stderr)")
        #expect(captured.stdout.contains("hubot-forecasting"), "\(captured.stdout)")
        #expect(captured.stderr.contains("ended badly: hubot-forecasting (failed)"), "\(captured.stderr)")
    }

    /// Starts `reconcile --local` (with `extra` arguments) whose provisioning of hubot's product is slow,
    /// sends `signal` while that call is in flight, lets the call answer, and returns the exit status and stderr.
    static func interrupt(_ signal: Int32, extra: [String], in directory: TemporaryDirectory) throws -> (Int32, String)
    {
        let state = directory.path("state")
        try directory.write("state/local/faults.json", #"{"sandbox-hubot-forecasting": "slow-provision"}"#)
        let slowCall = state + "/local/slow-call"
        let stderrPath = directory.path("stderr.log")
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let process = Process()
        process.executableURL = sandboxdExecutable
        process.arguments =
            ["reconcile", "--local", "--desired-state", exampleDesiredState, "--state-dir", state] + extra
        process.environment = Sanitizer.childEnvironment(["PATH": "/usr/bin:/bin"])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        func stderr() -> String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
        // The call is in flight while its file exists; the stop is heard once its line is printed.
        try #require(poll { FileManager.default.fileExists(atPath: slowCall) }, "the slow call never started")
        kill(process.processIdentifier, signal)
        try #require(poll { stderr().contains("sandboxd: stopping on") }, "no line after the signal: \(stderr())")
        #expect(FileManager.default.fileExists(atPath: slowCall), "the call ended before the signal was heard")
        try FileManager.default.removeItem(atPath: slowCall)  // the call answers now
        process.waitUntilExit()
        return (process.terminationStatus, stderr())
    }

    /// Polls `condition` every 20 ms for at most 60 s (a child process's progress, not a sleep to synchronise on).
    static func poll(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    /// The slow call's outcome was recorded: hubot's request is provisioning with its product's id.
    static func expectCallRecorded(state: String) async throws {
        let (_, output) = await runSandboxd(
            ["status", "--json", "--desired-state", exampleDesiredState, "--state-dir", state]
        )
        let requests = try #require(try jsonObject(output.stdout)["requests"] as? [[String: Any]])
        let hubot = try #require(requests.first { $0["id"] as? String == "hubot-forecasting" })
        #expect(hubot["state"] as? String == "provisioning", "\(hubot)")
        let product = try #require(hubot["product"] as? [String: Any], "\(hubot)")
        #expect((product["id"] as? String)?.hasPrefix("pp-") == true, "\(product)")
    }

    @Test(
        "SIGINT or SIGTERM during a call: the call finishes and is recorded, exit 130 or 143 with one line",
        arguments: [(SIGINT, [String](), Int32(130), "SIGINT"), (SIGTERM, ["--wait"], Int32(143), "SIGTERM")]
    )
    func stopsAfterTheCallInFlight(signal: Int32, extra: [String], exitCode: Int32, name: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Waiting for the child blocks a thread: keep it off the concurrency pool the other tests share.
        let (status, stderr) = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<(Int32, String), any Error>) in
            Thread {
                continuation.resume(with: Result { try Self.interrupt(signal, extra: extra, in: directory) })
            }.start()
        }
        #expect(status == exitCode, "\(stderr)")
        let lines = stderr.split(separator: "\n").filter { $0.hasPrefix("sandboxd:") }
        #expect(lines.count == 1, "\(stderr)")
        #expect(lines.first?.contains("stopping on \(name)") == true, "\(stderr)")
        try await Self.expectCallRecorded(state: directory.path("state"))
    }
}
