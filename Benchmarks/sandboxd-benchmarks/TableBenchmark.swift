// Case `table`: the project's one table (docs/BENCHMARKS.md) — every figure beside its target and the floor
// measured in the same run: plan and steady reconcile at 1,000 / 10,000 / 100,000 request files, the first
// pass over 10,000 new ones, the journal at 1,000,000 records, API calls against the loopback fakes, the
// hand-over of 120 requests, the idle daemon, SHA-256.

import Foundation
import SandboxCore
import SandboxCrypto
import SandboxRuntime
import SandboxTesting

#if canImport(Glibc)
import Glibc
#endif

/// One line of the table.
struct TableRow {
    var measure: String
    var value: String
    var target: String
    var floor: String
    var met: String
}

/// The rows, in the order measured.
final class TableRows {
    var rows: [TableRow] = []

    func add(_ measure: String, _ value: String, target: String = "", floor: String = "", met: Bool? = nil) {
        let row = TableRow(measure: measure, value: value, target: target, floor: floor, met: met.map(verdict) ?? "")
        rows.append(row)
        // Each row as it is measured, so a case that fails later does not lose the others.
        progress("| \(row.measure) | \(row.value) | \(row.target) | \(row.floor) | \(row.met) |")
    }

    func print() {
        var table = Table(["measure", "value", "target", "floor (same run)", "met"], rightAligned: [1])
        for row in rows { table.add([row.measure, row.value, row.target, row.floor, row.met]) }
        table.print()
    }
}

/// What `sandboxd-rusage` reported about one command.
struct Measured {
    var seconds: Double
    var maxRSSMiB: Double
    var exitCode: Int32
    /// User + system CPU time (on a loaded machine the wall time says more about the others).
    var cpuSeconds: Double
}

enum TableBenchmark {
    static func run(exampleDirectory: String) throws {
        let rows = TableRows()
        let started = ContinuousClock.now
        // SANDBOXD_BENCHMARK_QUICK=1 shrinks the sizes, to try the benchmark itself (e.g. in a debug build).
        let quick = ProcessInfo.processInfo.environment["SANDBOXD_BENCHMARK_QUICK"] != nil
        let firstPassCount = quick ? 1_000 : 10_000
        for count in quick ? [1_000] : [1_000, 10_000, 100_000] {
            // Each tree of request files is written once, and kept for the next run (Synthetic.keptDesired): the
            // first pass reuses the one of its size, and its decode floor.
            let root = try TemporaryDirectory("scale-\(count)")
            defer { root.remove() }
            let floor = try scale(count: count, root: root, rows: rows)
            if count == firstPassCount {
                try firstPass(root: root, count: count, capacity: 100, floor: floor, rows: rows)
            }
        }
        try JournalBenchmark.run(records: quick ? 100_000 : 1_000_000, rows: rows)
        try CallsBenchmark.steadyPass(live: 1_000, rows: rows)
        try CallsBenchmark.oneRequest(rows: rows)
        try BurstBenchmark.handOver(comments: 20, rows: rows)
        try idle(exampleDirectory: exampleDirectory, rows: rows)
        try sha256(rows: rows)
        print("### The table (`sandboxd-benchmarks table`, \(format((ContinuousClock.now - started).seconds, 0)) s)")
        print("")
        rows.print()
    }

    // MARK: plan and steady reconcile at scale

