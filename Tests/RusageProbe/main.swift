// sandboxd-rusage REPORT SECONDS EXECUTABLE [ARGUMENT...]
//
// Runs EXECUTABLE with the arguments, this process's environment and standard streams, kills it with
// SIGKILL after SECONDS, reaps it with wait4 and writes one line to the file REPORT:
//
//     status=<wait status> maxrss=<KiB> floor=<KiB> killed=<0|1> elapsed_ns=<nanoseconds>
//
// Why a process of its own: on Linux a child's ru_maxrss starts from the peak RSS of the memory image
// it was created from (exec records the old image's high-water mark), and posix_spawn creates the
// child from its parent's image. Spawned straight from a test process of a few hundred MB, sandboxd
// would "use" those. Spawned from this small program, its figure is its own, or `floor` (this
// program's peak, VmHWM, at the spawn) when that is larger. Glibc only, no Foundation: a small floor.
import Glibc

/// This process's peak resident set (VmHWM in /proc/self/status), in KiB; 0 if unreadable.
func highWaterMarkKiB() -> Int {
    let descriptor = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return 0 }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = read(descriptor, &buffer, buffer.count)
        if count <= 0 { break }
        bytes += buffer[0..<count]
    }
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") ?? 0
    }
    return 0
}

/// Monotonic nanoseconds.
func nowNanoseconds() -> Int {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return time.tv_sec * 1_000_000_000 + time.tv_nsec
}

func writeReport(_ path: String, _ line: String) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { exit(125) }
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
}

let arguments = CommandLine.arguments
guard arguments.count >= 4, let seconds = Double(arguments[2]), seconds > 0 else {
    let usage = Array("usage: sandboxd-rusage REPORT SECONDS EXECUTABLE [ARGUMENT...]\n".utf8)
    _ = usage.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    exit(126)
}
let report = arguments[1]
let floor = highWaterMarkKiB()
let start = nowNanoseconds()
let deadline = start + Int(seconds * 1e9)

var argv: [UnsafeMutablePointer<CChar>?] = arguments.dropFirst(3).map { strdup($0) } + [nil]
var pid: pid_t = 0
let spawned = posix_spawn(&pid, arguments[3], nil, nil, &argv, environ)
guard spawned == 0 else {
    writeReport(report, "error=\(spawned)")
    exit(127)
}

var status: Int32 = 0
var usage = rusage()
var killed = false
while true {
    let reaped = wait4(pid, &status, WNOHANG, &usage)
    if reaped == pid { break }
    if reaped < 0 && errno != EINTR {
        writeReport(report, "error=\(errno)")
        exit(124)
    }
    if !killed && nowNanoseconds() >= deadline {
        kill(pid, SIGKILL)
        killed = true
    }
    usleep(2_000)
}
let elapsed = nowNanoseconds() - start
// The child's CPU time (user + system): on a loaded machine the wall time says more about the others.
let cpuSeconds = Int(usage.ru_utime.tv_sec) + Int(usage.ru_stime.tv_sec)
let cpuMicroseconds = Int(usage.ru_utime.tv_usec) + Int(usage.ru_stime.tv_usec)
let cpu = cpuSeconds * 1_000_000_000 + cpuMicroseconds * 1_000
writeReport(
    report,
    "status=\(status) maxrss=\(usage.ru_maxrss) floor=\(floor) killed=\(killed ? 1 : 0) elapsed_ns=\(elapsed) "
        + "cpu_ns=\(cpu)"
)
exit(0)
