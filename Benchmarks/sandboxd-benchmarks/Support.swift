// What the benchmark cases share: timing, tables, temporary directories, the `sandboxd` binary and its
// process, a notify socket, CPU time from /proc.

import Foundation
import SandboxLocking

#if canImport(Glibc)
import Glibc
#endif

struct BenchmarkError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }

    init(_ message: String) {
        self.message = message
    }
}

/// Seconds `body` took, by the monotonic clock.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    return (ContinuousClock.now - start).seconds
}

/// Wall seconds and this process's CPU seconds (user + system) `body` took: on a loaded machine the wall time
/// says more about the others.
func secondsAndCPU(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    func cpu() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
    let cpuStart = cpu()
    let wall = try seconds(body)
    return (wall, cpu() - cpuStart)
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

/// `value` with `digits` decimals.
func format(_ value: Double, _ digits: Int = 3) -> String {
    value.isNaN ? "NaN" : String(format: "%.\(digits)f", value)
}

/// Min, median and max of `values` (the median of an even count is the mean of the middle two).
struct Spread {
    var min: Double
    var median: Double
    var max: Double

    init(_ values: [Double]) {
        let sorted = values.sorted()
        guard !sorted.isEmpty else {
            (min, median, max) = (.nan, .nan, .nan)
            return
        }
        min = sorted[0]
        max = sorted[sorted.count - 1]
        let middle = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

/// A Markdown table, printed at once.
struct Table {
    var header: [String]
    var alignRight: [Bool]
    var rows: [[String]] = []

    init(_ header: [String], rightAligned: Set<Int> = []) {
        self.header = header
        alignRight = header.indices.map { rightAligned.contains($0) }
    }

    mutating func add(_ row: [String]) {
        rows.append(row)
    }

    func print() {
        Swift.print("| " + header.joined(separator: " | ") + " |")
        Swift.print("| " + alignRight.map { $0 ? "---:" : "---" }.joined(separator: " | ") + " |")
        for row in rows { Swift.print("| " + row.joined(separator: " | ") + " |") }
        Swift.print("")
    }
}

/// Whether a goal holds, for a table cell.
func verdict(_ holds: Bool) -> String {
    holds ? "yes" : "**no**"
}

/// Writes progress to stderr, so stdout holds only the tables.
func progress(_ message: String) {
    FileHandle.standardError.write(Data("· \(message)\n".utf8))
}

/// Waits until `condition` holds, looking every `every` seconds; false after `timeout` seconds.
func poll(timeout: Double, every: Double = 0.05, until condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: every)
    }
    return try condition()
}

/// A directory under the system's temporary directory, removed by ``remove()``.
struct TemporaryDirectory {
    let url: URL

    init(_ name: String) throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("sandboxd-benchmark-\(name)-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// An existing directory, used as it is.
    init(existing url: URL) {
        self.url = url
    }

    func path(_ relative: String) -> String {
        url.appendingPathComponent(relative).path
    }

    /// Writes `text` to `relative`, making the directories on the way.
    func write(_ relative: String, _ text: String) throws {
        let file = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        try Data(text.utf8).write(to: file)
    }

    /// Removes the directory, unless `SANDBOXD_BENCHMARK_KEEP` is set (to read the daemon's logs afterwards).
    func remove() {
        guard ProcessInfo.processInfo.environment["SANDBOXD_BENCHMARK_KEEP"] == nil else {
            progress("kept \(url.path)")
            return
        }
        // rm(1): FileManager's removal of 100,000 request files took minutes on a busy disk.
        let remover = Process()
        remover.executableURL = URL(fileURLWithPath: "/bin/rm")
        remover.arguments = ["-rf", url.path]
        if (try? remover.run()) != nil { remover.waitUntilExit() }
        try? FileManager.default.removeItem(at: url)
    }
}

/// The `sandboxd` executable beside this benchmark's own (the same build directory).
func sandboxdExecutable() throws -> URL {
    let own = URL(
        fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
    )
    let directory = own.deletingLastPathComponent()
    let candidate = directory.appendingPathComponent("sandboxd")
    guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
        let configuration = directory.lastPathComponent == "debug" ? "debug" : "release"
        throw BenchmarkError(
            "no sandboxd executable in \(directory.path): build it first with "
                + "`swift build -c \(configuration) --product sandboxd`, then run "
                + "`swift run -c \(configuration) sandboxd-benchmarks` again (with the cases wanted)"
        )
    }
    return candidate
}

/// A `sandboxd` process, its stderr kept in a file.
final class SandboxdProcess {
    let process = Process()
    let logPath: String

    init(arguments: [String], environment: [String: String], logPath: String, stdoutPath: String? = nil) throws {
        self.logPath = logPath
        process.executableURL = try sandboxdExecutable()
        process.arguments = arguments
        process.environment = environment
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        if let stdoutPath {
            _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        } else {
            process.standardOutput = FileHandle.nullDevice
        }
        process.standardError = log
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// Sends `signal` and, for SIGKILL and SIGTERM, waits for the exit; the exit status.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM) -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The log so far.
    var log: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// A unix datagram socket standing in for systemd's notify socket, read all the time by a thread of its own
/// (a full socket queue would block `sandboxd`'s `sendto`, so it must be drained as systemd does).
final class NotifySocket {
    /// What the reading thread shares.
    final class Inbox: Sendable {
        let fd: Int32
        let messages = Locked<[(at: Date, text: String)]>([])
        let stopped = Locked(false)
        let ended = DispatchSemaphore(value: 0)

        init(fd: Int32) {
            self.fd = fd
        }

        func read() {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !stopped.withLock({ $0 }) {
                let count = recv(fd, &buffer, buffer.count, 0)
                guard count > 0 else { continue }
                let text = String(decoding: buffer[0..<count], as: UTF8.self)
                messages.withLock { $0.append((Date(), text)) }
            }
            ended.signal()
        }
    }

    let path: String
    private let inbox: Inbox

    init(path: String) throws {
        self.path = path
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw BenchmarkError("cannot bind the notify socket \(path)")
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        inbox = Inbox(fd: fd)
        let inbox = inbox
        Thread { inbox.read() }.start()
    }

    /// Every datagram received so far, with when.
    var messages: [(at: Date, text: String)] { inbox.messages.withLock { $0 } }

    /// Waits up to `seconds` for a datagram for which `predicate` holds.
    func wait(seconds: Double, for predicate: (String) -> Bool) -> Bool {
        poll(timeout: seconds) { messages.contains { predicate($0.text) } }
    }

    deinit {
        inbox.stopped.withLock { $0 = true }
        inbox.ended.wait()
        close(inbox.fd)
        unlink(path)
    }
}

/// CPU time and context switches of a process, all its threads together, from /proc.
struct ProcessUsage {
    /// utime + stime, in seconds (clock ticks / `sysconf(_SC_CLK_TCK)`).
    var cpuSeconds: Double
    /// Voluntary and involuntary context switches of all its threads: how often it woke up, roughly.
    var contextSwitches: Int

    init(pid: Int32) throws {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // The command name is in parentheses and may hold spaces: fields count from after its `)`.
        guard let close = stat.lastIndex(of: ")") else { throw BenchmarkError("cannot read /proc/\(pid)/stat") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); utime is field 14, stime field 15.
        guard fields.count > 13, let utime = Double(fields[11]), let stime = Double(fields[12]) else {
            throw BenchmarkError("cannot parse /proc/\(pid)/stat")
        }
        cpuSeconds = (utime + stime) / Double(sysconf(Int32(_SC_CLK_TCK)))
        var switches = 0
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        for task in tasks {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8)
            else { continue }
            for line in status.split(separator: "\n")
            where line.hasPrefix("voluntary_ctxt_switches") || line.hasPrefix("nonvoluntary_ctxt_switches") {
                switches += Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0
            }
        }
        contextSwitches = switches
    }

    /// Threads of the process.
    static func threads(pid: Int32) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []).count
    }
}

/// One value of the Prometheus text `sandboxd run --metrics-file` writes: the sample whose name and labels
/// start with `prefix` (`sandboxd_outbox_length{`), or nil.
func metric(_ prefix: String, in path: String) -> Double? {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
        guard let value = line.split(separator: " ").last else { continue }
        return value == "NaN" ? .nan : Double(value)
    }
    return nil
}

/// The machine, for the record.
func machineDescription() -> String {
    let cpu =
        ((try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "")
        .split(separator: "\n").first { $0.hasPrefix("model name") }?
        .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
    let load =
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "")
        .split(separator: " ").prefix(3).joined(separator: " ")
    return "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu), load average \(load)"
}
