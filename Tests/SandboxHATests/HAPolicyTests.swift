import Foundation
import SandboxHA
import Testing

/// catalog/sandboxd-policy.json grants a replica exactly the DynamoDB actions it needs (docs/behaviour.md §12.4).
@Suite("HA IAM actions")
struct HAPolicyTests {
    @Test("the HighAvailabilityTable statement's actions are the replica's operations', one for one")
    func actions() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("catalog/sandboxd-policy.json")
        let policy = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let statements = try #require(policy["Statement"] as? [[String: Any]])
        let statement = try #require(statements.first { $0["Sid"] as? String == "HighAvailabilityTable" })
        let allowed = Set(try #require(statement["Action"] as? [String]))
        #expect(allowed == Set(DynamoDBClient.Operation.replicaOperations.flatMap(\.iamActions)))
        #expect(statement["Resource"] as? String == "arn:aws:dynamodb:*:*:table/sandboxd-ha")
        let elsewhere = statements.filter { $0["Sid"] as? String != "HighAvailabilityTable" }
            .flatMap { $0["Action"] as? [String] ?? [] }.filter { $0.hasPrefix("dynamodb:") }
        #expect(elsewhere.isEmpty)
    }
}
