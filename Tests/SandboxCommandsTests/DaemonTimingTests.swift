import Foundation
import SandboxCore
import SandboxTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The timing goals of docs/behaviour.md §9.5, measured on the built binary in remote mode against the
/// loopback fakes: under `run`, due work is done when it falls due (not at the next `--interval`), the
/// watchdog is fed through a busy start, and `reconcile` is bounded by `--timeout` and by the AWS
/// client's time limits. Each test prints its figures (`timing:` lines) for docs/BENCHMARKS.md.
///
/// Bounds are generous (these run beside other tests on a busy machine); what is asserted tightly is
/// the order: nothing happens before it is due.
@Suite("sandboxd timing: due work under run, the watchdog, reconcile's bounds")
struct DaemonTimingTests {
    /// How late anything due may be, in seconds (the goal is 2 s for leases, 5 s for the rest).
    static let lateness = Sanitizer.scaled(15.0)

    @Test(
        "run --interval 60s: ready, expiring, the lease's end and the next in line each come when due, never early"
    )
    func dueWorkUnderRun() async throws {
        let scene = try TimingScene(logins: ["alice", "bob"], capacity: 1, lease: "12s", expiryWarning: "6s")
        defer { scene.stop() }
        let (alice, bob) = (scene.requesters[0], scene.requesters[1])
        let launched = Date()
        let daemon = try scene.launch(["run", "--interval", "60s"])
        // Everything below is due within about 20 s; the interval would only come at 60 s.
        let done = await eventually(within: Sanitizer.scaled(50)) { !scene.provisionCalls(of: bob.productName).isEmpty }
        // The exit is not what is timed here: beside the rest of the suite on 2 cores it once took over 20 s
        // from SIGTERM to the process's end, after the daemon had logged `stopped`.
        let stopping = Date()
        let status = await terminate(daemon, within: Sanitizer.scaled(60))
        #expect(done, "bob was never provisioned; log:\n\(scene.log)")
        #expect(
            status == 0,
            "run did not exit 0 within \(formatted(seconds(stopping, Date()))) s of SIGTERM; log:\n\(scene.log)"
        )
        guard done else { return }

