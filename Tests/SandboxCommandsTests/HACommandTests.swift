import Foundation
import SandboxAWS
import SandboxCore
import SandboxHA
import SandboxHTTP
import SandboxRuntime
import Testing

/// Issue 17: `sandboxd ha create-table`, `sandboxd ha import` and `sandboxd status --ha-table` through the command
/// entry point, against moto's DynamoDB (docs/behaviour.md §12.4–§12.6). Without `SANDBOXD_TEST_MOTO_URL` each test
/// checks nothing and says so.
@Suite("ha and status --ha-table commands (moto's DynamoDB)", .serialized)
struct HACommandTests {
    static func moto(_ test: String) -> URL? {
        guard let value = ProcessInfo.processInfo.environment["SANDBOXD_TEST_MOTO_URL"], !value.isEmpty,
            let url = URL(string: value)
        else {
            print("moto not configured: \(test) checked nothing (set SANDBOXD_TEST_MOTO_URL to a moto_server URL)")
            return nil
        }
        return url
    }

    static func environment(_ moto: URL, scratch: URL) -> [String: String] {
        [
            "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL_DYNAMODB": moto.absoluteString,
            "AWS_CONFIG_FILE": scratch.path + "/no-aws-config",
            "AWS_SHARED_CREDENTIALS_FILE": scratch.path + "/no-aws-credentials",
        ]
    }

    static func table(_ moto: URL, name: String) -> HATable {
        let client = DynamoDBClient(
            endpoint: moto,
            region: "us-east-1",
            credentials: StaticCredentialsProvider(AWSCredentials(accessKeyId: "testing", secretAccessKey: "testing")),
            transport: URLSessionTransport(),
            retryPolicy: AWSRetryPolicy(maxAttempts: 2, attemptTimeout: .seconds(60), maxCallDuration: .seconds(120))
        )
        return HATable(client: client, name: name, pool: "default")
    }

    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ha-cmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func name() -> String { "sandboxd-ha-cmd-" + UUID().uuidString.prefix(8).lowercased() }

    @Test("ha create-table makes the table: keys pool and item (strings), on-demand, TTL on expires_at")
    func createTable() async throws {
        guard let moto = Self.moto("ha create-table") else { return }
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let name = Self.name()
        let (status, output) = await runSandboxd(
            ["ha", "create-table", "--ha-table", name],
            environment: Self.environment(moto, scratch: scratch)
        )
        #expect(status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("created the HA table \(name)"))
        let client = Self.table(moto, name: name).client
        let described = try await client.call(.describeTable, ["TableName": .string(name)], safeToRepeat: true)
        let keys = (described["Table"]?["KeySchema"]?.arrayValue ?? []).map {
            ($0["AttributeName"]?.stringValue ?? "", $0["KeyType"]?.stringValue ?? "")
        }
        #expect(keys.map(\.0) == ["pool", "item"] && keys.map(\.1) == ["HASH", "RANGE"])
        let types = (described["Table"]?["AttributeDefinitions"]?.arrayValue ?? []).map {
            $0["AttributeType"]?.stringValue
        }
        #expect(types == ["S", "S"])
        #expect(described["Table"]?["BillingModeSummary"]?["BillingMode"]?.stringValue == "PAY_PER_REQUEST")
        let ttl = try await client.call(.describeTimeToLive, ["TableName": .string(name)], safeToRepeat: true)
        #expect(ttl["TimeToLiveDescription"]?["TimeToLiveStatus"]?.stringValue == "ENABLED")
        #expect(ttl["TimeToLiveDescription"]?["AttributeName"]?.stringValue == "expires_at")
    }

