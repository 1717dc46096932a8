// What the torture needs around the daemon: errors, a seeded generator, the `sandboxd` process, a scratch
// directory and a small tmpfs for the full disk.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

struct TortureError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// SplitMix64: every kill moment and fault of a run follows from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in `range`, in seconds.
    mutating func seconds(_ range: ClosedRange<Double>) -> Double {
        Double.random(in: range, using: &self)
    }
}

/// Progress on stderr, the summary on stdout.
func note(_ message: String) {
    FileHandle.standardError.write(Data("· \(message)\n".utf8))
}

/// Seconds since `start`, by the monotonic clock.
func elapsed(since start: ContinuousClock.Instant) -> Double {
    let duration = ContinuousClock.now - start
    return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// The `sandboxd` executable: `--sandboxd`, else the one beside this program (the same build directory).
func sandboxdExecutable(_ given: String?) throws -> String {
    if let given { return given }
    let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    let candidate = URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("sandboxd").path
    guard FileManager.default.isExecutableFile(atPath: candidate) else {
        throw TortureError("no sandboxd beside \(own): build it first (swift build --product sandboxd)")
    }
    return candidate
}

/// One life of `sandboxd run`: its stderr appended to the run's log.
final class DaemonProcess {
    private let process = Process()

    init(executable: String, arguments: [String], environment: [String: String], logPath: String) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var isRunning: Bool { process.isRunning }

    /// Sends `signal` and returns (SIGSTOP, SIGCONT).
    func signal(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }
    var status: Int32 { process.terminationStatus }

    /// Sends `signal` (unless it already exited) and waits for the exit.
    func stop(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Runs a program to its end; its exit status and output.
@discardableResult
func runProgram(
    _ path: String,
    _ arguments: [String],
    environment: [String: String]? = nil
) throws -> (
    status: Int32, output: String
) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}

/// A directory under the system's temporary directory; kept when `SANDBOXD_TORTURE_KEEP` is set.
struct ScratchDirectory {
    let path: String

    init(_ name: String) throws {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("sandboxd-torture-\(name)-\(getpid())").path
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ relative: String) -> String { path + "/" + relative }

    func write(_ relative: String, _ text: String) throws {
        let target = URL(fileURLWithPath: file(relative))
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        try Data(text.utf8).write(to: target)
    }

    func remove() {
        guard ProcessInfo.processInfo.environment["SANDBOXD_TORTURE_KEEP"] == nil else {
            note("kept \(path)")
            return
        }
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A small tmpfs at `path` to fill up: the full disk of the fault run (root only; nil when mounting is refused).
final class SmallDisk {
    let path: String
    private var filler: String { path + "/.filler" }

    init?(path: String, megabytes: Int) {
        self.path = path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard
            let result = try? runProgram(
                "/bin/mount",
                ["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0700", "tmpfs", path]
            ),
            result.status == 0
        else { return nil }
    }

    /// Writes a file until the disk is full; the bytes it wrote.
    @discardableResult
    func fill() -> Int {
        let fd = open(filler, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0, count: 4096)
        var total = 0
        while true {
            let written = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { break }
            total += written
        }
        return total
    }

    /// Frees the space again.
    func free() {
        unlink(filler)
    }

    func unmount() {
        _ = try? runProgram("/bin/umount", ["-l", path])
    }
}
