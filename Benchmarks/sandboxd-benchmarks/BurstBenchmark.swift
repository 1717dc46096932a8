// Case `burst`: 120 new requests on a pool of 40 under `sandboxd run --interval 60s` (remote mode, loopback
// fakes): how soon the 40th product is asked for, how fast the comments go out, and exactly one comment per
// event — also with a SIGKILL in the middle of the comments and a restart.

import Foundation
import SandboxCore
import SandboxTesting

#if canImport(Glibc)
import Glibc
#endif

struct BurstResult {
    var label: String
    var filesWriting: Double
    var firstGitHubCall: Double
    var fortiethProvision: Double
    var firstComment: Double
    var lastComment: Double
    var posts: Int
    var edits: Int
    var rate: Double
    var mostPerMinute: Int
    var smallestGap: Double
    var expected: Int
    var missing: [String]
    var duplicated: [String: Int]
    var unexpected: [String]
    var exitStatus: Int32
    /// For the run with a kill: writes before the kill, seconds from the kill to the next write, and the
    /// comment listings (marker look-ups) after the restart.
    var kill: (writesBefore: Int, gap: Double, listings: Int)?
}

enum BurstBenchmark {
    static let requests = 120
    static let capacity = 40
    /// How long a provisioning takes in the fake catalog.
    static let completionTime: TimeInterval = 10

    static func run() throws {
        progress("burst: \(requests) requests, capacity \(capacity), no kill")
        let plain = try measure(killAfterWrites: nil)
        progress("burst: the same, SIGKILL after 60 comment writes, restart")
        let killed = try measure(killAfterWrites: 60)

        print(
            "### \(requests) new requests, capacity \(capacity): `sandboxd run --interval 60s` against the loopback fakes"
        )
        print("")
        print(
            "Request files written after READY (each written as a dot-file, then all renamed into `requests/` "
                + "at once); provisioning takes \(Int(completionTime)) s in the fake catalog. Times from the first "
                + "rename."
        )
        print("")
        var table = Table(["measure", "goal", plain.label, killed.label], rightAligned: [2, 3])
        func row(_ name: String, _ goal: String, _ value: (BurstResult) -> String) {
            table.add([name, goal, value(plain), value(killed)])
        }
        row("renaming the \(requests) files (s)", "", { format($0.filesWriting) })
        row("first GitHub call (s)", "", { format($0.firstGitHubCall) })
        row("**40th ProvisionProduct (s)**", "≤ 10", { "**\(format($0.fortiethProvision))**" })
        row("first comment write (s)", "", { format($0.firstComment) })
        row("last comment write, outbox empty (s)", "", { format($0.lastComment) })
        row("comment writes: posts + edits", "", { "\($0.posts) + \($0.edits)" })
        row(
            "**comment rate, first to last write (/s)**",
            "≥ 0.9",
            { "**\(format($0.rate))**" }
        )
        row("most writes in any 60 s", "≤ 80", { "\($0.mostPerMinute)" })
        row("smallest gap between writes (s)", "≈ 1 (pacing)", { format($0.smallestGap) })
        row(
            "(request, event) pairs: expected / missing / duplicated / unexpected",
            "all once",
            { "\($0.expected) / \($0.missing.count) / \($0.duplicated.count) / \($0.unexpected.count)" }
        )
        row(
            "kill: writes before it / seconds to the next write / marker look-ups after the restart",
            "",
            { result in result.kill.map { "\($0.writesBefore) / \(format($0.gap)) / \($0.listings)" } ?? "—" }
        )
        row("exit status after SIGTERM", "0", { "\($0.exitStatus)" })
        table.print()

        var goals = Table(["goal", plain.label, killed.label])
        goals.add([
            "40th ProvisionProduct ≤ 10 s", verdict(plain.fortiethProvision <= 10),
            verdict(killed.fortiethProvision <= 10),
        ])
        goals.add(["comment rate ≥ 0.9/s", verdict(plain.rate >= 0.9), verdict(killed.rate >= 0.9)])
        goals.add(["≤ 80 writes a minute", verdict(plain.mostPerMinute <= 80), verdict(killed.mostPerMinute <= 80)])
        goals.add(["exactly one comment per (request, event)", verdict(plain.exact), verdict(killed.exact)])
        goals.print()
        for result in [plain, killed] where !result.exact {
            print(
                "\(result.label): missing \(result.missing.sorted()), duplicated \(result.duplicated), "
                    + "unexpected \(result.unexpected.sorted())"
            )
            print("")
        }
    }

