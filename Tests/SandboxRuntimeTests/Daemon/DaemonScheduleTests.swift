import Foundation
import SandboxCore
import SandboxRuntime
import SandboxTesting
import SandboxLocking
import Testing

/// The daemon wakes at the instant work falls due (docs/behaviour.md §4), on an injected clock: each
/// kind of due time is shown waking the loop, with the interval a day away so nothing else could.
@Suite("the daemon wakes when work is due")
struct DaemonScheduleTests {
    static let product = ProductReference(productId: "prod-abcdefghijklm", provisioningArtifactId: "pa-abcdefghijklm")

    static func desired(capacity: Int = 1, requesters: [String] = ["alice", "bob"]) -> DesiredState {
        let pool = PoolConfiguration(
            capacity: capacity,
            lease: LeaseDuration("1h")!,
            expiryWarning: LeaseDuration("10m")!,
            product: product
        )
        var requests: [RequestID: RequestEntry] = [:]
        for (index, requester) in requesters.enumerated() {
            let id = RequestID("req-\(requester)")!
            requests[id] = .valid(RequestSpec(id: id, requester: requester, pullRequest: 100 + index))
        }
        return DesiredState(pool: pool, requests: requests)
    }

    @Test("the expiry warning, the lease end and the hand-over of the slot each happen at their instant")
    func leaseSchedule() async throws {
        let harness = DaemonHarness(desired: Self.desired())
        harness.start()
        let first = try await harness.nextPass()
        let start = first.started
        #expect(first.journal.requests[RequestID("req-alice")!]?.state == .active)
        #expect(first.journal.requests[RequestID("req-bob")!]?.state == .queued)
        #expect(first.report.nextDue?.kind == .expiryWarning)
        let warning = start.addingTimeInterval(50 * 60)
        #expect(first.nextWake == warning)
        try await harness.comments(2)  // alice's ready, bob's queued

        try await harness.advance(to: warning)
        let warned = try await harness.nextPass()
        #expect(warned.started == warning)
        #expect(warned.trigger == .workDue)
        #expect(warned.nextWake == start.addingTimeInterval(3600))
        try await harness.comments(1)
        #expect(harness.github.writes("req-alice", "expiring").map(\.at) == [warning])
        // The warning went out in the lane: its lateness reaches the owner (the metrics) all the same.
        let late = try await harness.nextLateness()
        #expect(late == Lateness(kind: .warning, request: RequestID("req-alice")!, seconds: 0))

        let end = start.addingTimeInterval(3600)
        try await harness.advance(to: end)
        let ended = try await harness.nextPass()
        #expect(ended.started == end)
        #expect(ended.report.lateness.map(\.seconds) == [0])
        let calls = await harness.catalog.terminateCalls
        #expect(calls.count == 1)
        // The product went at once: the slot went to bob in the same pass, at the same instant.
        #expect(ended.journal.requests[RequestID("req-bob")!]?.state == .active)
        #expect(ended.journal.requests[RequestID("req-bob")!]?.leaseStart == end)
        await harness.stop()
    }

    @Test("a product in flight is looked at again after 1 s, and its ready comment goes out as it is seen")
    func pollCadence() async throws {
        let harness = DaemonHarness(desired: Self.desired(requesters: ["alice"]))
        await harness.catalog.queue([.underChange], forName: "sandbox-req-alice")
        harness.start()
        let first = try await harness.nextPass()
        #expect(first.journal.requests[RequestID("req-alice")!]?.state == .provisioning)
        #expect(first.report.nextDue?.kind == .poll)
        #expect(first.nextWake == first.started.addingTimeInterval(1))

        try await harness.advance(to: first.nextWake)
        let second = try await harness.nextPass()
        #expect(second.started == first.nextWake)
        #expect(second.nextWake == second.started.addingTimeInterval(1))
        await harness.catalog.finishProvisioning(named: "sandbox-req-alice", as: .available)

        try await harness.advance(to: second.nextWake)
        let third = try await harness.nextPass()
        #expect(third.journal.requests[RequestID("req-alice")!]?.state == .active)
        try await harness.comments(1)
        #expect(harness.github.writes("req-alice", "ready").map(\.at) == [second.nextWake])
        await harness.stop()
    }

    @Test("a provisioning call with no answer is made again after its backoff, not within the pass")
    func callRetry() async throws {
        let harness = DaemonHarness(desired: Self.desired(requesters: ["alice"]))
        await harness.catalog.intercept { $0.provision = InMemoryCatalog.throttling(first: 1) }
        harness.start()
        let first = try await harness.nextPass()
        #expect(await harness.catalog.provisionCalls.count == 1)
        #expect(first.report.nextDue?.kind == .callRetry)
        #expect(
            first.nextWake
                == first.started.addingTimeInterval(ProvisioningPolicy.unansweredCallBackoff(afterFailures: 1))
        )

