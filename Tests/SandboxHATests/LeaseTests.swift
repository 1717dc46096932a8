import Foundation
import SandboxHA
import Testing

/// The lease item against moto's DynamoDB: the clock is the `now` each call is given, so expiry needs no sleep.
@Suite("HA lease (moto's DynamoDB)")
struct LeaseTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("one holder at a time; a standby takes over after expiry with a larger fence; the old holder's renewal fails")
    func takeover() async throws {
        guard let url = MotoDynamoDB.url("HA lease takeover") else { return }
        let table = try await MotoDynamoDB.freshTable(url)
        let a = HALease(table: table, replica: "a", duration: 15)
        let b = HALease(table: table, replica: "b", duration: 15)

        let first = try #require(try await a.acquire(now: start))
        #expect(first.holder == "a")
        #expect(first.fence == 1)
        #expect(try await b.acquire(now: start.addingTimeInterval(14)) == nil)
        let renewed = try #require(try await a.renew(first, now: start.addingTimeInterval(5)))
        #expect(renewed.expires == start.addingTimeInterval(20))
        #expect(try await b.acquire(now: start.addingTimeInterval(19)) == nil)

        let second = try #require(try await b.acquire(now: start.addingTimeInterval(20.5)))
        #expect(second.holder == "b")
        #expect(second.fence == 2)
        #expect(try await a.renew(renewed, now: start.addingTimeInterval(21)) == nil)
        #expect(try await a.current() == second)
    }

    @Test("a released lease is taken at once, and the term after it has the next fence")
    func release() async throws {
        guard let url = MotoDynamoDB.url("HA lease release") else { return }
        let table = try await MotoDynamoDB.freshTable(url)
        let a = HALease(table: table, replica: "a", duration: 15)
        let b = HALease(table: table, replica: "b", duration: 15)
        let first = try #require(try await a.acquire(now: start))
        try await a.release(first, now: start.addingTimeInterval(1))
        let second = try #require(try await b.acquire(now: start.addingTimeInterval(1.5)))
        #expect(second.fence == 2)
        // A late release of the old term changes nothing.
        try await a.release(first, now: start.addingTimeInterval(2))
        #expect(try await a.acquire(now: start.addingTimeInterval(3)) == nil)
    }

    @Test("errors: a failed condition and a missing table are told apart")
    func errors() async throws {
        guard let url = MotoDynamoDB.url("HA errors") else { return }
        let table = try await MotoDynamoDB.freshTable(url)
        let item = table.key("probe")
        _ = try await table.client.call(
            .putItem,
            ["TableName": .string(table.name), "Item": item.json],
            safeToRepeat: true
        )
        let conditional: [String: JSONValue] = [
            "TableName": .string(table.name), "Item": item.json,
            "ConditionExpression": .string("attribute_not_exists(#i)"),
            "ExpressionAttributeNames": .object(["#i": .string("item")]),
        ]
        let failed = await #expect(throws: DynamoDBError.self) {
            try await table.client.call(.putItem, conditional, safeToRepeat: false)
        }
        #expect(failed?.kind == .conditionFailed)
        #expect(failed?.code == "ConditionalCheckFailedException")

        let missing = HATable(client: table.client, name: "no-such-table-\(UUID().uuidString.prefix(6))", pool: "p")
        let lease = HALease(table: missing, replica: "a", duration: 15)
        let error = await #expect(throws: DynamoDBError.self) { try await lease.acquire(now: start) }
        #expect(error?.kind == .tableMissing)
        #expect(error?.description.contains("sandboxd ha create-table --ha-table \(missing.name)") == true)
    }
}
