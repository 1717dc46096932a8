import SandboxCore
import Testing

@Suite("RequestFileParser")
struct RequestFileParserTests {
    static let pool = PoolConfiguration(
        capacity: 2,
        maxLease: LeaseDuration("14d")!,
        product: ProductReference(productId: "prod-a", provisioningArtifactId: "pa-a")
    )

    private func parse(
        _ text: String,
        pool: PoolConfiguration? = RequestFileParserTests.pool
    )
        -> FileParseResult<RequestSpec>
    {
        RequestFileParser.parse(
            Array(text.utf8),
            id: RequestID("alice-metaflow")!,
            path: "desired-state/requests/alice-metaflow.json",
            pool: pool
        )
    }

    @Test("the contract's example request reads whole")
    func specExample() throws {
        let result = parse(
            #"{"requester": "octocat", "pullRequest": 42, "lease": "3d", "purpose": "Try Metaflow on our recommender pipeline"}"#
        )
        #expect(result.diagnostics.isEmpty)
        let spec = try #require(result.value)
        #expect(spec.id.rawValue == "alice-metaflow")
        #expect(spec.requester == "octocat")
        #expect(spec.pullRequest == 42)
        #expect(spec.lease == LeaseDuration("3d"))
        #expect(spec.purpose == "Try Metaflow on our recommender pipeline")
    }

    @Test("lease and purpose are optional")
    func optionalFields() throws {
        let spec = try #require(parse(#"{"requester": "octocat", "pullRequest": 1}"#).value)
        #expect(spec.lease == nil)
        #expect(spec.purpose == nil)
    }

    @Test(
        "values at the edge of a rule are accepted",
        arguments: [
            #""requester": "a""#,
            "\"requester\": \"\(String(repeating: "a", count: 39))\"",
            #""requester": "Octo-Cat-2""#,
            #""lease": "14d""#,
            #""lease": "336h""#,
            "\"purpose\": \"\(String(repeating: "é", count: 500))\"",
            "\"purpose\": \"\(String(repeating: "😀", count: 500))\"",
        ]
    )
    func edgeValuesAccepted(member: String) {
        let text =
            member.hasPrefix("\"requester\"")
            ? "{\(member), \"pullRequest\": 1}" : "{\"requester\": \"octocat\", \"pullRequest\": 1, \(member)}"
        let result = parse(text)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.value != nil)
    }

    @Test(
        "each rule of a request file is checked",
        arguments: [
            (#"{"pullRequest": 1}"#, "requester", "missing; add your GitHub login"),
            (#"{"requester": 7, "pullRequest": 1}"#, "requester", "expected a GitHub login"),
            (#"{"requester": "foo_bar", "pullRequest": 1}"#, "requester", "is not a GitHub login"),
            (#"{"requester": "-alice", "pullRequest": 1}"#, "requester", "is not a GitHub login"),
            (#"{"requester": "alice-", "pullRequest": 1}"#, "requester", "is not a GitHub login"),
            (#"{"requester": "al--ice", "pullRequest": 1}"#, "requester", "is not a GitHub login"),
            (#"{"requester": "", "pullRequest": 1}"#, "requester", "is not a GitHub login"),
            (
                "{\"requester\": \"\(String(repeating: "a", count: 40))\", \"pullRequest\": 1}",
                "requester", "is not a GitHub login"
            ),
            (#"{"requester": "octocat"}"#, "pullRequest", "missing; add the number of the pull request"),
            (#"{"requester": "octocat", "pullRequest": 0}"#, "pullRequest", "0 is not a pull request number"),
            (#"{"requester": "octocat", "pullRequest": -4}"#, "pullRequest", "-4 is not a pull request number"),
            (#"{"requester": "octocat", "pullRequest": "42"}"#, "pullRequest", "write the number without quotes"),
            (#"{"requester": "octocat", "pullRequest": 4.0}"#, "pullRequest", "found the number 4.0"),
            (#"{"requester": "octocat", "pullRequest": 1, "lease": "3 days"}"#, "lease", "is not a duration"),
            (#"{"requester": "octocat", "pullRequest": 1, "lease": "03d"}"#, "lease", "is not a duration"),
            (
                #"{"requester": "octocat", "pullRequest": 1, "lease": "30d"}"#,
                "lease", #""30d" is longer than the pool's maxLease "14d"; ask for at most 14d"#
            ),
            (#"{"requester": "octocat", "pullRequest": 1, "purpose": 5}"#, "purpose", "expected a string"),
            (
                "{\"requester\": \"octocat\", \"pullRequest\": 1, \"purpose\": \"\(String(repeating: "x", count: 501))\"}",
                "purpose", "is 501 characters long; shorten it to at most 500 characters"
            ),
            (
                #"{"requester": "octocat", "pullRequest": 1, "parameters": {"A": "b"}}"#, "parameters",
                #"a request file cannot set parameters, product or tags: only the operator's pool.json can; remove "parameters""#
            ),
            (
                #"{"requester": "octocat", "pullRequest": 1, "product": {}}"#, "product",
                "a request file cannot set parameters, product or tags"
            ),
            (
                #"{"requester": "octocat", "pullRequest": 1, "tags": {}}"#, "tags",
                "a request file cannot set parameters, product or tags"
            ),
            (#"{"requester": "octocat", "pullRequest": 1, "colour": "red"}"#, "colour", "unknown key \"colour\""),
            (#"{"requester": "octocat", "pullRequest": 1, "purpse": "x"}"#, "purpse", "did you mean \"purpose\"?"),
            (#"["octocat", 1]"#, nil, "expected a JSON object"),
        ] as [(String, String?, String)]
    )
    func rules(text: String, field: String?, message: String) throws {
        let result = parse(text)
        #expect(result.value == nil)
        #expect(result.diagnostics.count == 1, "\(result.diagnostics)")
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.field == field)
        #expect(diagnostic.message.contains(message), "\(diagnostic.message)")
        #expect(diagnostic.path == "desired-state/requests/alice-metaflow.json")
    }

    @Test("lease is checked against maxLease only when the pool is valid")
    func leaseWithoutPool() throws {
        let spec = try #require(parse(#"{"requester": "octocat", "pullRequest": 1, "lease": "30d"}"#, pool: nil).value)
        #expect(spec.lease == LeaseDuration("30d"))
    }

    @Test("every problem of a file is reported, with positions")
    func collectsAllProblems() {
        let result = parse(#"{"requester": "a_b", "pullRequest": 0, "lease": "1y", "tags": {}}"#)
        #expect(result.value == nil)
        #expect(result.diagnostics.map(\.field) == ["requester", "pullRequest", "lease", "tags"])
        #expect(result.diagnostics.map(\.column) == [15, 37, 49, 55])
    }

    @Test("a syntax error names the line and column")
    func syntaxError() throws {
        let result = parse("{\n  \"requester\": \"octocat\",\n  \"pullRequest\": 42,\n}")
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.line == 4 && diagnostic.column == 1)
        #expect(
            diagnostic.description
                == "desired-state/requests/alice-metaflow.json:4:1: unexpected '}'; expected a key in double quotes;"
                + " JSON does not allow a comma before '}': remove it"
        )
    }
}
