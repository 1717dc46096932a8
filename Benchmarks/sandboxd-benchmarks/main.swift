// The benchmarks of docs/BENCHMARKS.md, each printing Markdown tables on stdout (progress on stderr).
//
//     swift build -c release --product sandboxd           # the daemon cases run this binary
//     swift run -c release sandboxd-benchmarks [CASE...]  # no case: all of them
//
// No case runs `table`: the project's one table (docs/BENCHMARKS.md), under 5 minutes. The detailed cases:
// `sha256`, `rsa`; `burst`, `lateness`, `idle` (`daemon` runs these three); `all` runs every one.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

let cases = ["table", "journal", "sha256", "rsa", "burst", "lateness", "idle"]
/// The cases that need no `sandboxd` binary.
let standalone: Set = ["journal", "sha256", "rsa"]
let groups = ["daemon": ["burst", "lateness", "idle"], "all": cases]

// `generate COUNT DIRECTORY`: the synthetic tree of the table's `plan` case (DIRECTORY/desired and
// DIRECTORY/state), kept, to profile `sandboxd plan` on it.
if CommandLine.arguments.count == 4, CommandLine.arguments[1] == "generate", let count = Int(CommandLine.arguments[2]) {
    do {
        try Synthetic.generate(count: count, in: CommandLine.arguments[3])
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("sandboxd-benchmarks: \(error)\n".utf8))
        exit(1)
    }
}

// `plans DIRECTORY N`: plans N times in-process over a tree `generate` wrote (to profile the planner alone).
if CommandLine.arguments.count == 4, CommandLine.arguments[1] == "plans", let count = Int(CommandLine.arguments[3]) {
    do {
        let seconds = try Synthetic.plans(in: CommandLine.arguments[2], count: count)
        print("\(count) plans: \(format(seconds)) s, \(format(seconds / Double(count) * 1000, 2)) ms each")
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("sandboxd-benchmarks: \(error)\n".utf8))
        exit(1)
    }
}

var selected: [String] = []
for argument in CommandLine.arguments.dropFirst() {
    if argument == "-h" || argument == "--help" {
        print("usage: sandboxd-benchmarks [\((cases + groups.keys.sorted()).joined(separator: "|"))]...")
        print(
            "no argument runs the table; the daemon cases and the table need "
                + "`swift build -c release --product sandboxd --product sandboxd-rusage` first"
        )
        exit(0)
    } else if let group = groups[argument] {
        selected += group
    } else if cases.contains(argument) {
        selected.append(argument)
    } else {
        FileHandle.standardError.write(
            Data("sandboxd-benchmarks: unknown case \(argument); cases: \(cases + groups.keys.sorted())\n".utf8)
        )
        exit(64)
    }
}
if selected.isEmpty { selected = ["table"] }

/// The repository's `desired-state/` example, found from this file's path (or the working directory).
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let example =
    [repository.appendingPathComponent("desired-state").path, "desired-state"]
    .first { FileManager.default.fileExists(atPath: $0 + "/pool.json") } ?? "desired-state"

do {
    if selected.contains(where: { !standalone.contains($0) }) { _ = try sandboxdExecutable() }
    print("Machine: \(machineDescription()); date \(Date().formatted(Date.ISO8601FormatStyle()))")
    print("")
    for name in cases where selected.contains(name) {
        switch name {
        case "table": try TableBenchmark.run(exampleDirectory: example)
        case "journal": try JournalBenchmark.table(records: 1_000_000)
        case "sha256": try SHA256Benchmark.run()
        case "rsa": try RSABenchmark.run()
        case "burst": try BurstBenchmark.run()
        case "lateness": try LatenessBenchmark.run()
        case "idle": try IdleBenchmark.run(exampleDirectory: example)
        default: break
        }
    }
} catch {
    FileHandle.standardError.write(Data("sandboxd-benchmarks: \(error)\n".utf8))
    exit(1)
}
