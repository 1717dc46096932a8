import SandboxCore
import Testing

@Suite("PoolFileParser")
struct PoolFileParserTests {
    static let product =
        #""product": {"productId": "prod-abcdefghijklm", "provisioningArtifactId": "pa-abcdefghijklm"}"#

    private func parse(_ text: String) -> FileParseResult<PoolConfiguration> {
        PoolFileParser.parse(Array(text.utf8), path: "desired-state/pool.json")
    }

    /// A minimal valid pool with `extra` members added.
    private func pool(_ extra: String) -> String {
        "{\"capacity\": 3, \(Self.product)\(extra.isEmpty ? "" : ", " + extra)}"
    }

    @Test("a minimal pool gets every default of docs/behaviour.md")
    func minimalPoolGetsDefaults() throws {
        let result = parse(pool(""))
        #expect(result.diagnostics.isEmpty)
        let pool = try #require(result.value)
        #expect(
            pool
                == PoolConfiguration(
                    capacity: 3,
                    product: ProductReference(
                        productId: "prod-abcdefghijklm",
                        provisioningArtifactId: "pa-abcdefghijklm"
                    )
                )
        )
        #expect(pool.lease.text == "7d")
        #expect(pool.maxLease.text == "14d")
        #expect(pool.expiryWarning.text == "24h")
        #expect(pool.namePrefix == "sandbox-")
        #expect(pool.parameters.isEmpty)
        #expect(pool.outputs == nil)
        #expect(pool.verification == VerificationPolicy())
    }

    @Test("the contract's example pool.json reads whole")
    func specExample() throws {
        let text = """
            {
              "capacity": 3,
              "lease": "7d",
              "maxLease": "14d",
              "expiryWarning": "24h",
              "product": {
                "productId": "prod-abcdefghijklm",
                "provisioningArtifactId": "pa-abcdefghijklm",
                "pathId": "lpv3-abcdefghijklm"
              },
              "parameters": { "SandboxOwner": "{{requester}}", "Name": "sb-{{request}}" },
              "namePrefix": "sandbox-",
              "outputs": ["BucketName", "QueueArn"],
              "verification": {
                "minAccountAge": "30d",
                "allowedOrganizations": ["octo-org"],
                "deniedUsers": ["mallory"]
              }
            }
            """
        let result = parse(text)
        #expect(result.diagnostics.isEmpty)
        let pool = try #require(result.value)
        #expect(pool.product.pathId == "lpv3-abcdefghijklm")
        #expect(pool.parameters == ["SandboxOwner": "{{requester}}", "Name": "sb-{{request}}"])
        #expect(pool.outputs == ["BucketName", "QueueArn"])
        #expect(pool.verification.allowedOrganizations == ["octo-org"])
        #expect(pool.verification.deniedUsers == ["mallory"])
        #expect(pool.verification.minAccountAge.seconds == 30 * 86_400)
    }

    @Test(
        "values at the edge of a rule are accepted",
        arguments: [
            #""capacity": 0"#,
            #""capacity": 1000"#,
            #""namePrefix": """#,
            "\"namePrefix\": \"\(String(repeating: "a", count: 65))\"",
            #""namePrefix": "team.a_b-""#,
            #""lease": "14d", "maxLease": "14d""#,
            #""expiryWarning": "167h""#,
            #""outputs": []"#,
            #""parameters": {"A": "{{requester}}-{{request}}", "B": "{not a placeholder}", "C": "{{"}"#,
            #""verification": {}"#,
        ]
    )
    func edgeValuesAccepted(extra: String) throws {
        let text =
            extra.hasPrefix("\"capacity\"")
            ? "{\(extra), \(Self.product)}" : pool(extra)
        let result = parse(text)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.value != nil)
    }

    @Test(
        "Service Catalog ids follow the API model: 1 to 100 of [A-Za-z0-9_-]",
        arguments: [
            ("prod-abcdefghijklm", true), ("prod_ABC-123", true), (String(repeating: "p", count: 100), true),
            ("", false), (String(repeating: "p", count: 101), false), ("prod abc", false), ("prod.abc", false),
            ("prod-é", false),
        ]
    )
    func serviceCatalogIDs(id: String, valid: Bool) {
        #expect(PoolFileParser.isServiceCatalogID(id) == valid)
    }

    @Test(
        "each rule of pool.json is checked",
        arguments: [
            (#"{"product": {"productId": "p", "provisioningArtifactId": "a"}}"#, "capacity", "missing"),
            (#"{"capacity": 2.5, PRODUCT}"#, "capacity", "expected an integer from 0 to 1000, found the number 2.5"),
            (#"{"capacity": "3", PRODUCT}"#, "capacity", "write the number without quotes"),
            (#"{"capacity": -1, PRODUCT}"#, "capacity", "out of range"),
            (#"{"capacity": 1001, PRODUCT}"#, "capacity", "out of range"),
            (#"{"capacity": 3}"#, "product", "missing"),
            (#"{"capacity": 3, "product": "prod-abc"}"#, "product", "expected an object"),
            (#"{"capacity": 3, "product": {"provisioningArtifactId": "pa-1"}}"#, "product.productId", "missing"),
            (#"{"capacity": 3, "product": {"productId": "prod-1"}}"#, "product.provisioningArtifactId", "missing"),
            (
                #"{"capacity": 3, "product": {"productId": "prod 1", "provisioningArtifactId": "pa-1"}}"#,
                "product.productId", "not a Service Catalog id"
            ),
            (
                #"{"capacity": 3, "product": {"productId": "p", "provisioningArtifactId": "pa-1", "pathId": 5}}"#,
                "product.pathId", "expected a string"
            ),
            (
                #"{"capacity": 3, "product": {"productId": "p", "provisioningArtifactId": "a", "version": "1"}}"#,
                "product.version", "unknown key"
            ),
            (#"{"capacity": 3, PRODUCT, "lease": "7 days"}"#, "lease", "is not a duration"),
            (#"{"capacity": 3, PRODUCT, "maxLease": "0d"}"#, "maxLease", "is not a duration"),
            (#"{"capacity": 3, PRODUCT, "expiryWarning": "1w"}"#, "expiryWarning", "is not a duration"),
            (#"{"capacity": 3, PRODUCT, "lease": 7}"#, "lease", "put the value in double quotes"),
            (#"{"capacity": 3, PRODUCT, "lease": null}"#, "lease", "leave the key out"),
            (#"{"capacity": 3, PRODUCT, "lease": "30d"}"#, "lease", "longer than maxLease \"14d\""),
            (#"{"capacity": 3, PRODUCT, "lease": "1d"}"#, "expiryWarning", "not shorter than the default lease"),
            (#"{"capacity": 3, PRODUCT, "parameters": []}"#, "parameters", "expected an object"),
            (#"{"capacity": 3, PRODUCT, "parameters": {"Size": 3}}"#, "parameters.Size", "expected a string"),
            (#"{"capacity": 3, PRODUCT, "parameters": {"Owner": "{{user}}"}}"#, "parameters.Owner", "{{user}}"),
            (#"{"capacity": 3, PRODUCT, "parameters": {"": "x"}}"#, "parameters.", "1 to 1000 characters"),
            (
                "{\"capacity\": 3, PRODUCT, \"parameters\": {\"A\": \"\(String(repeating: "x", count: 4090)){{request}}\"}}",
                "parameters.A", "at most 4096"
            ),
            (#"{"capacity": 3, PRODUCT, "namePrefix": "-sandbox"}"#, "namePrefix", "starting with a letter or digit"),
            (#"{"capacity": 3, PRODUCT, "namePrefix": "my sandbox"}"#, "namePrefix", "cannot start"),
            (
                "{\"capacity\": 3, PRODUCT, \"namePrefix\": \"\(String(repeating: "a", count: 66))\"}",
                "namePrefix", "at most 65"
            ),
            (#"{"capacity": 3, PRODUCT, "outputs": "BucketName"}"#, "outputs", "expected an array"),
            (#"{"capacity": 3, PRODUCT, "outputs": ["A", 1]}"#, "outputs[1]", "expected output names"),
            (#"{"capacity": 3, PRODUCT, "outputs": [""]}"#, "outputs[0]", "cannot be empty"),
            (#"{"capacity": 3, PRODUCT, "verification": []}"#, "verification", "expected an object"),
            (
                #"{"capacity": 3, PRODUCT, "verification": {"minAccountAge": "30"}}"#,
                "verification.minAccountAge", "is not a duration"
            ),
            (
                #"{"capacity": 3, PRODUCT, "verification": {"allowedOrganizations": ["-org-"]}}"#,
                "verification.allowedOrganizations[0]", "not a GitHub organization"
            ),
            (
                #"{"capacity": 3, PRODUCT, "verification": {"deniedUsers": "mallory"}}"#,
                "verification.deniedUsers", "expected an array"
            ),
            (
                #"{"capacity": 3, PRODUCT, "verification": {"deniedUsers": ["a_b"]}}"#,
                "verification.deniedUsers[0]", "not a GitHub login"
            ),
            (
                #"{"capacity": 3, PRODUCT, "verification": {"minAge": "1d"}}"#,
                "verification.minAge", "unknown key"
            ),
            (#"{"capacity": 3, PRODUCT, "maxlease": "1d"}"#, "maxlease", "did you mean \"maxLease\"?"),
            (#"{"capacity": 3, PRODUCT, "owner": "me"}"#, "owner", "unknown key \"owner\"; remove it"),
            (#"[]"#, nil, "expected a JSON object"),
        ] as [(String, String?, String)]
    )
    func rules(text: String, field: String?, message: String) throws {
        let result = parse(text.replacingOccurrences(of: "PRODUCT", with: Self.product))
        #expect(result.value == nil)
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1, "\(errors)")
        let diagnostic = try #require(errors.first)
        #expect(diagnostic.field == field)
        #expect(diagnostic.message.contains(message), "\(diagnostic.message)")
        #expect(diagnostic.path == "desired-state/pool.json")
        #expect(diagnostic.line != nil && diagnostic.column != nil)
    }

    @Test("a syntax error gives the line and column and no pool")
    func syntaxError() throws {
        let result = parse("{\n  \"capacity\": 3,\n  \"capacity\": 4\n}")
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.value == nil)
        #expect(diagnostic.description.hasPrefix("desired-state/pool.json:3:3: duplicate key \"capacity\""))
    }

    @Test("every problem is reported, not only the first")
    func collectsAllProblems() {
        let result = parse(#"{"capacity": 2.5, "lease": "x", "outputs": [1, 2], "extra": true}"#)
        #expect(result.value == nil)
        #expect(
            result.diagnostics.map(\.field) == ["product", "capacity", "lease", "outputs[0]", "outputs[1]", "extra"]
        )
    }

    @Test("a duplicate output is a warning, and the pool stays valid")
    func duplicateOutputWarns() throws {
        let result = parse(pool(#""outputs": ["A", "A"]"#))
        #expect(result.value != nil)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.severity == .warning)
        #expect(diagnostic.field == "outputs[1]")
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
