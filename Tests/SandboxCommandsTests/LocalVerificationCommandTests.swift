import Foundation
import SandboxCore
import SandboxRuntime
import Testing

@testable import SandboxCommands

/// A desired state whose pool allows only members of `acme`, with requests for alice (fine), a
/// young account, a bot, a non-member and an unmerged pull request, and the facts that decide them.
struct LocalVerificationScene {
    static let facts = """
        {
          "accounts": { "alice": { "id": 1001, "type": "User", "created": "2019-04-01T00:00:00Z" },
                        "newbie": { "id": 1002, "created": "2026-12-20T00:00:00Z" },
                        "ci-robot": { "id": 1003, "type": "Bot", "created": "2018-01-01T00:00:00Z" },
                        "carol": { "id": 1004, "created": "2017-06-01T00:00:00Z" } },
          "pullRequests": { "42": { "author": "alice" },
                            "43": { "author": "bob", "merged": false },
                            "44": { "author": "newbie" },
                            "45": { "author": "ci-robot" },
                            "46": { "author": "carol" } },
          "organizations": { "acme": { "alice": "active", "bob": "pending", "newbie": "active",
                                       "ci-robot": "active" } }
        }
        """
    static let pool = """
        {"capacity": 2, "product": {"productId": "prod-metaflowsbx01", "provisioningArtifactId": "pa-metaflowv2001"},
         "verification": {"minAccountAge": "30d", "allowedOrganizations": ["acme"]}}
        """
    static let requests = ["alice": 42, "bob": 43, "newbie": 44, "ci-robot": 45, "carol": 46]

    let directory: TemporaryDirectory
    /// 2027-01-01T00:00:00Z: newbie's account (2026-12-20) is 12 days old.
    let clock = ManualClock(Date(timeIntervalSince1970: 1_798_761_600))

    init(facts: String = LocalVerificationScene.facts) throws {
        directory = try TemporaryDirectory()
        try directory.write("desired/pool.json", Self.pool)
        for (requester, pullRequest) in Self.requests {
            try directory.write(
                "desired/requests/\(requester).json",
                "{\"requester\": \"\(requester)\", \"pullRequest\": \(pullRequest)}"
            )
        }
        try directory.write("state/local/github.json", facts)
    }

    var state: String { directory.path("state") }

    /// One `reconcile --local` pass at the scene's clock.
    func reconcile() async throws -> (status: Int32, output: CapturedOutput) {
        let captured = CapturedOutput()
        let invocation = try CommandOptions.resolve(
            arguments: ["reconcile", "--local", "--desired-state", directory.path("desired"), "--state-dir", state],
            environment: [:]
        )
        guard case .run(let options) = invocation else {
            Issue.record("expected a command, got \(invocation)")
            return (1, captured)
        }
        var context = CommandContext(options: options, environment: [:], output: captured.output)
        context.clock = clock
        let status = await ReconcileRunner(context: context, wait: false, timeoutSeconds: 60, allowMassRelease: false)
            .run()
        return (status, captured)
    }

    /// The outbox's file names.
    func outbox() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: state + "/outbox")) ?? []).sorted()
    }

    /// An outbox file's text.
    func comment(_ name: String) -> String {
        String(decoding: FileManager.default.contents(atPath: state + "/outbox/" + name) ?? Data(), as: UTF8.self)
    }
}

