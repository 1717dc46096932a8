import Foundation
import Testing

/// The repository's example desired state (what the README's first command runs).
let exampleDesiredState = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("desired-state").path

/// Every file under `path` with its bytes.
func snapshotTree(_ path: String) -> [String: Data] {
    var files: [String: Data] = [:]
    guard let walker = FileManager.default.enumerator(atPath: path) else { return files }
    for case let relative as String in walker {
        var isDirectory: ObjCBool = false
        let full = path + "/" + relative
        if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
            files[relative] = FileManager.default.contents(atPath: full)
        }
    }
    return files
}

func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

@Suite("the whole flow on one machine, through the commands")
struct LocalFlowCommandTests {
    @Test("reconcile --local --wait on the example ends with two active and one queued, comments in the outbox")
    func quickStart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = directory.path("state")
        let (status, output) = await runSandboxd(
            ["reconcile", "--local", "--wait", "--desired-state", exampleDesiredState, "--state-dir", state])
        #expect(status == 0, "\(output.stderr)")
        let outbox = try FileManager.default.contentsOfDirectory(atPath: state + "/outbox").sorted()
        #expect(outbox == ["hubot-forecasting.ready.md", "monalisa-batch-eval.ready.md", "octocat-recsys.queued.md"])
        #expect(output.stdout.contains("── outbox/hubot-forecasting.ready.md ──"))

        let (statusCode, statusOutput) = await runSandboxd(
            ["status", "--json", "--desired-state", exampleDesiredState, "--state-dir", state])
        #expect(statusCode == 0)
        let json = try jsonObject(statusOutput.stdout)
        #expect(Set(json.keys) == ["pool", "capacity", "requests"])
        #expect(json["pool"] as? String == "default")
        #expect(json["capacity"] as? Int == 2)
        let requests = try #require(json["requests"] as? [[String: Any]])
        #expect(requests.count == 3)
        for request in requests {
            #expect(
                Set(request.keys) == [
                    "id", "requester", "state", "endReason", "product", "leaseEnd",
                    "queuePosition", "verification", "reason", "fileProblem",
                ]
            )
            #expect(request["verification"] as? String == "skipped")
        }
        let states = requests.map { $0["state"] as? String ?? "" }.sorted()
        #expect(states == ["active", "active", "queued"])
        let queued = try #require(requests.first { $0["state"] as? String == "queued" })
        #expect(queued["queuePosition"] as? Int == 1)
        #expect(queued["product"] is NSNull)
        let active = try #require(requests.first { $0["state"] as? String == "active" })
        let product = try #require(active["product"] as? [String: Any])
        #expect(Set(product.keys) == ["name", "id"])
        let leaseEnd = try #require(active["leaseEnd"] as? String)
        #expect(leaseEnd.hasSuffix("Z") && leaseEnd.count == 20)
    }

    @Test("plan has no side effects: the state directory stays byte-identical, and --json has the contract's shape")
    func planLeavesNoTrace() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = directory.path("state")
        let desired = directory.path("desired")
        try FileManager.default.copyItem(atPath: exampleDesiredState, toPath: desired)
        _ = await runSandboxd(["reconcile", "--local", "--desired-state", desired, "--state-dir", state])
        // A change is pending: a request file removed.
        try FileManager.default.removeItem(atPath: desired + "/requests/octocat-recsys.json")
        let before = snapshotTree(state)
        #expect(!before.isEmpty)

        let (status, output) = await runSandboxd(
            ["plan", "--local", "--json", "--desired-state", desired, "--state-dir", state])
        #expect(status == 2, "\(output.stderr)")
        #expect(snapshotTree(state) == before)
        let json = try jsonObject(output.stdout)
        #expect(Set(json.keys) == ["changes", "actions", "inFlight", "brake", "invalid"])
        let actions = try #require(json["actions"] as? [[String: Any]])
        #expect(json["changes"] as? Int == actions.count)
        #expect(!actions.isEmpty)
        for action in actions {
            #expect(Set(action.keys) == ["action", "request", "reason"])
        }
        #expect(actions.contains { $0["action"] as? String == "drop" && $0["request"] as? String == "octocat-recsys" })
    }

    @Test("plan with nothing to do exits 0")
    func planNothingToDo() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = directory.path("state")
        _ = await runSandboxd([
            "reconcile", "--local", "--wait", "--desired-state", exampleDesiredState, "--state-dir", state,
        ])
        let (status, output) = await runSandboxd(
            ["plan", "--local", "--desired-state", exampleDesiredState, "--state-dir", state])
        #expect(status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("nothing to do"))
    }

    @Test("a state directory used with --local refuses the other mode")
    func modeIsRemembered() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = directory.path("state")
        _ = await runSandboxd(["reconcile", "--local", "--desired-state", exampleDesiredState, "--state-dir", state])
        let (status, output) = await runSandboxd(
            ["reconcile", "--desired-state", exampleDesiredState, "--state-dir", state],
            environment: [
                "GITHUB_REPOSITORY": "o/r", "GITHUB_TOKEN": "x", "AWS_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret",
            ]
        )
        #expect(status == 1)
        #expect(output.stderr.contains("was used with --local"))
    }

    @Test("an invalid pool.json makes plan exit 1 with a message and reconcile change nothing")
    func invalidPool() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = directory.path("state")
        let desired = directory.path("desired")
        try FileManager.default.copyItem(atPath: exampleDesiredState, toPath: desired)
        _ = await runSandboxd(["reconcile", "--local", "--desired-state", desired, "--state-dir", state])
        try directory.write("desired/pool.json", "{ \"capacity\": 2, ")
        let (planStatus, planOutput) = await runSandboxd(
            ["plan", "--local", "--desired-state", desired, "--state-dir", state])
        #expect(planStatus == 1)
        #expect(planOutput.stderr.contains("pool.json"))
        let before = try FileManager.default.contentsOfDirectory(atPath: state + "/outbox")
        let (status, output) = await runSandboxd(
            ["reconcile", "--local", "--desired-state", desired, "--state-dir", state])
        #expect(status == 1)
        #expect(output.stderr.contains("pool.json"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: state + "/outbox") == before)
    }
}