    static func pool(capacity: Int = capacity) -> String {
        """
        {"capacity": \(capacity),
         "product": {"productId": "prod-sandbox000001", "provisioningArtifactId": "pa-sandbox000001"},
         "verification": {"minAccountAge": "30d"}}
        """
    }

    static func measure(killAfterWrites: Int?) throws -> BurstResult {
        let scene = try RemoteScene(
            name: killAfterWrites == nil ? "burst" : "burst-kill",
            pool: pool(),
            completionTime: completionTime
        )
        defer { scene.stop() }
        var files: [(temporary: String, final: String)] = []
        for index in 1...requests {
            let id = String(format: "req-%03d", index)
            let text = scene.requester(login: String(format: "dev%03d", index), request: id, pullRequest: index)
            let temporary = scene.directory.path("desired/requests/.\(id).json.tmp")
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
            files.append((temporary, scene.directory.path("desired/requests/\(id).json")))
        }

        let notify = try NotifySocket(path: scene.notifyPath)
        var daemon = try scene.startDaemon()
        guard notify.wait(seconds: 30, for: { $0.hasPrefix("STATUS=0/\(capacity) active") }) else {
            throw BenchmarkError(
                "sandboxd did not finish its first pass: \(notify.messages.map(\.text))\n\(daemon.log)"
            )
        }

        let t0 = Date()
        for file in files where rename(file.temporary, file.final) != 0 {
            throw BenchmarkError("rename \(file.temporary): \(String(cString: strerror(errno)))")
        }
        let filesWriting = Date().timeIntervalSince(t0)

        var killInfo: (writesBefore: Int, killedAt: Date, listingsBefore: Int)?
        if let limit = killAfterWrites {
            // Looks at each request as it arrives (every millisecond), so the kill lands right after the
            // write that reaches the limit: most likely before sandboxd heard the answer and recorded it.
            var seen = 0
            var writes = 0
            let deadline = Date().addingTimeInterval(600)
            while killInfo == nil, Date() < deadline {
                let requests = scene.github.requests
                for request in requests[seen...] where request.method == "POST" || request.method == "PATCH" {
                    writes += 1
                }
                seen = requests.count
                if writes >= limit {
                    daemon.stop(SIGKILL)
                    killInfo = (writes, Date(), scene.github.commentListings)
                    progress("burst: killed after \(writes) comment writes; restarting")
                    daemon = try scene.startDaemon()
                } else {
                    usleep(1_000)
                }
            }
        }
        let finished = poll(timeout: 900, every: 0.1) { isDone(scene) }
        guard finished else {
            throw BenchmarkError("the outbox did not empty within 900 s\n\(daemon.log.suffix(4000))")
        }
        Thread.sleep(forTimeInterval: 3)  // anything more, e.g. a duplicate, would come now
        let exitStatus = daemon.stop(SIGTERM)

        let provisions = scene.catalog.arrivals(of: "ProvisionProduct").map(\.at)
        guard provisions.count >= capacity else {
            throw BenchmarkError("only \(provisions.count) ProvisionProduct calls")
        }
        let firstGitHub = scene.github.requests.map(\.receivedAt).filter { $0 >= t0 }.min() ?? t0
        let writes = scene.github.commentWrites.sorted { $0.at < $1.at }
        let times = writes.map(\.at)
        let span = times.last!.timeIntervalSince(times.first!)
        let gaps = zip(times.dropFirst(), times).map { $0.timeIntervalSince($1) }

        // Exactly one comment per (request, event): `ready` for an active request, `queued` for a queued one.
        let journal = try scene.journal()
        var expected: Set<String> = []
        for (id, record) in journal.requests {
            switch record.state {
            case .active: expected.insert("\(id.rawValue):ready")
            case .queued: expected.insert("\(id.rawValue):queued")
            default: expected.insert("\(id.rawValue):\(record.state)")
            }
        }
        let counts = scene.github.markerCounts
        var kill: (Int, Double, Int)?
        if let info = killInfo {
            let next = times.first { $0 > info.killedAt }.map { $0.timeIntervalSince(info.killedAt) } ?? .nan
            kill = (info.writesBefore, next, scene.github.commentListings - info.listingsBefore)
        }
        return BurstResult(
            label: killAfterWrites == nil ? "one run" : "SIGKILL + restart",
            filesWriting: filesWriting,
            firstGitHubCall: firstGitHub.timeIntervalSince(t0),
            fortiethProvision: provisions.sorted()[capacity - 1].timeIntervalSince(t0),
            firstComment: times.first!.timeIntervalSince(t0),
            lastComment: times.last!.timeIntervalSince(t0),
            posts: writes.filter { !$0.isEdit }.count,
            edits: writes.filter(\.isEdit).count,
            rate: span > 0 ? Double(writes.count - 1) / span : .nan,
            mostPerMinute: mostInWindow(times, window: 60),
            smallestGap: gaps.min() ?? .nan,
            expected: expected.count,
            missing: expected.filter { counts[$0] == nil }.sorted(),
            duplicated: counts.filter { $0.value > 1 },
            unexpected: counts.keys.filter { !expected.contains($0) }.sorted(),
            exitStatus: exitStatus,
            kill: kill
        )
    }

