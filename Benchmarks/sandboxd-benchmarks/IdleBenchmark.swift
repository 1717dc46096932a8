// Case `idle`: the CPU time `sandboxd run --local --interval 1h` uses over 60 s with nothing due, on the
// repository's desired-state/ example after it settled; without and with the systemd watchdog.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

struct IdleRun {
    var label: String
    var cpu: Double
    var contextSwitches: Int
    var threads: Int
    var watchdogPings: Int
    var settledState: String
}

enum IdleBenchmark {
    static let window: TimeInterval = 60

    static func run(exampleDirectory: String) throws {
        var results: [IdleRun] = []
        progress("idle: without the watchdog (\(Int(window)) s)")
        results.append(try measure(exampleDirectory: exampleDirectory, watchdog: false))
        progress("idle: with NOTIFY_SOCKET and WATCHDOG_USEC=120000000 (\(Int(window)) s)")
        results.append(try measure(exampleDirectory: exampleDirectory, watchdog: true))

        print("### Idle CPU: `sandboxd run --local --interval 1h`, nothing due, \(Int(window)) s")
        print("")
        print(
            "The repository's `desired-state/` copied to a temporary directory, settled with "
                + "`reconcile --local --wait` first (\(results[0].settledState)); the daemon is then measured "
                + "from 5 s after its first pass. CPU time is utime + stime of /proc/PID/stat over "
                + "sysconf(_SC_CLK_TCK) (ticks of 10 ms); context switches are summed over the threads."
        )
        print("")
        var table = Table(
            ["run", "CPU time (s)", "goal", "goal met", "context switches", "threads", "WATCHDOG=1 received"],
            rightAligned: [1, 4, 5, 6]
        )
        for result in results {
            table.add([
                result.label, format(result.cpu, 2), "< 0.05", verdict(result.cpu < 0.05),
                "\(result.contextSwitches)", "\(result.threads)", "\(result.watchdogPings)",
            ])
        }
        table.print()
    }

    static func measure(exampleDirectory: String, watchdog: Bool) throws -> IdleRun {
        let directory = try TemporaryDirectory(watchdog ? "idle-watchdog" : "idle")
        defer { directory.remove() }
        let desired = directory.path("desired-state")
        try FileManager.default.copyItem(atPath: exampleDirectory, toPath: desired)
        let state = directory.path("state")
        let arguments = ["--local", "--desired-state", desired, "--state-dir", state]
        var environment = ["PATH": "/usr/bin:/bin"]

        let settle = try SandboxdProcess(
            arguments: ["reconcile", "--wait", "--timeout", "60s"] + arguments,
            environment: environment,
            logPath: directory.path("reconcile.log")
        )
        settle.process.waitUntilExit()
        let status = try SandboxdProcess(
            arguments: ["status", "--json"] + arguments,
            environment: environment,
            logPath: directory.path("status.log"),
            stdoutPath: directory.path("status.json")
        )
        status.process.waitUntilExit()
        let settled = try settledSummary(directory.path("status.json"))

        var notify: NotifySocket?
        if watchdog {
            notify = try NotifySocket(path: directory.path("notify.sock"))
            environment["NOTIFY_SOCKET"] = directory.path("notify.sock")
            environment["WATCHDOG_USEC"] = "120000000"
        }
        let log = directory.path("run.log")
        let metrics = directory.path("metrics.prom")
        let daemon = try SandboxdProcess(
            arguments: ["run", "--interval", "1h", "--metrics-file", metrics] + arguments,
            environment: environment,
            logPath: log
        )
        // The metrics file is written after every pass.
        guard poll(timeout: 30, until: { FileManager.default.fileExists(atPath: metrics) }) else {
            throw BenchmarkError("sandboxd run did not finish a pass\n\(daemon.log)")
        }
        Thread.sleep(forTimeInterval: 5)
        let written = { try? FileManager.default.attributesOfItem(atPath: metrics)[.modificationDate] as? Date }
        let lastWritten = written()
        let before = try ProcessUsage(pid: daemon.pid)
        let start = Date()
        Thread.sleep(forTimeInterval: window)
        let after = try ProcessUsage(pid: daemon.pid)
        let pings = (notify?.messages ?? []).filter { $0.at >= start && $0.text.contains("WATCHDOG=1") }.count
        let threads = ProcessUsage.threads(pid: daemon.pid)
        if written() != lastWritten { progress("idle: the metrics file was written during the window: a pass ran") }
        daemon.stop(SIGTERM)
        return IdleRun(
            label: watchdog ? "NOTIFY_SOCKET + WATCHDOG_USEC=120000000" : "no watchdog",
            cpu: after.cpuSeconds - before.cpuSeconds,
            contextSwitches: after.contextSwitches - before.contextSwitches,
            threads: threads,
            watchdogPings: pings,
            settledState: settled
        )
    }

    /// How many requests are in each state, from `status --json`: `2 active, 1 queued`.
    static func settledSummary(_ path: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let requests = object["requests"] as? [[String: Any]]
        else { throw BenchmarkError("cannot read `status --json`: \(String(decoding: data, as: UTF8.self))") }
        var counts: [String: Int] = [:]
        for request in requests { counts[request["state"] as? String ?? "?", default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }

    /// Resident memory of `sandboxd run --local` after 10 and after `count` passes, each started by SIGHUP once
    /// the last one wrote the metrics file, on the settled example; and how long the passes took.
    static func passes(exampleDirectory: String, count: Int) throws -> (after10: Double, after: Double, seconds: Double)
    {
        let directory = try TemporaryDirectory("passes")
        defer { directory.remove() }
        let copy = Process()
        copy.executableURL = URL(fileURLWithPath: "/bin/cp")
        copy.arguments = ["-R", exampleDirectory, directory.path("desired")]
        try copy.run()
        copy.waitUntilExit()
        let arguments = [
            "--local", "--desired-state", directory.path("desired"), "--state-dir", directory.path("state"),
        ]
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        let settle = try SandboxdProcess(
            arguments: ["reconcile", "--wait", "--timeout", "60s"] + arguments,
            environment: environment,
            logPath: directory.path("reconcile.log")
        )
        settle.process.waitUntilExit()
        let metrics = directory.path("metrics.prom")
        let daemon = try SandboxdProcess(
            arguments: ["run", "--interval", "1h", "--metrics-file", metrics] + arguments,
            environment: environment,
            logPath: directory.path("run.log")
        )
        defer { daemon.stop(SIGTERM) }
        // The metrics file is replaced (a new inode) after every pass.
        let inode = { () -> UInt64? in
            var info = stat()
            return stat(metrics, &info) == 0 ? UInt64(info.st_ino) : nil
        }
        guard poll(timeout: 30, until: { inode() != nil }) else {
            throw BenchmarkError("sandboxd run did not finish a pass\n\(daemon.log)")
        }
        var after10 = 0.0
        let start = Date()
        for pass in 1...count {
            let before = inode()
            kill(daemon.pid, SIGHUP)
            guard poll(timeout: 10, every: 0.001, until: { inode() != before }) else {
                throw BenchmarkError("no pass \(pass) after SIGHUP\n\(daemon.log.suffix(2000))")
            }
            if pass == 10 { after10 = try residentMiB(pid: daemon.pid) }
        }
        let seconds = Date().timeIntervalSince(start)
        return (after10, try residentMiB(pid: daemon.pid), seconds)
    }

    /// VmRSS of `pid`, in MiB.
    static func residentMiB(pid: Int32) throws -> Double {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = Double(line.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
        else { throw BenchmarkError("no VmRSS for \(pid)") }
        return kib / 1024
    }
}
