import Foundation
import SandboxCore
import SandboxGitHub
import SandboxRuntime
import SandboxTesting
import Testing

@Suite("GitHub's secondary rate limit: pauses grow on repeats")
struct SecondaryLimitTests {
    /// Verifies alice once; returns when GitHub said to come back, as seconds from now.
    private func retryAfter(_ scene: Scene) async throws -> TimeInterval {
        let outcome = await scene.adapter.verify(scene.verification(spec("alice", pr: 100)))
        guard case .pending(_, let retryAt?) = outcome else {
            Issue.record("expected pending with a retry time, got \(outcome)")
            return 0
        }
        return retryAt.timeIntervalSince(scene.clock.now())
    }

    @Test("Retry-After is honoured the first time; repeats within 15 minutes wait 2, 4, 8 minutes; quiet resets it")
    func pausesGrow() async throws {
        let scene = try Scene()
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")

        var pauses: [TimeInterval] = []
        for _ in 0..<4 {
            scene.fake.limitSecondary(retryAfter: 5)
            let pause = try await retryAfter(scene)
            pauses.append(pause)
            scene.clock.advance(by: pause + 1)
        }
        #expect(pauses == [5, 120, 240, 480])

        // A long calm: the next one is a first again, and GitHub's own time is honoured.
        scene.clock.advance(by: 16 * 60)
        scene.fake.limitSecondary(retryAfter: 5)
        #expect(try await retryAfter(scene) == 5)

        // A Retry-After longer than the growing floor wins.
        scene.clock.advance(by: 6)
        scene.fake.limitSecondary(retryAfter: 600)
        #expect(try await retryAfter(scene) == 600)
    }
}
