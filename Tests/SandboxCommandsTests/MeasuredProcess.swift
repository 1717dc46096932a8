import Foundation
import SandboxTesting

#if canImport(Glibc)
import Glibc
#endif

/// Runs an executable (the built `sandboxd` by default) as a child process and measures it: its exit
/// status, its own peak resident set (`ru_maxrss` from `wait4`, KiB on Linux), its wall-clock time, and
/// what it wrote to stdout and stderr (through files in a temporary directory). A child still running
/// after `bound` is SIGKILLed.
///
/// Why through `sandboxd-rusage` (Tests/RusageProbe): on Linux, `exec` records the peak RSS of the
/// memory image a process is created from into that process's `ru_maxrss`, and `posix_spawn` (like
/// `fork`) creates the child from its parent's image. Spawned straight from the test process (often a
/// few hundred MB), the child would report the test process's peak, not its own. So this spawns the
/// small probe, which `posix_spawn`s the executable, reaps it with `wait4` and reports its `ru_maxrss`;
/// the figure is then the child's own, or the probe's peak (``Outcome/floorKiB``, about 8–10 MB) if that
/// were larger.
struct MeasuredProcess {
    struct Outcome: CustomStringConvertible {
        /// The exit code; `nil` when a signal ended the child.
        var exitCode: Int32?
        /// The signal that ended the child, if one did.
        var signal: Int32?
        /// The child's peak resident set, in KiB.
        var maxRSSKiB: Int
        /// The probe's own peak at the spawn, in KiB: ``maxRSSKiB`` is never below it.
        var floorKiB: Int
        /// Whether the child was SIGKILLed for running past the bound.
        var killedAtBound: Bool
        /// From the spawn to the reaping.
        var elapsed: Duration
        var stdout: String
        var stderr: String

        /// Max RSS in MiB.
        var maxRSSMiB: Double { Double(maxRSSKiB) / 1024 }

        var description: String {
            let ending = exitCode.map { "exit \($0)" } ?? "signal \(signal ?? 0)"
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return "\(ending) after \(String(format: "%.2f", seconds)) s, max RSS \(maxRSSKiB) KiB "
                + "(\(String(format: "%.1f", maxRSSMiB)) MiB; probe floor \(floorKiB) KiB)"
                + (killedAtBound ? ", SIGKILLed at the bound" : "")
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The probe built beside `sandboxd`.
    static var probeExecutable: URL {
        sandboxdExecutable.deletingLastPathComponent().appendingPathComponent("sandboxd-rusage")
    }

    /// Runs `executable` with `arguments` and exactly `environment`, SIGKILLing it after `bound`.
    ///
    /// The waiting happens on a thread of its own, not on the concurrency pool.
    static func run(
        _ executable: URL = sandboxdExecutable,
        arguments: [String],
        environment: [String: String],
        bound: Duration
    ) async throws -> Outcome {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Outcome, any Error>) in
            Thread {
                continuation.resume(
                    with: Result(catching: {
                        try runBlocking(executable, arguments: arguments, environment: environment, bound: bound)
                    })
                )
            }.start()
        }
    }

    private static func runBlocking(
        _ executable: URL,
        arguments: [String],
        environment: [String: String],
        bound: Duration
    ) throws -> Outcome {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sandboxd-measured-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stdoutPath = directory.appendingPathComponent("stdout").path
        let stderrPath = directory.appendingPathComponent("stderr").path
        let reportPath = directory.appendingPathComponent("report").path

        let seconds = Double(bound.components.seconds) + Double(bound.components.attoseconds) / 1e18
        let probe = probeExecutable.path
        let pid = try spawn(
            probe,
            arguments: [probe, reportPath, String(seconds), executable.path] + arguments,
            environment: Sanitizer.childEnvironment(environment),
            stdout: stdoutPath,
            stderr: stderrPath
        )
        // The probe kills the child at the bound; this backstop kills both (one process group) if the
        // probe itself goes wrong.
        let status = try reap(pid, backstop: ContinuousClock.now + bound + .seconds(15))
        let stdout = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        let report = (try? String(contentsOfFile: reportPath, encoding: .utf8)) ?? ""
        guard status == 0, let fields = parse(report) else {
            throw Failure(
                description: "sandboxd-rusage ended with wait status \(status), report \"\(report)\"; "
                    + "stderr: \(stderr)"
            )
        }
        let childStatus = Int32(fields["status"] ?? 0)
        let signal = childStatus & 0x7F
        return Outcome(
            exitCode: signal == 0 ? (childStatus >> 8) & 0xFF : nil,
            signal: signal == 0 ? nil : signal,
            maxRSSKiB: fields["maxrss"] ?? 0,
            floorKiB: fields["floor"] ?? 0,
            killedAtBound: fields["killed"] == 1,
            elapsed: .nanoseconds(fields["elapsed_ns"] ?? 0),
            stdout: stdout,
            stderr: stderr
        )
    }

    /// `status=… maxrss=… floor=… killed=… elapsed_ns=…`, or `nil` if the line is not that.
    private static func parse(_ report: String) -> [String: Int]? {
        var fields: [String: Int] = [:]
        for pair in report.split(whereSeparator: \.isWhitespace) {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Int(parts[1]) else { return nil }
            fields[String(parts[0])] = value
        }
        let keys: Set = ["status", "maxrss", "floor", "killed", "elapsed_ns"]
        return keys.isSubset(of: fields.keys) ? fields : nil
    }

    /// `posix_spawn`s `path` in a process group of its own, with stdin from /dev/null, stdout and stderr
    /// into files, an empty signal mask and every signal at its default action.
    private static func spawn(
        _ path: String,
        arguments: [String],
        environment: [String: String],
        stdout: String,
        stderr: String
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        sigdelset(&allSignals, SIGKILL)
        sigdelset(&allSignals, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes,
            Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        )

        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, &argv, &envp)
        guard result == 0 else {
            throw Failure(description: "posix_spawn \(path): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Waits for `pid` with `wait4`; SIGKILLs its process group at `backstop`. Returns the wait status.
    private static func reap(_ pid: pid_t, backstop: ContinuousClock.Instant) throws -> Int32 {
        var status: Int32 = 0
        var usage = rusage()  // the probe's own: it starts from the test process's peak, so it is not used
        var killed = false
        while true {
            let reaped = wait4(pid, &status, WNOHANG, &usage)
            if reaped == pid { return status }
            if reaped < 0 && errno != EINTR {
                throw Failure(description: "wait4(\(pid)): \(String(cString: strerror(errno)))")
            }
            if !killed && ContinuousClock.now >= backstop {
                kill(-pid, SIGKILL)
                killed = true
            }
            usleep(5_000)
        }
    }
}