    /// `plan` and a steady `reconcile --local` over `count` request files, a tenth live, against the decode floor.
    ///
    /// - Returns: the decode floor (s).
    @discardableResult
    static func scale(count: Int, root: TemporaryDirectory, rows: TableRows) throws -> Double {
        progress("table: \(count) request files, \(min(count / 10, 1_000)) live")
        // A pool holds at most 1,000 slots (docs/behaviour.md §9.1): at 100,000 files a hundredth is live.
        let capacity = min(count / 10, 1_000)
        let desired = try Synthetic.keptDesired(count: count, capacity: capacity)
        let loaded = DesiredStateLoader(directory: desired).load()
        let state = root.path("state")
        _ = try Synthetic.writeLocalState(state, desired: loaded, liveEvery: count / capacity)
        if count <= 1_000 {
            let actions = Synthetic.steadyActions(try journalState(state), desired: loaded)
            if !actions.isEmpty { progress("table: the synthetic state is not steady: \(actions.prefix(5))") }
        }
        // The floor's first read warms the page cache for every request file, and the state directory was just
        // written: `plan` is measured once, with no run of its own to warm the cache.
        let floor = try decodeFloor(desired)
        let arguments = ["--local", "--desired-state", desired, "--state-dir", state]
        let plan = try measure(["plan"] + arguments)
        let recordsBefore = try journalRecords(state)
        let reconcile = try measure(["reconcile"] + arguments)
        let written = try journalRecords(state) - recordsBefore
        let label = "\(count.formatted()) files, \(capacity.formatted()) live"
        // Wall over wall, and CPU over the floor's wall (the floor is one busy thread; on a loaded machine the wall
        // time says how busy the others were).
        let ratios = "\(format(plan.seconds / floor, 2))×; CPU \(format(plan.cpuSeconds / floor, 2))×"
        rows.add(
            "`plan`, \(label) (s; CPU s)",
            "\(format(plan.seconds)); \(format(plan.cpuSeconds))",
            target: count == 10_000 ? "≤ 1.5× floor" : count == 100_000 ? "< 3" : "",
            floor: "\(format(floor)) decode (\(ratios)); load \(loadAverage())",
            met: count == 10_000 ? plan.seconds <= 1.5 * floor : count == 100_000 ? plan.seconds < 3 : nil
        )
        rows.add(
            "`plan`, \(label): peak RSS (MB)",
            format(plan.maxRSSMiB, 0),
            target: count == 100_000 ? "< 200" : "",
            met: count == 100_000 ? plan.maxRSSMiB < 200 : nil
        )
        rows.add(
            "steady `reconcile --local`, \(label) (s / MB; CPU s)",
            "\(format(reconcile.seconds)) / \(format(reconcile.maxRSSMiB, 0)); \(format(reconcile.cpuSeconds))",
            target: count == 100_000 ? "RSS < 200" : "",
            floor: "\(format(floor)) decode; \(written) records written, exit \(reconcile.exitCode)",
            met: count == 100_000 ? reconcile.maxRSSMiB < 200 : nil
        )
        return floor
    }

    /// Reading and decoding every request file and `pool.json` with Foundation's `JSONDecoder`, nothing else:
    /// the best of two.
    static func decodeFloor(_ desired: String) throws -> Double {
        struct RequestFile: Decodable {
            var requester: String
            var pullRequest: Int
            var purpose: String?
            var lease: String?
        }
        struct PoolFile: Decodable {
            var capacity: Int
            var lease: String?
        }
        var best = Double.infinity
        for _ in 0..<2 {
            let time = try seconds {
                let decoder = JSONDecoder()
                let manager = FileManager.default
                _ = try decoder.decode(
                    PoolFile.self,
                    from: Data(contentsOf: URL(fileURLWithPath: desired + "/pool.json"))
                )
                let directory = desired + "/requests"
                for name in try manager.contentsOfDirectory(atPath: directory) where name.hasSuffix(".json") {
                    guard let data = manager.contents(atPath: directory + "/" + name) else {
                        throw BenchmarkError("cannot read \(name)")
                    }
                    _ = try decoder.decode(RequestFile.self, from: data)
                }
            }
            best = min(best, time)
        }
        return best
    }