@Suite("reconcile --local with local/github.json shows every rejection offline")
struct LocalVerificationCommandTests {
    @Test("a young account, a bot, a non-member and an unmerged pull request end in four rejected comments")
    func fourRejections() async throws {
        let scene = try LocalVerificationScene()
        defer { scene.directory.remove() }
        var (status, output) = try await scene.reconcile()
        #expect(status == 0, "\(output.stderr)")
        #expect(!scene.outbox().contains("bob.rejected.md"))  // within the merge grace: pending

        scene.clock.advance(by: 11 * 60)  // past the 10-minute grace
        (status, output) = try await scene.reconcile()
        #expect(status == 0, "\(output.stderr)")

        let rejected = scene.outbox().filter { $0.hasSuffix(".rejected.md") }
        #expect(rejected == ["bob.rejected.md", "carol.rejected.md", "ci-robot.rejected.md", "newbie.rejected.md"])
        #expect(scene.comment("newbie.rejected.md").contains("less than 30d ago"))
        #expect(scene.comment("ci-robot.rejected.md").contains("is a bot account"))
        #expect(scene.comment("carol.rejected.md").contains("is not an active member of acme"))
        #expect(scene.comment("bob.rejected.md").contains("Pull request #43 is not merged"))
        #expect(!scene.outbox().contains { $0.hasPrefix("alice.") && $0.contains("rejected") })

        let (_, statusOutput) = await runSandboxd(
            ["status", "--json", "--desired-state", scene.directory.path("desired"), "--state-dir", scene.state])
        let json = try jsonObject(statusOutput.stdout)
        let requests = try #require(json["requests"] as? [[String: Any]])
        let alice = try #require(requests.first { $0["id"] as? String == "alice" })
        #expect(alice["state"] as? String != "rejected")
        #expect(alice["verification"] as? String == "verified")
    }

    @Test("a bad local/github.json is reported with its line and column and rejects nobody")
    func badFactsRejectNobody() async throws {
        let scene = try LocalVerificationScene(facts: "{\n  \"accounts\": { \"alice\": { \"id\": \"1001\" } }\n}\n")
        defer { scene.directory.remove() }
        for _ in 1...2 {
            let (status, output) = try await scene.reconcile()
            // The pass reports the bad file as a problem (exit 1), naming where it is wrong.
            #expect(status == 1, "\(output.stderr)")
            #expect(output.stderr.contains("local/github.json:2:34"), "\(output.stderr)")
            scene.clock.advance(by: 11 * 60)
        }
        #expect(scene.outbox().filter { $0.hasSuffix(".rejected.md") }.isEmpty)

        let (_, statusOutput) = await runSandboxd(
            ["status", "--json", "--desired-state", scene.directory.path("desired"), "--state-dir", scene.state])
        let json = try jsonObject(statusOutput.stdout)
        let requests = try #require(json["requests"] as? [[String: Any]])
        #expect(requests.count == 5)
        for request in requests {
            #expect(request["state"] as? String == "pending")
            let reason = request["reason"] as? String ?? ""
            #expect(
                reason.contains("local/github.json:2:34: accounts.alice.id: expected a positive integer"),
                "\(reason)"
            )
        }
    }
}

@Suite("the README's offline verification example")
struct LocalGitHubExampleTests {
    @Test("docs/examples/verification: octocat served; a young account, a bot, a non-member, an unmerged PR rejected")
    func exampleFacts() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let example = URL(fileURLWithPath: exampleDesiredState).deletingLastPathComponent()
            .appendingPathComponent("docs/examples/verification")
        let facts = try #require(
            FileManager.default.contents(atPath: example.appendingPathComponent("github.json").path)
        )
        try directory.write("state/local/github.json", bytes: Array(facts))
        let state = directory.path("state")
        let desired = example.appendingPathComponent("desired-state").path
        let (status, output) = await runSandboxd(
            ["reconcile", "--local", "--wait", "--desired-state", desired, "--state-dir", state])
        #expect(status == 0, "\(output.stderr)")
        let outbox = try FileManager.default.contentsOfDirectory(atPath: state + "/outbox").sorted()
        #expect(
            outbox == [
                "ci-robot-nightly.rejected.md", "hubot-forecasting.rejected.md", "monalisa-batch-eval.rejected.md",
                "newbie-first-flow.rejected.md", "octocat-recsys.ready.md",
            ]
        )
        func comment(_ name: String) -> String {
            String(decoding: FileManager.default.contents(atPath: state + "/outbox/" + name) ?? Data(), as: UTF8.self)
        }
        // Mentions are escaped with a zero-width space.
        #expect(comment("ci-robot-nightly.rejected.md").contains("is a bot account; sandboxes are for people"))
        #expect(comment("hubot-forecasting.rejected.md").contains("Pull request #48 is not merged"))
        #expect(comment("monalisa-batch-eval.rejected.md").contains("is not an active member of acme"))
        #expect(comment("newbie-first-flow.rejected.md").contains("less than 30d ago"))
    }
}