    /// The hand-over for the table: seconds from the files to the 40th `ProvisionProduct`, and the comment rate
    /// over the first `comments` writes (the full case, `burst`, waits for all 120).
    static func handOver(comments: Int, rows: TableRows) throws {
        progress("table: \(requests) requests on a pool of \(capacity), until \(comments) comments")
        let scene = try RemoteScene(name: "hand-over", pool: pool(), completionTime: completionTime)
        defer { scene.stop() }
        var files: [(temporary: String, final: String)] = []
        for index in 1...requests {
            let id = String(format: "req-%03d", index)
            let text = scene.requester(login: String(format: "dev%03d", index), request: id, pullRequest: index)
            let temporary = scene.directory.path("desired/requests/.\(id).json.tmp")
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
            files.append((temporary, scene.directory.path("desired/requests/\(id).json")))
        }
        let notify = try NotifySocket(path: scene.notifyPath)
        let daemon = try scene.startDaemon()
        defer { daemon.stop(SIGTERM) }
        guard notify.wait(seconds: 30, for: { $0.hasPrefix("STATUS=0/\(capacity) active") }) else {
            throw BenchmarkError("sandboxd did not finish its first pass\n\(daemon.log)")
        }
        let t0 = Date()
        for file in files where rename(file.temporary, file.final) != 0 {
            throw BenchmarkError("rename \(file.temporary): \(String(cString: strerror(errno)))")
        }
        guard
            poll(
                timeout: 120,
                every: 0.1,
                until: {
                    scene.github.commentWrites.count >= comments
                        && scene.catalog.arrivals(of: "ProvisionProduct").count >= capacity
                }
            )
        else { throw BenchmarkError("fewer than \(comments) comments within 120 s\n\(daemon.log.suffix(3000))") }
        let provisions = scene.catalog.arrivals(of: "ProvisionProduct").map(\.at).sorted()
        let times = scene.github.commentWrites.map(\.at).sorted().prefix(comments)
        let span = times.last!.timeIntervalSince(times.first!)
        let fortieth = provisions[capacity - 1].timeIntervalSince(t0)
        let rate = Double(times.count - 1) / span
        rows.add(
            "hand-over, \(requests) requests, capacity \(capacity): 40th ProvisionProduct (s)",
            format(fortieth),
            target: "≤ 10",
            floor: "40 verifications (3 GitHub reads each) first",
            met: fortieth <= 10
        )
        rows.add(
            "hand-over: comment rate over the first \(comments) writes (/s)",
            format(rate),
            target: "≥ 0.9",
            floor: "1 (the client's pacing; ≤ 80 a minute)",
            met: rate >= 0.9
        )
    }

    /// Every request active or queued, each with its one comment, and the outbox empty.
    static func isDone(_ scene: RemoteScene) -> Bool {
        let metrics = scene.metricsPath
        guard metric("sandboxd_outbox_length{", in: metrics) == 0,
            metric("sandboxd_sandboxes{pool=\"default\",state=\"active\"}", in: metrics) == Double(capacity),
            metric("sandboxd_sandboxes{pool=\"default\",state=\"queued\"}", in: metrics)
                == Double(requests - capacity)
        else { return false }
        return scene.github.markerCounts.count >= requests
    }
}

extension BurstResult {
    var exact: Bool { missing.isEmpty && duplicated.isEmpty && unexpected.isEmpty }
}
