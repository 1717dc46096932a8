// Case `lateness`: a pool of one with a 20 s lease under `sandboxd run --interval 60s` (remote mode, loopback
// fakes), two requests: how late the expiry warning, the termination, the ready comment and the hand-over of
// the freed slot are against their goals (docs/behaviour.md §9.5).

import Foundation
import SandboxCore
import SandboxTesting

struct LatenessRun {
    /// (a) the `expiring` comment's arrival minus leaseEnd − expiryWarning.
    var warning: Double
    /// (b) TerminateProvisionedProduct's arrival minus leaseEnd.
    var termination: Double
    /// (c) the `ready` comment's arrival minus the product becoming AVAILABLE, for both requests.
    var ready: [Double]
    /// (c′) of which: the lease start (the pass that saw it AVAILABLE) minus AVAILABLE.
    var seen: [Double]
    /// (d) the second request's ProvisionProduct minus the first product being gone.
    var handOver: Double
    /// `sandboxd_expiry_lateness_seconds` of the metrics file at the end.
    var metricWarning: Double
    var metricTermination: Double
}

enum LatenessBenchmark {
    static var runs: Int { completionTimes.count }
    static let lease: TimeInterval = 20
    static let expiryWarning: TimeInterval = 10
    /// How long a provisioning or a termination takes in the fake catalog, in each run: the change falls at a
    /// different point of the daemon's poll cadence (every 2 s from 10 s in flight), late, middle and early.
    static let completionTimes: [TimeInterval] = [12.3, 12.9, 13.5]

    static func run() throws {
        var results: [LatenessRun] = []
        for run in 1...runs {
            progress("lateness: run \(run) of \(runs)")
            results.append(try measure(run: run))
        }
        print("### Lateness against the goals: capacity 1, lease 20s, expiryWarning 10s, two requests")
        print("")
        print(
            "`sandboxd run --interval 60s` against the loopback fakes; both request files are there before the "
                + "start. Provisioning and termination take "
                + completionTimes.map { "\(format($0, 1)) s" }.joined(separator: ", ")
                + " in the fake catalog in the \(runs) runs, so each change falls at another point of the poll "
                + "cadence. Times are arrivals at the fakes, in seconds."
        )
        print("")
        var table = Table(["measure", "goal", "min", "median", "max", "goal met"], rightAligned: [2, 3, 4])
        func row(_ name: String, _ goal: String, _ values: [Double], _ holds: (Double) -> Bool) {
            let spread = Spread(values)
            table.add([
                name, goal, format(spread.min), format(spread.median), format(spread.max),
                verdict(values.allSatisfy(holds)),
            ])
        }
        let late2 = { (value: Double) in value >= 0 && value <= 2 }
        let late5 = { (value: Double) in value >= 0 && value <= 5 }
        row("(a) `expiring` comment − (leaseEnd − expiryWarning)", "0 … 2", results.map(\.warning), late2)
        row("(b) TerminateProvisionedProduct − leaseEnd", "0 … 2", results.map(\.termination), late2)
        row("(c) `ready` comment − product AVAILABLE", "≤ 5", results.flatMap(\.ready), late5)
        row("  of which: lease start (seen AVAILABLE) − AVAILABLE", "", results.flatMap(\.seen), { _ in true })
        row("(d) next ProvisionProduct − first product gone", "≤ 5", results.map(\.handOver), late5)
        row(
            "metric `sandboxd_expiry_lateness_seconds{kind=\"warning\"}`",
            "≈ (a)",
            results.map(\.metricWarning),
            { !$0.isNaN }
        )
        row(
            "metric `sandboxd_expiry_lateness_seconds{kind=\"termination\"}`",
            "≈ (b)",
            results.map(\.metricTermination),
            { !$0.isNaN }
        )
        table.print()
        var each = Table([
            "run", "completion (s)", "(a)", "(b)", "(c) first, second", "(d)", "metric warning", "metric termination",
        ])
        for (index, result) in results.enumerated() {
            each.add([
                "\(index + 1)", format(completionTimes[index], 1), format(result.warning), format(result.termination),
                result.ready.map { format($0) }.joined(separator: ", "), format(result.handOver),
                format(result.metricWarning), format(result.metricTermination),
            ])
        }
        each.print()
    }

