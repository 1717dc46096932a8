import Foundation
import SandboxCore
import SandboxHA
import SandboxRuntime
import SandboxTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Two `sandboxd run --ha-table` processes against moto's DynamoDB and the loopback Service Catalog and GitHub
/// fakes (docs/behaviour.md §12): one leads and provisions; SIGKILLed, the other takes over from the table's journal
/// and releases the sandbox; one product in all; SIGTERM hands the lease back.
@Suite("two HA replicas as processes (moto's DynamoDB)", .serialized)
struct TwoReplicaProcessTests {
    static let credentials = SigV4Verifier.Credentials(accessKeyId: "AKIDHATEST", secretAccessKey: "ha/secret")
    static let pool = """
        {"capacity": 1, "lease": "1h", "maxLease": "2h", "expiryWarning": "10m",
         "product": {"productId": "prod-sandbox000001", "provisioningArtifactId": "pa-sandbox000001"},
         "parameters": {"SandboxOwner": "{{requester}}"}, "outputs": ["BucketName", "NotebookUrl"]}
        """

    /// The `sandboxd` executable of the same build.
    static var sandboxd: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/sandboxd")
    }

    struct Scene {
        let directory: URL
        let catalog: FakeServiceCatalogServer
        let github: FakeGitHubServer
        let table: HATable
        let moto: URL

        func start(_ id: String) throws -> Process {
            let process = Process()
            process.executableURL = TwoReplicaProcessTests.sandboxd
            process.arguments = [
                "run", "--interval", "2s", "--desired-state", directory.appendingPathComponent("desired").path,
                "--state-dir", directory.appendingPathComponent("state-\(id)").path, "--ha-table", table.name,
                "--ha-id", id, "--ha-lease", "3s",
            ]
            process.environment = FakeRemoteEnvironment.variables(
                catalog: catalog,
                github: github,
                credentials: TwoReplicaProcessTests.credentials,
                scratch: directory.path,
                extra: ["AWS_ENDPOINT_URL_DYNAMODB": moto.absoluteString]
            )
            let log = directory.appendingPathComponent("\(id).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: log)
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            return process
        }

        /// Both replicas' logs, for a failure's message.
        var logs: String {
            ["a", "b"].map { id in
                let text = try? String(contentsOf: directory.appendingPathComponent("\(id).log"), encoding: .utf8)
                return "\n--- \(id) ---\n" + (text ?? "")
            }.joined()
        }

        func journal() async -> JournalState? {
            guard let read = try? await HAJournal.read(table: table) else { return nil }
            return try? JournalCodec.replay(read.contents)
        }
    }

    /// Polls `condition` every 50 ms for up to `seconds` (outcomes of other processes: there is no clock to inject).
    static func eventually(_ seconds: Double, _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return await condition()
    }

    @Test("the leader is SIGKILLed: the standby takes over where it stopped; one product; SIGTERM releases the lease")
    func takeover() async throws {
        guard let moto = MotoDynamoDB.url("two HA replicas") else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ha-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let desired = directory.appendingPathComponent("desired")
        try FileManager.default.createDirectory(
            at: desired.appendingPathComponent("requests"),
            withIntermediateDirectories: true
        )
        try Data(Self.pool.utf8).write(to: desired.appendingPathComponent("pool.json"))
        let catalog = try FakeServiceCatalogServer(.init(credentials: [Self.credentials], completionTime: 0.2))
        let github = try FakeGitHubServer()
        defer {
            catalog.stop()
            github.stop()
        }
        github.addAccount(.init(id: 7, login: "alice", createdAt: Date(timeIntervalSinceNow: -400 * 86_400)))
        github.addPullRequest(.init(number: 1, authorID: 7, files: [.init("desired-state/requests/alice.json")]))
        let scene = Scene(
            directory: directory,
            catalog: catalog,
            github: github,
            table: try await MotoDynamoDB.freshTable(moto),
            moto: moto
        )
        var replicas = ["a": try scene.start("a"), "b": try scene.start("b")]
        defer { for process in replicas.values where process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let lease = HALease(table: scene.table, replica: "test", duration: 0)

        let request = desired.appendingPathComponent("requests/alice.json")
        try Data(#"{"requester": "alice", "pullRequest": 1}"#.utf8).write(to: request)
        let active = await Self.eventually(60) {
            await scene.journal()?.requests.values.contains { $0.phase.state == .active } == true
        }
        #expect(active, "the leader did not provision: \(scene.logs)")
        let first = try #require(try await lease.current())
        let leader = try #require(replicas[first.holder])
        let standby = first.holder == "a" ? "b" : "a"
        // Issue 17: each replica's view is in the table for status (docs/behaviour.md §12.6).
        let views = await Self.eventually(30) {
            let seen = (try? await scene.table.replicas(now: Date())) ?? []
            return Set(seen.map { "\($0.id) \($0.role.rawValue) \($0.leader ?? "-") \($0.term)" }) == [
                "\(first.holder) leader \(first.holder) \(first.fence)",
                "\(standby) standby \(first.holder) \(first.fence)",
            ]
        }
        let shown = (try? await scene.table.replicas(now: Date())) ?? []
        #expect(views, "the replicas' views: \(shown)")
        kill(leader.processIdentifier, SIGKILL)
        leader.waitUntilExit()

        let tookOver = await Self.eventually(30) {
            guard let term = try? await lease.current() else { return false }
            return term.holder == standby && term.fence > first.fence
        }
        #expect(tookOver, "the standby did not take the lease")
        // The new leader kept the journal it read in its local cache (docs/behaviour.md §12.2).
        let origin = directory.appendingPathComponent("state-\(standby)/ha-journal-cache/origin.json")
        let cached = await Self.eventually(10) { FileManager.default.fileExists(atPath: origin.path) }
        #expect(cached, "no journal cache at \(origin.path): \(scene.logs)")
        // Another file stays, so the release is not an empty requests/ (the safety brake, docs/behaviour.md §4).
        try Data(#"{"requester": "bob", "pullRequest": 2}"#.utf8).write(
            to: desired.appendingPathComponent("requests/bob.json")
        )
        try FileManager.default.removeItem(at: request)
        let released = await Self.eventually(60) {
            guard catalog.liveProducts.isEmpty, let state = await scene.journal() else { return false }
            return state.requests[RequestID("alice")!]?.phase.state.isFinal == true
        }
        #expect(released, "the new leader did not release the sandbox: \(scene.logs)")
        #expect(catalog.createdProducts.count == 1)

        let survivor = try #require(replicas[standby])
        kill(survivor.processIdentifier, SIGTERM)
        survivor.waitUntilExit()
        #expect(survivor.terminationStatus == 0)
        let last = try #require(try await lease.current())
        #expect(last.holder == standby)
        #expect(last.expires <= Date())
        replicas = [:]
    }
}
