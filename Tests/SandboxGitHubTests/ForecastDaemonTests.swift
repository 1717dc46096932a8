import Foundation
import SandboxCore
import SandboxGitHub
import SandboxRuntime
import SandboxTesting
import Testing

/// Issue 18: under `run`, a pull request opened between passes gets its forecast within one interval,
/// from the lane beside the passes (docs/behaviour.md §6.9, §7).
@Suite("forecasts under the daemon")
struct ForecastDaemonTests {
    @Test("a pull request opened after a pass is forecast by the pass one interval later; stopping ends the lane")
    func withinOneInterval() async throws {
        let scene = try Scene()
        scene.person("alice", id: 101)
        scene.person("bob", id: 102)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        let reconciler = scene.reconciler(catalog: InMemoryCatalog(clock: scene.clock))
        let (reports, reported) = AsyncStream.makeStream(of: ForecastRunner.Report.self)
        let wanted = desired([spec("alice", pr: 100)], capacity: 1)
        let daemon = Daemon(
            reconciler: reconciler,
            clock: scene.clock,
            interval: 60,
            idPrefix: "forecast-test",
            loadDesired: { wanted },
            hooks: Daemon.Hooks(forecastFinished: { reported.yield($0) }),
            forecaster: ForecastFlowTests.runner(scene)
        )
        let run = Task { await daemon.run() }
        var iterator = reports.makeAsyncIterator()
        let first = try #require(await iterator.next())
        #expect(first.pullRequests == 0 && first.writes == 0)

        ForecastFlowTests.openPullRequest(
            scene,
            200,
            by: 102,
            adding: "req-bob",
            text: ForecastFlowTests.file("bob", pr: 200)
        )
        scene.clock.advance(by: 60)  // the interval: the next pass, then its forecast
        let second = try #require(await iterator.next())
        #expect(second.forecast == 1 && second.writes == 2)
        let body = try #require(ForecastFlowTests.forecasts(scene, on: 200).first?.body)
        #expect(body.contains("you would be **#1** in the queue"))
        // The forecast reserved nothing: the journal knows no request for bob.
        #expect(await reconciler.state.requests[RequestID("req-bob")!] == nil)

        daemon.send(.stop)
        _ = await run.value
    }
}