    @Test("ha import: the file journal is what a leader then replays; a second import is refused, saying why")
    func importJournal() async throws {
        guard let moto = Self.moto("ha import") else { return }
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let environment = Self.environment(moto, scratch: scratch)
        let name = Self.name()
        let table = Self.table(moto, name: name)
        try await table.create()
        let state = scratch.appendingPathComponent("state")
        let spec = RequestSpec(id: try #require(RequestID("alice")), requester: "alice", pullRequest: 7)
        let lineage: String
        do {
            let (journal, _) = try FileJournal.openForWriting(stateDirectory: state)
            lineage = journal.lineage
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            _ = try await journal.append(contentsOf: [
                try JournalCodec.encode(.requestSeen(spec: spec, at: now)),
                try JournalCodec.encode(.admitted(id: spec.id)),
            ])
            journal.close()
        }
        let file = try JournalCodec.replay(try #require(try FileJournal.read(stateDirectory: state)))

        let imported = await runSandboxd(
            ["ha", "import", "--ha-table", name, "--state-dir", state.path],
            environment: environment
        )
        #expect(imported.status == 0, "\(imported.output.stderr)")
        #expect(imported.output.stdout.contains("lineage \(lineage), 2 records"))

        // A leader replays exactly the file journal's state, of the same lineage, and goes on after it.
        let lease = HALease(table: table, replica: "a", duration: 15)
        let term = try #require(try await lease.acquire(now: Date()))
        let (store, contents) = try await HAJournal.open(table: table, term: term)
        #expect(store.lineage == lineage)
        #expect(try JournalCodec.replay(contents) == file)
        #expect(try await store.append(try JournalCodec.encode(.admitted(id: spec.id))) == 3)
        try await lease.release(term, now: Date())

        let again = await runSandboxd(
            ["ha", "import", "--ha-table", name, "--state-dir", state.path],
            environment: environment
        )
        #expect(again.status == 1)
        #expect(again.output.stderr.contains("already holds a journal for pool default: nothing imported"))
    }

    @Test("a missing table: status and import say to run sandboxd ha create-table --ha-table NAME")
    func missingTable() async throws {
        guard let moto = Self.moto("ha missing table") else { return }
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let name = Self.name()
        let (status, output) = await runSandboxd(
            ["status", "--ha-table", name, "--state-dir", scratch.appendingPathComponent("state").path],
            environment: Self.environment(moto, scratch: scratch)
        )
        #expect(status == 1)
        #expect(output.stderr.contains("run sandboxd ha create-table --ha-table \(name)"), "\(output.stderr)")
    }

    @Test("status --ha-table lists the leader, its term and lease, and every replica's view; an expired view is gone")
    func replicaViews() async throws {
        guard let moto = Self.moto("status --ha-table replicas") else { return }
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let name = Self.name()
        let table = Self.table(moto, name: name)
        try await table.create()
        // Whole seconds, as status prints them.
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let term = try #require(try await HALease(table: table, replica: "east", duration: 60).acquire(now: now))
        try await table.write(
            ReplicaView(
                id: "east",
                role: .leader,
                leader: "east",
                term: term.fence,
                seenAt: now,
                leaseExpires: term.expires,
                cachedSeq: 12,
                expiresAt: now.addingTimeInterval(600)
            )
        )
        try await table.write(
            ReplicaView(
                id: "west",
                role: .standby,
                leader: "east",
                term: term.fence,
                seenAt: now,
                leaseExpires: term.expires,
                cachedSeq: 10,
                expiresAt: now.addingTimeInterval(600)
            )
        )
        try await table.write(
            ReplicaView(
                id: "gone",
                role: .standby,
                leader: "east",
                term: 0,
                seenAt: now.addingTimeInterval(-900),
                leaseExpires: nil,
                cachedSeq: 0,
                expiresAt: now.addingTimeInterval(-300)
            )
        )
        let (status, output) = await runSandboxd(
            ["status", "--ha-table", name, "--state-dir", scratch.appendingPathComponent("state").path],
            environment: Self.environment(moto, scratch: scratch)
        )
        #expect(status == 0, "\(output.stderr)")
        let until = NotificationDateFormat.rfc3339(term.expires)
        let seen = NotificationDateFormat.rfc3339(now)
        #expect(output.stdout.contains("leader: east, term \(term.fence), lease until \(until)"), "\(output.stdout)")
        #expect(
            output.stdout.contains(
                "  east: leader, term \(term.fence), saw the lease at \(seen), journal cache at seq 12"
            )
        )
        #expect(
            output.stdout.contains(
                "  west: standby, sees leader east, term \(term.fence), saw the lease at \(seen), may take over at "
                    + "\(until), journal cache at seq 10"
            )
        )
        #expect(!output.stdout.contains("gone"))
    }
}
