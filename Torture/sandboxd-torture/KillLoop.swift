// The kill loop: start `sandboxd run`, let it live a seeded random while, SIGKILL it, note what it was doing,
// start it again; in the fault run, faults come and go between lives.

import Foundation
import SandboxCore
import SandboxHTTP
import SandboxTesting

#if canImport(Glibc)
import Glibc
#endif

/// What the daemon was in the middle of at each kill: one kill may count in several phases.
struct PhaseTally {
    var counts: [String: Int] = [:]

    /// Counts a kill (`duringStartUp`: before the daemon said it started), from the journal at the kill and the calls the fakes received
    /// in the last 300 ms of the life.
    mutating func record(duringStartUp: Bool, journal: JournalState?, recentAWS: [String], recentGitHub: [String]) {
        var phases = Set<String>()
        if duringStartUp { phases.insert("start-up") }
        let now = Date()
        for record in journal?.requests.values.map({ $0 }) ?? [] {
            switch record.phase {
            case .provisioning(let provisioning):
                phases.insert(provisioning.productId == nil ? "provisioning" : "activation")
            case .active(let lease):
                if lease.end.timeIntervalSince(now) < 1.5 { phases.insert("expiry") }
            case .terminating, .quarantined:
                phases.insert("termination")
            default:
                break
            }
            if record.notifications.values.contains(where: { $0.unconfirmed != nil }) { phases.insert("commenting") }
        }
        if recentAWS.contains("ProvisionProduct") { phases.insert("provisioning") }
        if recentAWS.contains("TerminateProvisionedProduct") { phases.insert("termination") }
        if recentGitHub.contains(where: { $0 == "POST" || $0 == "PATCH" }) { phases.insert("commenting") }
        if phases.isEmpty { phases.insert("idle") }
        for phase in phases { counts[phase, default: 0] += 1 }
    }

    var line: String {
        ["start-up", "provisioning", "activation", "expiry", "termination", "commenting", "idle"]
            .map { "\($0) \(counts[$0] ?? 0)" }.joined(separator: ", ")
    }
}

extension Torture {
    /// Kills until `options.kills` kills are done and the scenario's last file change is made.
    func killLoop() throws {
        let start = ContinuousClock.now
        var done = Set<String>()
        var kills = 0
        var lives = 0
        var exitsInARow = 0
        let lastChange = requests.map { max($0.addAt, $0.removeAt ?? 0) }.max() ?? 0
        while kills < options.kills || elapsed(since: start) < lastChange {
            lives += 1
            try applyFileChanges(at: elapsed(since: start), done: &done)
            // One life in six is killed during start-up; the others a while after the daemon said it started
            // (its start-up takes from 0.2 s to seconds on a loaded machine, and would otherwise take every kill).
            let duringStartUp = random.next() % 6 == 0
            var length = duringStartUp ? random.seconds(0.02...0.4) : random.seconds(0.05...1.0)
            if options.faults { length = beginFaults(life: lives, at: elapsed(since: start), length: length) }
            let awsBefore = catalog.requests.count
            let githubBefore = github.requests.count
            let logOffset = logSize
            let daemon = try startDaemon()
            var born = ContinuousClock.now
            var started = duringStartUp
            while (!started || elapsed(since: born) < length) && daemon.isRunning {
                Thread.sleep(forTimeInterval: 0.02)
                try applyFileChanges(at: elapsed(since: start), done: &done)
                if !started, hasStarted(since: logOffset) || elapsed(since: born) > 20 {
                    (started, born) = (true, ContinuousClock.now)
                }
            }
            if !daemon.isRunning {
                daemon.stop(SIGKILL)
                selfExits.append(daemon.status)
                exitsInARow += 1
                if exitsInARow >= 10 { throw TortureError("sandboxd exited by itself 10 times in a row: see its log") }
            } else {
                daemon.stop(SIGKILL)
                kills += 1
                exitsInARow = 0
                tally.record(
                    duringStartUp: duringStartUp,
                    journal: journal(),
                    recentAWS: recentOperations(catalog.requests.dropFirst(awsBefore), within: 0.3),
                    recentGitHub: recentOperations(github.requests.dropFirst(githubBefore), within: 0.3)
                )
            }
            if options.faults { endFaults(life: lives, at: elapsed(since: start)) }
        }
        self.kills = kills
        note("\(kills) kills in \(lives) lives, \(selfExits.count) exits by itself, \(format(elapsed(since: start))) s")
    }