    static func measure(run: Int) throws -> LatenessRun {
        let scene = try RemoteScene(
            name: "lateness-\(run)",
            pool: """
                {"capacity": 1, "lease": "\(Int(lease))s", "expiryWarning": "\(Int(expiryWarning))s",
                 "product": {"productId": "prod-sandbox000001", "provisioningArtifactId": "pa-sandbox000001"},
                 "verification": {"minAccountAge": "30d"}}
                """,
            completionTime: completionTimes[run - 1]
        )
        defer { scene.stop() }
        try scene.directory.write(
            "desired/requests/lat-a.json",
            scene.requester(login: "alice", request: "lat-a", pullRequest: 1)
        )
        try scene.directory.write(
            "desired/requests/lat-b.json",
            scene.requester(login: "bob", request: "lat-b", pullRequest: 2)
        )
        let notify = try NotifySocket(path: scene.notifyPath)
        let daemon = try scene.startDaemon()
        _ = notify.wait(seconds: 5) { $0.hasPrefix("READY=1") }
        let done = poll(timeout: 3 * (lease + 3 * completionTimes[run - 1])) {
            scene.github.markerCounts["lat-b:ready"] != nil
        }
        guard done else { throw BenchmarkError("lat-b never got its ready comment\n\(daemon.log.suffix(4000))") }
        let metricWarning = metric(
            "sandboxd_expiry_lateness_seconds{pool=\"default\",kind=\"warning\"}",
            in: scene.metricsPath
        )
        let metricTermination = metric(
            "sandboxd_expiry_lateness_seconds{pool=\"default\",kind=\"termination\"}",
            in: scene.metricsPath
        )
        daemon.stop(SIGTERM)

        let journal = try scene.journal()
        guard let first = journal.requests[RequestID("lat-a")!], let leaseEnd = first.leaseEnd,
            let firstStart = first.leaseStart,
            let secondStart = journal.requests[RequestID("lat-b")!]?.leaseStart
        else { throw BenchmarkError("the journal holds no lease of lat-a and lat-b") }
        let writes = scene.github.commentWrites
        func write(_ marker: String) throws -> Date {
            guard let found = writes.first(where: { $0.marker == marker }) else {
                throw BenchmarkError("no comment \(marker)")
            }
            return found.at
        }
        let changes = scene.catalog.statusChanges
        func change(_ name: String, _ status: String) throws -> Date {
            guard let found = changes.first(where: { $0.name == name && $0.status == status }) else {
                throw BenchmarkError("\(name) never became \(status)")
            }
            return found.at
        }
        let terminations = scene.catalog.arrivals(of: "TerminateProvisionedProduct").map(\.at)
        let provisions = scene.catalog.arrivals(of: "ProvisionProduct").map(\.at).sorted()
        guard let termination = terminations.min(), provisions.count >= 2 else {
            throw BenchmarkError("no termination, or no second provisioning")
        }
        let availableA = try change("sandbox-lat-a", "AVAILABLE")
        let availableB = try change("sandbox-lat-b", "AVAILABLE")
        return LatenessRun(
            warning: try write("lat-a:expiring").timeIntervalSince(leaseEnd.addingTimeInterval(-expiryWarning)),
            termination: termination.timeIntervalSince(leaseEnd),
            ready: [
                try write("lat-a:ready").timeIntervalSince(availableA),
                try write("lat-b:ready").timeIntervalSince(availableB),
            ],
            seen: [firstStart.timeIntervalSince(availableA), secondStart.timeIntervalSince(availableB)],
            handOver: provisions[1].timeIntervalSince(try change("sandbox-lat-a", "TERMINATED")),
            metricWarning: metricWarning ?? .nan,
            metricTermination: metricTermination ?? .nan
        )
    }
}
