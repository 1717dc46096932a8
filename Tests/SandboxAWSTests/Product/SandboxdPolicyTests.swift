import Foundation
import SandboxAWS
import Testing

/// `catalog/sandboxd-policy.json`, the IAM policy of sandboxd's own principal (README "AWS permissions and access
/// levels"): exactly the Service Catalog operations the client calls.
@Suite("catalog: sandboxd's policy allows what the client calls, and nothing else")
struct SandboxdPolicyTests {
    static func statements() throws -> [[String: Any]] {
        let data = try Data(contentsOf: CatalogTemplateTests.repositoryFile("catalog/sandboxd-policy.json"))
        let policy = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(policy["Version"] as? String == "2012-10-17")
        return try #require(policy["Statement"] as? [[String: Any]])
    }

    @Test("the allowed actions are ServiceCatalog.Operation's, one for one")
    func everyOperationAndNothingElse() throws {
        var allowed: [String] = []
        for statement in try Self.statements() {
            #expect(statement["Effect"] as? String == "Allow")
            allowed += try #require(statement["Action"] as? [String])
        }
        // The dynamodb: actions are high availability's (SandboxHATests checks them).
        allowed = allowed.filter { !$0.hasPrefix("dynamodb:") }
        let called = ServiceCatalog.Operation.allCases.map { "servicecatalog:\($0.rawValue)" }
        #expect(allowed.count == Set(allowed).count, "an action is listed twice")
        #expect(
            Set(allowed).subtracting(called).isEmpty,
            "allowed but never called: \(Set(allowed).subtracting(called))"
        )
        #expect(Set(called).subtracting(allowed).isEmpty, "called but not allowed: \(Set(called).subtracting(allowed))")
    }

    @Test("the provisioned-product actions carry the account-level condition the listing relies on")
    func accessLevelCondition() throws {
        // docs/behaviour.md §3.14: sandboxd lists at Account level first; its policy grants exactly that level.
        let conditioned: Set = [
            "servicecatalog:SearchProvisionedProducts", "servicecatalog:DescribeProvisionedProduct",
            "servicecatalog:DescribeRecord", "servicecatalog:TerminateProvisionedProduct",
        ]
        for statement in try Self.statements() {
            let actions = Set(statement["Action"] as? [String] ?? [])
            let condition = statement["Condition"] as? [String: [String: String]]
            if actions.isDisjoint(with: conditioned) {
                #expect(condition == nil, "\(actions)")
            } else {
                #expect(actions == conditioned)
                #expect(condition == ["StringEquals": ["servicecatalog:accountLevel": "self"]])
            }
        }
    }
}
