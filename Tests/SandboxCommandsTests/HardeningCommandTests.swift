import Foundation
import Glibc
import SandboxCommands
import SandboxCore
import SandboxTesting
import Testing

/// What a red team broke, fixed (docs/behaviour.md §4.1, §4.5, §7, §9.1): no forged output lines, no
/// death by SIGPIPE or SIGUSR1, no echoed secret, no shared journal through a link, no time RFC 3339
/// cannot write.
@Suite("hardening: output, signals, links, bounds")
struct HardeningCommandTests {
    /// The example desired state with one more request file whose name holds a newline and a forged
    /// workflow command.
    private func forgedDirectory() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: exampleDesiredState, toPath: directory.path("desired"))
        try directory.write(
            "desired/requests/x\n::error::forged\u{2028}\u{202E}.json",
            #"{"requester": "mallory", "pullRequest": 9}"#
        )
        return directory
    }

    @Test(
        "a file name holding a newline, U+2028 or U+202E prints as one escaped line",
        arguments: [
            ["validate"], ["plan", "--local"], ["reconcile", "--local"],
        ]
    )
    func fileNameCannotForgeLines(_ command: [String]) async throws {
        let directory = try forgedDirectory()
        defer { directory.remove() }
        let arguments =
            command + ["--desired-state", directory.path("desired"), "--state-dir", directory.path("state")]
        let (_, captured) = await runSandboxd(
            command == ["validate"] ? command + ["--desired-state", directory.path("desired")] : arguments
        )
        let everything = captured.stdout + captured.stderr
        for line in everything.split(separator: "\n") {
            #expect(!line.hasPrefix("::"), "a forged line: \(line)")
        }
        #expect(!everything.unicodeScalars.contains { $0 == "\u{2028}" || $0 == "\u{202E}" || $0 == "\r" })
        // `plan` lists actions only; `validate` and `reconcile` name the file.
        if command != ["plan", "--local"] {
            #expect(everything.contains(#"x\u{A}::error::forged\u{2028}\u{202E}"#), "\(everything)")
        }
    }

    @Test("sandboxd reconcile into a closed pipe exits 0 (SIGPIPE is ignored; the output ends quietly)")
    func closedPipe() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.copyItem(atPath: exampleDesiredState, toPath: directory.path("desired"))
        let (reason, status) = try await onOwnThread { () throws -> (Process.TerminationReason, Int32) in
            let process = Process()
            process.executableURL = sandboxdExecutable
            process.arguments = [
                "reconcile", "--local", "--desired-state", directory.path("desired"), "--state-dir",
                directory.path("state"),
            ]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try process.run()
            // No reader any more: the first line already meets a closed pipe, as after `| head -1`.
            try pipe.fileHandleForReading.close()
            try pipe.fileHandleForWriting.close()
            process.waitUntilExit()
            return (process.terminationReason, process.terminationStatus)
        }
        #expect(reason == .exit)
        #expect(status == 0)
    }

    @Test("SIGUSR1 makes run log its state and carry on; SIGUSR2 and SIGALRM are ignored")
    func userSignals() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.copyItem(atPath: exampleDesiredState, toPath: directory.path("desired"))
        let log = directory.path("run.log")
        @Sendable func logText() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        let (survived, reason, status) = try await onOwnThread {
            () throws -> (Bool, Process.TerminationReason, Int32) in
            let process = Process()
            process.executableURL = sandboxdExecutable
            process.arguments = [
                "run", "--local", "--interval", "1h", "--desired-state", directory.path("desired"),
                "--state-dir", directory.path("state"),
            ]
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            try process.run()
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
            let deadline = Date().addingTimeInterval(Sanitizer.scaled(30))
            while !logText().contains("pass finished"), Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
            for signal in [SIGUSR1, SIGUSR2, SIGALRM] { kill(process.processIdentifier, signal) }
            while !logText().contains("notice: state "), Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
            let survived = process.isRunning
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            return (survived, process.terminationReason, process.terminationStatus)
        }
        #expect(survived)
        #expect(logText().contains("notice: state daemon.state=running"), "\(logText())")
        #expect(reason == .exit)
        #expect(status == 0)
    }

    @Test("a symlinked journal/ is refused, naming the link: two state directories never share a journal")
    func symlinkedJournal() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.copyItem(atPath: exampleDesiredState, toPath: directory.path("desired"))
        let first = ["--desired-state", directory.path("desired"), "--state-dir", directory.path("one")]
        #expect(await runSandboxd(["reconcile", "--local"] + first).status == 0)
        try FileManager.default.createDirectory(atPath: directory.path("two"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: directory.path("two/journal"),
            withDestinationPath: directory.path("one/journal")
        )
        let second = ["--desired-state", directory.path("desired"), "--state-dir", directory.path("two")]
        for command in [["reconcile", "--local"], ["plan", "--local"], ["status"]] {
            let (status, captured) = await runSandboxd(command + second)
            #expect(status == 1, "\(command)")
            #expect(
                captured.stderr.contains("\(directory.path("two/journal")) is a symbolic link"),
                "\(captured.stderr)"
            )
        }
    }

    @Test(
        "a URL with user info is refused without echoing the secret",
        arguments: [
            ("GITHUB_API_URL", "https://x-access-token:ghp_s3cr3tT0ken@github.example.com/api/v3"),
            ("AWS_ENDPOINT_URL", "https://AKIDEXAMPLE:hunter2-s3cr3t@servicecatalog.example.com"),
        ]
    )
    func urlWithCredentials(_ variable: String, _ url: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.copyItem(atPath: exampleDesiredState, toPath: directory.path("desired"))
        var environment = [
            "GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "octo/sandboxes", "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
        ]
        environment[variable] = url
        let (status, captured) = await runSandboxd(
            ["reconcile", "--desired-state", directory.path("desired"), "--state-dir", directory.path("state")],
            environment: environment
        )
        #expect(status != 0)
        #expect(captured.stderr.contains("\(variable) holds credentials"), "\(captured.stderr)")
        #expect(!(captured.stdout + captured.stderr).contains("s3cr3t"))
    }

    @Test("a lease over 3650 days is refused, so every time printed is RFC 3339")
    func boundedLease() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.copyItem(atPath: exampleDesiredState, toPath: directory.path("desired"))
        try directory.write(
            "desired/requests/long-lease.json",
            #"{"requester": "octocat", "pullRequest": 5, "lease": "999999999d"}"#
        )
        let (status, captured) = await runSandboxd(["validate", "--desired-state", directory.path("desired")])
        #expect(status == 1)
        #expect(captured.stdout.contains(#"long-lease.json:1:"#), "\(captured.stdout)")
        #expect(captured.stdout.contains(#"lease: "999999999d" is not a duration"#), "\(captured.stdout)")
        #expect(captured.stdout.contains("at most 3650d"))
        #expect(LeaseDuration("3650d") != nil)
        #expect(LeaseDuration("3651d") == nil)
        #expect(LeaseDuration("87601h") == nil)
    }
}