    /// The 1-minute load average, for the figures beside it.
    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?"
        return String(text.split(separator: " ").first ?? "?")
    }

    /// Runs `sandboxd ARGUMENTS` under `sandboxd-rusage`: wall time from fork to reaping, peak RSS from wait4.
    static func measure(_ arguments: [String], environment: [String: String]? = nil) throws -> Measured {
        let sandboxd = try sandboxdExecutable()
        let probe = sandboxd.deletingLastPathComponent().appendingPathComponent("sandboxd-rusage")
        guard FileManager.default.isExecutableFile(atPath: probe.path) else {
            throw BenchmarkError("no \(probe.path): build it with `swift build -c release --product sandboxd-rusage`")
        }
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("sandboxd-rusage-\(getpid())").path
        let process = Process()
        process.executableURL = probe
        process.arguments = [report, "600", sandboxd.path] + arguments
        if let environment { process.environment = environment }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let line = try String(contentsOfFile: report, encoding: .utf8)
        unlink(report)
        var fields: [String: Double] = [:]
        for pair in line.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = pair.split(separator: "=")
            if parts.count == 2, let value = Double(parts[1]) { fields[String(parts[0])] = value }
        }
        guard let status = fields["status"], let rss = fields["maxrss"], let elapsed = fields["elapsed_ns"] else {
            throw BenchmarkError("sandboxd-rusage reported \(line)")
        }
        return Measured(
            seconds: elapsed / 1e9,
            maxRSSMiB: rss / 1024,
            exitCode: Int32(status) >> 8,
            cpuSeconds: (fields["cpu_ns"] ?? .nan) / 1e9
        )
    }

    static func journalState(_ state: String) throws -> JournalState {
        guard let contents = try FileJournal.read(stateDirectory: URL(fileURLWithPath: state)) else {
            return JournalState(lineage: "")
        }
        return try JournalCodec.replay(contents)
    }

    static func journalRecords(_ state: String) throws -> Int {
        Int(try FileJournal.read(stateDirectory: URL(fileURLWithPath: state))?.records.count ?? 0)
    }

    // MARK: the first pass

    /// One `reconcile --local` over `count` new request files: verification skipped (local mode), the comments
    /// it may write within GitHub's budget written to the outbox. The request files are the kept ones
    /// (``Synthetic/keptDesired(count:capacity:)``), with a pool of `capacity` and a new state directory; `floor` is
    /// the decode floor of the same files (``scale(count:root:rows:)`` measured it).
    static func firstPass(root: TemporaryDirectory, count: Int, capacity: Int, floor: Double, rows: TableRows) throws {
        progress("table: first pass over \(count) new request files")
        let desired = try Synthetic.keptDesired(count: count, capacity: capacity)
        let state = root.path("first-pass-state")
        // Bounded, so that a slow pass does not hold up the table: `--timeout` ends it with work left.
        let pass = try measure([
            "reconcile", "--local", "--timeout", "60s", "--desired-state", desired, "--state-dir", state,
        ])
        let journal = try journalState(state)
        let records = try journalRecords(state)
        let provisioning = journal.requests.values.filter { $0.state == .provisioning }.count
        let outbox = ((try? FileManager.default.contentsOfDirectory(atPath: state + "/outbox")) ?? []).count
        rows.add(
            "first pass, \(count.formatted()) new files, capacity \(capacity) (s; CPU s)",
            "\(format(pass.seconds)); \(format(pass.cpuSeconds))",
            target: "< 3",
            floor: "\(format(floor)) decode; \(records.formatted()) records, \(provisioning) provisioning, "
                + "\(outbox) comments, exit \(pass.exitCode); load \(loadAverage())",
            met: pass.seconds < 3
        )
        rows.add("first pass: peak RSS (MB)", format(pass.maxRSSMiB, 0))
    }

    // MARK: idle

    static func idle(exampleDirectory: String, rows: TableRows) throws {
        progress("table: idle daemon, \(Int(IdleBenchmark.window)) s")
        let idle = try IdleBenchmark.measure(exampleDirectory: exampleDirectory, watchdog: false)
        rows.add(
            "`sandboxd run` idle: CPU over \(Int(IdleBenchmark.window)) s (s)",
            format(idle.cpu, 2),
            target: "< 0.05",
            floor: "1 tick = 0.01",
            met: idle.cpu < 0.05
        )
        progress("table: 1,000 passes (SIGHUP) of an idle daemon")
        let (after10, after1000, seconds) = try IdleBenchmark.passes(exampleDirectory: exampleDirectory, count: 1_000)
        rows.add(
            "RSS after 10 / 1,000 idle passes (MB)",
            "\(format(after10, 1)) / \(format(after1000, 1))",
            target: "no growth",
            floor: "1,000 passes in \(format(seconds, 1)) s",
            met: after1000 <= after10 * 1.05 + 1
        )
    }

    // MARK: SHA-256

    static func sha256(rows: TableRows) throws {
        progress("table: SHA-256 of 100 MB against sha256sum")
        let (ours, theirs) = try SHA256Benchmark.measure()
        rows.add(
            "SHA-256, 100 MB (s)",
            format(ours),
            target: "≤ 4× sha256sum",
            floor: "\(format(theirs)) sha256sum (\(format(ours / theirs, 2))×)",
            met: ours <= 4 * theirs
        )
    }
}