    var logSize: UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: scratch.file("sandboxd.log")))?[.size] as? UInt64) ?? 0
    }

    /// The daemon's log after `offset`.
    private func logText(since offset: UInt64) -> String {
        guard let handle = FileHandle(forReadingAtPath: scratch.file("sandboxd.log")) else { return "" }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    }

    /// Whether the daemon logged `started` after `offset` in its log.
    private func hasStarted(since offset: UInt64) -> Bool {
        logText(since: offset).contains("notice: started ")
    }

    /// The calls of every pass and of everything in flight, held during the slow life.
    static let slowOperations = ["SearchProvisionedProducts", "DescribeRecord", "DescribeProvisionedProduct"]

    /// The AWS operations (`X-Amz-Target` after the dot) or HTTP methods of `requests` in their last `seconds`.
    private func recentOperations(_ requests: ArraySlice<RecordedRequest>, within seconds: Double) -> [String] {
        let since = Date(timeIntervalSinceNow: -seconds)
        return requests.filter { $0.receivedAt >= since }.map { request in
            request.headers["X-Amz-Target"].map { String($0.split(separator: ".").last ?? "") } ?? request.method
        }
    }

    /// Sets the faults for the life about to start; its length (a slow answer needs a life past the timeout).
    private func beginFaults(life: Int, at time: Double, length: Double) -> Double {
        if life % 8 == 3 {
            github.failNext(2, status: 502)
            faultLog.append("GitHub 502 ×2 (life \(life))")
        }
        if time >= 8, faultLog.allSatisfy({ !$0.hasPrefix("GitHub secondary") }) {
            github.limitSecondary(retryAfter: 1, calls: 1)
            faultLog.append("GitHub secondary rate limit, Retry-After 1 s (life \(life))")
        }
        if time >= 12, faultLog.allSatisfy({ !$0.hasPrefix("slow") }) {
            // Both clients time out after 10 s (docs/behaviour.md §9.3, §9.4); the held comment is then
            // created after its client gave up, and the next life must find its marker (§6.4).
            for operation in Self.slowOperations { catalog.injectFault(.hang, on: operation) }
            github.injectFault(.hang, on: .createComment)
            github.injectFault(.hang, on: .editComment)
            faultLog.append(
                "slow answers beyond the timeout: listings, records, comment posts held 11.5 s (life \(life))"
            )
            return 11.5
        }
        if time >= 20, let disk, faultLog.allSatisfy({ !$0.hasPrefix("disk full") }) {
            let bytes = disk.fill()
            diskFullUntil = time + 8
            diskFullLog = logSize
            faultLog.append("disk full for 8 s: the state directory's tmpfs filled with \(bytes) bytes (life \(life))")
        }
        return length
    }

    /// Clears what must not outlive a life.
    private func endFaults(life: Int, at time: Double) {
        if faultLog.contains(where: { $0.hasPrefix("slow") && $0.hasSuffix("(life \(life))") }) {
            faultLog.append(
                "  calls held unanswered: \(catalog.heldRequests) by Service Catalog, \(github.heldRequests) by GitHub"
            )
            for operation in Self.slowOperations { catalog.injectFault(.clear, on: operation) }
            github.injectFault(.clear, on: .createComment)
            github.injectFault(.clear, on: .editComment)
        }
        if let until = diskFullUntil, time >= until {
            disk?.free()
            diskFullUntil = nil
            let failures = logText(since: diskFullLog).components(separatedBy: "No space left on device").count - 1
            faultLog.append("  log lines naming ENOSPC while the disk was full: \(failures)")
        }
    }

    /// Lets the daemon run, unkilled and without faults, until every request is final, no product is left and
    /// the comments have stopped; false when that took longer than a minute.
    func converge() throws -> Bool {
        catalog.setFaults(.none)
        disk?.free()
        let start = ContinuousClock.now
        let daemon = try startDaemon()
        defer { daemon.stop(SIGTERM) }
        var quietSince = ContinuousClock.now
        var writes = commentWrites
        while elapsed(since: start) < 60 {
            Thread.sleep(forTimeInterval: 0.25)
            if !daemon.isRunning { throw TortureError("sandboxd exited while converging (status \(daemon.status))") }
            let now = commentWrites
            if now != writes { (writes, quietSince) = (now, ContinuousClock.now) }
            guard let state = journal() else { continue }
            let known = Set(state.requests.keys.map(\.rawValue))
            guard requests.allSatisfy({ $0.removeAt != nil || known.contains($0.id) }) else { continue }
            let final = state.requests.values.allSatisfy { $0.phase.state.isFinal }
            if final && catalog.liveProducts.isEmpty && elapsed(since: quietSince) > 3 {
                note("converged in \(format(elapsed(since: start))) s")
                return true
            }
        }
        note("did not converge in 60 s")
        return false
    }

    /// Comment posts and edits GitHub received.
    var commentWrites: Int {
        github.requests.filter { $0.method == "POST" || $0.method == "PATCH" }.count
    }
}

func format(_ value: Double) -> String {
    String(format: "%.1f", value)
}