        let journal = try scene.journal()
        let lease = try #require(journal.requests[RequestID(alice.id)!]?.lease, "alice has no lease in the journal")
        let availableChange = try #require(
            scene.catalog.statusChanges.first { $0.name == alice.productName && $0.status == "AVAILABLE" }
        )
        let available = availableChange.at
        let gone = try #require(scene.statusChange(of: alice.productName, to: "TERMINATED"))
        let ready = try #require(scene.commentTime("<!-- sandboxd:\(alice.id):ready -->"), "no ready comment")
        let expiring = try #require(scene.commentTime("<!-- sandboxd:\(alice.id):expiring -->"), "no expiring")
        let terminated = try #require(
            scene.calls("TerminateProvisionedProduct").first {
                TimingScene.object($0.body)["ProvisionedProductId"] as? String == availableChange.productId
            }?.receivedAt,
            "alice's product was never terminated"
        )
        let bobProvisioned = try #require(scene.provisionCalls(of: bob.productName).first?.receivedAt)
        let warningDue = lease.end.addingTimeInterval(-6)

        print(
            "timing: run, lease 12s/warning 6s: available→lease start \(formatted(seconds(available, lease.start))) s, "
                + "ready comment \(formatted(seconds(available, ready))) s after AVAILABLE, "
                + "expiring comment \(formatted(seconds(warningDue, expiring))) s after due, "
                + "terminate \(formatted(seconds(lease.end, terminated))) s after the lease end, "
                + "next provision \(formatted(seconds(gone, bobProvisioned))) s after the product was gone "
                + "(\(formatted(seconds(launched, bobProvisioned))) s from launch; interval 60 s)"
        )
        // The lease starts when sandboxd saw the product available, and runs 12 s.
        #expect(lease.start >= available && seconds(available, lease.start) < Self.lateness)
        #expect(abs(seconds(lease.start, lease.end) - 12) < 0.001)
        // (a) ready soon after AVAILABLE.
        #expect(ready >= lease.start && seconds(available, ready) <= Self.lateness)
        // (b) expiring at or after lease end − 6 s, within a few seconds.
        #expect(expiring >= warningDue, "the expiring comment came \(seconds(expiring, warningDue)) s early")
        #expect(seconds(warningDue, expiring) <= Self.lateness)
        // (c) the product is terminated at or after the lease end.
        #expect(terminated >= lease.end, "terminated \(seconds(terminated, lease.end)) s before the lease end")
        #expect(seconds(lease.end, terminated) <= Self.lateness)
        // (d) the freed slot goes to bob soon after alice's product is gone — not at the next interval.
        #expect(bobProvisioned >= gone && seconds(gone, bobProvisioned) <= Self.lateness)
        #expect(seconds(launched, bobProvisioned) < Sanitizer.scaled(45))
    }

    @Test("run with 200 requests: WATCHDOG=1 keeps coming while the daemon verifies, provisions and comments")
    func watchdogThroughABusyStart() async throws {
        let logins = (1...200).map { String(format: "user-%03d", $0) }
        let scene = try TimingScene(logins: logins, capacity: 50)
        defer { scene.stop() }
        let window = Self.watchdogWindow
        let observed = try await onOwnThread { () -> NotifyLog in
            let notify = try NotifySocket(path: scene.directory.path("notify.sock"))
            let launched = Date()
            let daemon = try scene.launch(
                ["run", "--interval", "60s"],
                extra: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "120000000"]
            )
            defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
            var log = NotifyLog(launched: launched)
            log.datagrams = notify.receiveTimed(until: { $0.hasPrefix("READY=1") }, seconds: Sanitizer.scaled(30))
            guard let ready = log.ready else { return log }
            log.datagrams += notify.receiveTimed(until: { _ in false }, seconds: window - seconds(ready, Date()))
            log.windowEnd = Date()
            kill(daemon.processIdentifier, SIGTERM)
            log.datagrams += notify.receiveTimed(until: { $0.hasPrefix("STOPPING=1") }, seconds: Sanitizer.scaled(20))
            daemon.waitUntilExit()
            log.exitStatus = daemon.terminationStatus
            return log
        }
        let ready = try #require(observed.ready, "no READY=1; log:\n\(scene.log)")
        let end = observed.windowEnd ?? ready
        let inWindow = { (date: Date) in date >= ready && date <= end }
        let pings = observed.datagrams.filter { $0.message == "WATCHDOG=1" && inWindow($0.at) }
        let points = [ready] + pings.map(\.at) + [end]
        let gaps = zip(points, points.dropFirst()).map { seconds($0, $1) }
        let provisions = scene.calls("ProvisionProduct").filter { inWindow($0.receivedAt) }
        let fiftieth = provisions.count >= 50 ? provisions[49].receivedAt : nil
        let writes = scene.commentWrites.filter { inWindow($0.at) }
        let firstPass = observed.datagrams.first {
            $0.message.hasPrefix("STATUS=") && !$0.message.hasPrefix("STATUS=started")
        }
        // What reached the fakes, in 5-second slices of the window: the daemon's progress.
        let arrivals = (scene.catalog.requests + scene.github.requests).map(\.receivedAt).filter(inWindow)
        let slices = Int(seconds(ready, end) / 5)  // whole slices only
        let perSlice = (0..<slices).map { slice in
            arrivals.filter { Int(seconds(ready, $0) / 5) == slice }.count
        }
        let since = { (date: Date?) in
            date.map { formatted(seconds(observed.launched, $0)) + " s" } ?? "not in the window"
        }
        print(
            "timing: run, 200 requests, capacity 50, WATCHDOG_USEC=120000000 (debug build): READY "
                + "\(since(ready)) after launch; over \(formatted(seconds(ready, end))) s \(pings.count) WATCHDOG=1, "
                + "gaps \(gaps.map(formatted).joined(separator: "/")) s (longest \(formatted(gaps.max() ?? 0)) s); "
                + "\(provisions.count) ProvisionProduct, the 50th at \(since(fiftieth)); first pass ended at "
                + "\(since(firstPass?.at)); \(writes.count) comment writes, the first at \(since(writes.first?.at)); "
                + "calls reaching the fakes per 5 s: \(perSlice.map(String.init).joined(separator: "/"))"
        )
        #expect(seconds(ready, end) >= window - 1)
        #expect(gaps.allSatisfy { $0 <= 60 }, "a gap of \(gaps.max() ?? 0) s between pings")
        #expect(pings.count >= 3, "\(observed.datagrams.map(\.message))")
        // Busy all along: the slots filled soon, and calls kept reaching the fakes through the window.
        #expect(provisions.count >= 50)
        // 45 s: each request reads its pull request's record (§3.15) before it is provisioned, one GitHub call more
        // than when this bound was 20 s (the fiftieth came at 20.65–30.19 s beside the suite on 2 cores).
        #expect(fiftieth.map { seconds(observed.launched, $0) <= Sanitizer.scaled(45) } == true)
        #expect(perSlice.allSatisfy { $0 > 0 }, "\(perSlice)")
        // The comment lane writes once a pass has ended (§6.8). How long the first pass over 200 new
        // requests takes depends on the machine (about 20 s alone in a debug build, longer beside other
        // tests): when it ended within the window, the comments followed at once.
        if let firstPass {
            let first = try #require(writes.first, "no comment after the first pass ended")
            #expect(seconds(firstPass.at, first.at) <= Sanitizer.scaled(5))
            #expect(writes.count >= Int(seconds(first.at, end)) / 2, "comments come about 1 s apart")
        }
        #expect(observed.exitStatus == 0, "log:\n\(scene.log)")
    }

    /// How long the watchdog test watches the datagrams, from READY: 5 s past the bound on the fiftieth provisioning,
    /// and at most 150 s. Comments go out at most one a second, so the 200 requests keep the fakes busy for over 200 s
    /// after the first: a longer window (a sanitizer's whole factor) would watch the idle tail after the work.
    static let watchdogWindow = min(Sanitizer.scaled(45.0) + 5, 150)

    @Test("reconcile --wait --timeout 20s with 150 requests ends within the limit")
    func reconcileWaitIsBounded() async throws {
        let logins = (1...150).map { String(format: "user-%03d", $0) }
        let scene = try TimingScene(logins: logins, capacity: 50)
        defer { scene.stop() }
        let started = Date()
        let outcome = try await MeasuredProcess.run(
            arguments: ["reconcile", "--wait", "--timeout", "\(Int(Sanitizer.scaled(20)))s"] + scene.arguments,
            environment: scene.environment,
            bound: Sanitizer.scaled(.seconds(60))
        )
        let elapsed = seconds(started, Date())
        let provisions = scene.calls("ProvisionProduct")
        let changes = outcome.stdout.split(separator: "\n").filter { $0.contains(": ") }
        print(
            "timing: reconcile --wait --timeout 20s, 150 requests, capacity 50: \(outcome); "
                + "\(formatted(elapsed)) s wall clock; \(provisions.count) ProvisionProduct, "
                + "\(scene.commentWrites.count) comment writes, \(changes.count) changes printed; last stderr line: "
                + (outcome.stderr.split(separator: "\n").last.map { String($0.prefix(160)) + "…" } ?? "-")
        )
        #expect(!outcome.killedAtBound)
        // The bound is --timeout's: the call in flight is finished and recorded after it, so some seconds more,
        // and more again beside the rest of the suite on 2 cores; the 60 s kill bound is the hard one.
        #expect(elapsed < Sanitizer.scaled(40), "reconcile took \(elapsed) s")
        #expect(outcome.exitCode == 0 || outcome.exitCode == 1, "\(outcome.stderr)")
        // Progress within the limit, never past the capacity: how many of the 50 slots fill in 20 s depends on the
        // machine (50 alone; 45 once beside the suite on 2 cores), the bound on the exit does not.
        #expect((25...50).contains(provisions.count), "\(provisions.count) ProvisionProduct")
    }

    @Test("a hung ProvisionProduct is sent once per pass; the next pass sends it once more, with the same token")
    func hungProvisionIsSentOncePerPass() async throws {
        let scene = try TimingScene(logins: ["alice"], capacity: 1)
        defer { scene.stop() }
        scene.catalog.injectFault(.hang, on: "ProvisionProduct")

        // The default client: one attempt of 10 s; a timed-out attempt is not retried within the call (§9.4).
        let first = try await MeasuredProcess.run(
            arguments: ["reconcile"] + scene.arguments,
            environment: scene.environment,
            bound: .seconds(60)
        )
        let firstCalls = scene.calls("ProvisionProduct")
        let second = try await MeasuredProcess.run(
            arguments: ["reconcile"] + scene.arguments,
            environment: scene.environment,
            bound: .seconds(60)
        )
        let allCalls = scene.calls("ProvisionProduct")
        let tokens = allCalls.map { TimingScene.object($0.body)["ProvisionToken"] as? String ?? "" }
        print(
            "timing: hung ProvisionProduct: first reconcile \(first), \(firstCalls.count) call; second reconcile "
                + "\(second), \(allCalls.count - firstCalls.count) call; \(Set(tokens).count) distinct token"
        )
        #expect(first.exitCode == 1 && second.exitCode == 1, "\(first.stderr)\n\(second.stderr)")
        #expect(firstCalls.count == 1, "one ProvisionProduct per pass: \(firstCalls.count)")
        #expect(allCalls.count - firstCalls.count == 1)
        #expect(first.elapsed < Sanitizer.scaled(.seconds(10 + 5)))
        #expect(second.elapsed < Sanitizer.scaled(.seconds(10 + 5)))
        // The intent stays in the journal: the next pass repeats the call, with its token.
        #expect(Set(tokens).count == 1 && tokens.first?.hasPrefix("sbx") == true, "\(tokens)")
        #expect(scene.catalog.productsCreated == 0)
    }

    @Test("reconcile --timeout 5s with a hung ProvisionProduct exits 1 about a second after the limit")
    func timeoutCancelsAHungCall() async throws {
        let scene = try TimingScene(logins: ["alice"], capacity: 1)
        defer { scene.stop() }
        scene.catalog.injectFault(.hang, on: "ProvisionProduct")
        let outcome = try await MeasuredProcess.run(
            arguments: ["reconcile", "--timeout", "5s"] + scene.arguments,
            environment: scene.environment,
            bound: .seconds(40)
        )
        let provisions = scene.calls("ProvisionProduct")
        print(
            "timing: reconcile --timeout 5s, hung ProvisionProduct: \(outcome); \(provisions.count) ProvisionProduct; "
                + "stderr: \(outcome.stderr.split(separator: "\n").last.map(String.init) ?? "-")"
        )
        #expect(outcome.exitCode == 1, "\(outcome.stderr)")
        #expect(provisions.count == 1)
        #expect(outcome.elapsed < .seconds(5) + Sanitizer.scaled(.seconds(2.5)), "\(outcome)")
        #expect(outcome.stderr.contains("--timeout 5s"), "\(outcome.stderr)")
    }
}

/// What a daemon told its notify socket, with the time each datagram arrived.
struct NotifyLog: Sendable {
    struct Datagram: Sendable {
        var at: Date
        var message: String
    }

    var launched: Date
    var datagrams: [Datagram] = []
    /// When the collection window closed.
    var windowEnd: Date?
    var exitStatus: Int32?

    /// When `READY=1` arrived.
    var ready: Date? { datagrams.first { $0.message.hasPrefix("READY=1") }?.at }
}

extension NotifySocket {
    /// Datagrams, each with its arrival time, until `predicate` holds for one or `seconds` pass.
    func receiveTimed(until predicate: (String) -> Bool, seconds: Double) -> [NotifyLog.Datagram] {
        var received: [NotifyLog.Datagram] = []
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            let count = recv(fd, &buffer, buffer.count, 0)  // at most 1 s (SO_RCVTIMEO)
            guard count > 0 else { continue }
            let message = String(decoding: buffer[0..<count], as: UTF8.self)
            received.append(.init(at: Date(), message: message))
            if predicate(message) { break }
        }
        return received
    }
}