        try await harness.advance(to: first.nextWake)
        let second = try await harness.nextPass()
        #expect(await harness.catalog.provisionCalls.count == 2)
        #expect(second.journal.requests[RequestID("req-alice")!]?.state == .active)
        await harness.stop()
    }

    @Test("a verification GitHub could not answer is asked again at the time GitHub named")
    func verificationRecheck() async throws {
        let harness = DaemonHarness(desired: Self.desired(requesters: ["alice"]))
        let retryAt = harness.clock.now().addingTimeInterval(90)
        harness.github.outageUntil.withLock { $0 = retryAt }
        harness.start()
        let first = try await harness.nextPass()
        #expect(first.journal.requests[RequestID("req-alice")!]?.state == .pending)
        #expect(first.report.nextDue?.kind == .verification)
        #expect(first.nextWake == retryAt)

        try await harness.advance(to: retryAt)
        let second = try await harness.nextPass()
        #expect(second.started == retryAt)
        #expect(second.journal.requests[RequestID("req-alice")!]?.state == .active)
        await harness.stop()
    }

    @Test("a failed attempt's next attempt starts when its backoff ends")
    func provisioningRetry() async throws {
        let harness = DaemonHarness(desired: Self.desired(requesters: ["alice"]))
        await harness.catalog.queue([.error("stack failed"), .available], forName: "sandbox-req-alice")
        harness.start()
        let first = try await harness.nextPass()
        #expect(first.report.nextDue?.kind == .provisioningRetry)
        let due = try #require(first.report.nextDue?.at)
        #expect(first.nextWake == due)

        try await harness.advance(to: due)
        let second = try await harness.nextPass()
        #expect(second.started == due)
        #expect(await harness.catalog.provisionCalls.count == 2)
        #expect(second.journal.requests[RequestID("req-alice")!]?.state == .active)
        await harness.stop()
    }

    @Test("a refused termination is tried again when its backoff ends")
    func terminationRetry() async throws {
        let harness = DaemonHarness(desired: Self.desired(requesters: ["alice"]))
        harness.start()
        let first = try await harness.nextPass()
        let end = first.started.addingTimeInterval(3600)
        await harness.catalog.intercept {
            $0.terminate = InMemoryCatalog.failing(
                calls: [1],
                with: CatalogError(.invalidRequest, code: "InvalidStateException", message: "busy")
            )
        }
        try await harness.comments(1)
        try await harness.advance(to: first.nextWake)  // the warning
        _ = try await harness.nextPass()
        try await harness.advance(to: end)
        let ended = try await harness.nextPass()
        #expect(ended.report.nextDue?.kind == .terminationRetry)
        let due = try #require(ended.report.nextDue?.at)
        try await harness.advance(to: due)
        let retried = try await harness.nextPass()
        #expect(retried.started == due)
        #expect(await harness.catalog.terminateCalls.count == 2)
        #expect(retried.journal.requests[RequestID("req-alice")!]?.state == .ended)
        await harness.stop()
    }

    @Test("a provisioning call Service Catalog refused is made again a minute later")
    func queueRetry() async throws {
        let harness = DaemonHarness(desired: Self.desired(requesters: ["alice"]))
        await harness.catalog.intercept {
            $0.provision = InMemoryCatalog.failing(
                calls: [1],
                with: CatalogError(.limitExceeded, code: "LimitExceededException", message: "quota")
            )
        }
        harness.start()
        let first = try await harness.nextPass()
        #expect(first.journal.requests[RequestID("req-alice")!]?.state == .queued)
        #expect(first.report.nextDue?.kind == .queueRetry)
        #expect(first.nextWake == first.started.addingTimeInterval(ProvisioningPolicy.refusedProvisionRetry))

        try await harness.advance(to: first.nextWake)
        let second = try await harness.nextPass()
        #expect(second.journal.requests[RequestID("req-alice")!]?.state == .active)
        await harness.stop()
    }

    @Test("with nothing due the daemon sleeps until its interval")
    func intervalOnly() async throws {
        let harness = DaemonHarness(desired: Self.desired(requesters: []), interval: 60)
        harness.start()
        let first = try await harness.nextPass()
        #expect(first.report.nextDue == nil)
        #expect(first.nextWake == first.started.addingTimeInterval(60))
        try await harness.advance(to: first.nextWake)
        let second = try await harness.nextPass()
        #expect(second.started == first.nextWake)
        await harness.stop()
    }

    @Test("a change of the desired state or SIGHUP passes at once; stop ends the loop")
    func eventsAndStop() async throws {
        let harness = DaemonHarness(desired: Self.desired(requesters: []))
        harness.start()
        _ = try await harness.nextPass()
        harness.daemon.send(.desiredStateChanged)
        #expect(try await harness.nextPass().trigger == .desiredStateChanged)
        harness.daemon.send(.signal(.passNow))
        #expect(try await harness.nextPass().trigger == .signal(.passNow))
        await harness.stop()
        #expect(await harness.daemon.state == .stopped)
    }
}
