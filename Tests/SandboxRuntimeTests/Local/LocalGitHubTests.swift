import Foundation
import SandboxCore
import SandboxLocal
import SandboxRuntime
import Testing

/// The facts file of the brief's example, plus a pull request by the bot.
let exampleFacts = """
    {
      "accounts": { "alice": { "id": 1001, "type": "User", "created": "2019-04-01T00:00:00Z" },
                    "newbie": { "id": 1002, "type": "User", "created": "2026-11-25T00:00:00Z" },
                    "ci-robot": { "id": 1003, "type": "Bot", "created": "2018-01-01T00:00:00Z" } },
      "pullRequests": { "42": { "author": "alice", "merged": true,
                                "files": [ { "path": "desired-state/requests/alice.json", "status": "added" } ] },
                        "43": { "author": "bob", "merged": false },
                        "44": { "author": "newbie" },
                        "45": { "author": "ci-robot" } },
      "organizations": { "acme": { "alice": "active", "bob": "pending" } }
    }
    """

/// A state directory's `local/github.json` and a ``LocalGitHub`` reading it.
struct LocalFactsScene {
    static let now = Date(timeIntervalSince1970: 1_796_083_200)  // 2026-12-01T00:00:00Z
    let directory: URL
    let github: LocalGitHub

    init(facts: String?) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sandboxd-facts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        github = LocalGitHub(
            outbox: directory.appendingPathComponent("outbox"),
            factsFile: directory.appendingPathComponent("local/github.json"),
            now: { LocalFactsScene.now }
        )
        if let facts { try write(facts) }
    }

    var factsPath: String { directory.appendingPathComponent("local/github.json").path }

    func write(_ text: String) throws {
        let url = directory.appendingPathComponent("local/github.json")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Verifies `requester`'s request `id` on `pullRequest`, first seen `elapsed` seconds ago.
    func verify(
        _ requester: String,
        pr pullRequest: Int,
        id: String? = nil,
        policy: VerificationPolicy = VerificationPolicy(),
        elapsed: TimeInterval = 0
    ) async -> VerificationOutcome {
        let id = id ?? requester
        let request = VerificationRequest(
            spec: RequestSpec(id: RequestID(id)!, requester: requester, pullRequest: pullRequest),
            repositoryPath: "desired-state/requests/\(id).json",
            policy: policy,
            firstSeen: Self.now.addingTimeInterval(-elapsed),
            now: Self.now
        )
        return await Verifier.verify(request, using: github)
    }
}

extension VerificationOutcome {
    /// The reason of a rejection or a pending outcome.
    var reasonText: String? {
        switch self {
        case .rejected(let reason, _), .pending(let reason, _): return reason
        case .verified, .skipped: return nil
        }
    }
}

@Suite("--local verifies requesters against local/github.json when there is one")
struct LocalGitHubTests {
    @Test("without the facts file verification is skipped, as before")
    func noFileSkips() async throws {
        let scene = try LocalFactsScene(facts: nil)
        defer { scene.remove() }
        #expect(!scene.github.checksRequesters)
        #expect(await scene.verify("alice", pr: 42) == .skipped)
        #expect(!LocalGitHub(outbox: scene.directory).checksRequesters)
    }

    @Test("with the facts file every rule applies: verified, young, bot, not a member, unmerged")
    func factsDecide() async throws {
        let scene = try LocalFactsScene(facts: exampleFacts)
        defer { scene.remove() }
        #expect(scene.github.checksRequesters)
        #expect(await scene.verify("alice", pr: 42) == .verified(userId: 1001, login: "alice"))
        let acme = VerificationPolicy(allowedOrganizations: ["acme"])
        #expect(await scene.verify("alice", pr: 42, policy: acme) == .verified(userId: 1001, login: "alice"))

        let young = await scene.verify("newbie", pr: 44)
        #expect(young.reasonText?.contains("less than 30d ago") == true, "\(young)")
        let bot = await scene.verify("ci-robot", pr: 45)
        #expect(bot == .rejected(reason: bot.reasonText ?? "", userId: 1003))
        #expect(bot.reasonText?.contains("is a bot account") == true)
        let other = await scene.verify(
            "ci-robot",
            pr: 45,
            policy: VerificationPolicy(allowedOrganizations: ["initech"])
        )
        #expect(other.reasonText?.contains("is a bot account") == true)

        let unmerged = await scene.verify("bob", pr: 43)
        guard case .pending(_, let retryAt) = unmerged else {
            Issue.record("expected pending, got \(unmerged)")
            return
        }
        #expect(retryAt == LocalFactsScene.now.addingTimeInterval(15))
        let late = await scene.verify("bob", pr: 43, elapsed: 601)
        #expect(late == .rejected(reason: late.reasonText ?? "", userId: LocalGitHubFacts.derivedID(for: "bob")))
        #expect(late.reasonText?.contains("is not merged") == true)
    }

    @Test("organizations: listed logins answer, others are not members, an unlisted organization cannot tell")
    func organizations() async throws {
        let facts = """
            {"accounts": {"Carol": {"id": 7, "created": "2015-01-01T00:00:00Z"}},
             "pullRequests": {"9": {"author": "carol"}},
             "organizations": {"ACME": {"bob": "pending"}, "initech": {"CAROL": "active"}}}
            """
        let scene = try LocalFactsScene(facts: facts)
        defer { scene.remove() }
        let notMember = await scene.verify("carol", pr: 9, policy: VerificationPolicy(allowedOrganizations: ["acme"]))
        #expect(notMember.reasonText?.contains("@Carol is not an active member of acme") == true, "\(notMember)")
        let member = await scene.verify(
            "carol",
            pr: 9,
            policy: VerificationPolicy(allowedOrganizations: ["acme", "Initech"])
        )
        #expect(member == .verified(userId: 7, login: "Carol"))
        let unknown = await scene.verify("carol", pr: 9, policy: VerificationPolicy(allowedOrganizations: ["umbrella"]))
        guard case .pending(let reason, _) = unknown else {
            Issue.record("expected pending, got \(unknown)")
            return
        }
        #expect(reason.contains("does not list the organization umbrella"))
    }

    @Test("a pull request without files adds the request file asked about; one listing other files does not")
    func files() async throws {
        let scene = try LocalFactsScene(facts: exampleFacts)
        defer { scene.remove() }
        #expect(await scene.verify("alice", pr: 42, id: "other").reasonText?.contains("does not add or modify") == true)
        let facts = exampleFacts.replacingOccurrences(
            of: "\"newbie\": { \"id\": 1002, \"type\": \"User\", \"created\": \"2026-11-25T00:00:00Z\" }",
            with: "\"newbie\": { \"id\": 1002, \"created\": \"2016-11-25T00:00:00Z\" }"
        )
        try scene.write(facts)
        #expect(await scene.verify("newbie", pr: 44, id: "anything") == .verified(userId: 1002, login: "newbie"))
        let missing = await scene.verify("alice", pr: 99)
        #expect(missing.reasonText?.contains("Pull request #99 does not exist in \(scene.factsPath)") == true)
    }

    @Test("a bad facts file is reported with its line and column, rejects nobody, and is read again once fixed")
    func badFileThenFixed() async throws {
        let scene = try LocalFactsScene(facts: "{\n  \"accounts\": {\n    \"alice\": { \"id\": 1001 }\n  }\n}\n")
        defer { scene.remove() }
        let outcome = await scene.verify("alice", pr: 42)
        guard case .pending(let reason, let retryAt) = outcome else {
            Issue.record("expected pending, got \(outcome)")
            return
        }
        #expect(reason.contains("\(scene.factsPath):3:14: accounts.alice.created: missing"), "\(reason)")
        #expect(reason.contains("docs/examples/verification/github.json"))
        #expect(retryAt == LocalFactsScene.now.addingTimeInterval(VerificationPolicy.invalidFactsRetry))

        try scene.write(exampleFacts)
        #expect(await scene.verify("alice", pr: 42) == .verified(userId: 1001, login: "alice"))
    }

    /// A bad facts file and the diagnostic it must give.
    struct BadFile: Sendable, CustomTestStringConvertible {
        var text: String
        var diagnostic: String
        var testDescription: String { diagnostic }
    }

    static let badFiles: [BadFile] = [
        BadFile(text: "{\"accounts\": {\"a\": {\"id\": 1, \"created\": \"2019\"}", diagnostic: "1:"),
        BadFile(
            text: "{\"acounts\": {}}",
            diagnostic: "1:2: acounts: unknown key \"acounts\"; did you mean \"accounts\"?"
        ),
        BadFile(
            text: "{\"accounts\": {\"a\": {\"id\": 1, \"created\": \"yesterday\"}}}",
            diagnostic: "1:41: accounts.a.created: \"yesterday\" is not an RFC 3339 time"
        ),
        BadFile(
            text: "{\"accounts\": {\"a\": {\"id\": 1, \"type\": \"user\", \"created\": \"2019-04-01T00:00:00Z\"}}}",
            diagnostic: "accounts.a.type: \"user\" is not an account type"
        ),
        BadFile(
            text: "{\"pullRequests\": {\"x\": {\"author\": \"a\"}}}",
            diagnostic: "pullRequests.x: \"x\" is not a pull request number"
        ),
        BadFile(text: "{\"pullRequests\": {\"1\": {\"merged\": true}}}", diagnostic: "pullRequests.1.author: missing"),
        BadFile(
            text: "{\"pullRequests\": {\"1\": {\"author\": \"a\", \"merged\": \"yes\"}}}",
            diagnostic: "pullRequests.1.merged: expected true or false"
        ),
        BadFile(
            text:
                "{\"pullRequests\": {\"1\": {\"author\": \"a\", \"files\": [{\"path\": \"p\", \"status\": \"gone\"}]}}}",
            diagnostic: "pullRequests.1.files[0].status: \"gone\" is not a file status"
        ),
        BadFile(
            text: "{\"organizations\": {\"acme\": {\"a\": \"member\"}}}",
            diagnostic: "organizations.acme.a: \"member\" is not a membership"
        ),
    ]

    @Test(arguments: badFiles)
    func badFileDiagnostics(_ bad: BadFile) {
        let result = LocalGitHubFacts.parse(Array(bad.text.utf8), path: "local/github.json")
        #expect(result.value == nil)
        let text = result.diagnostics.map(\.description).joined(separator: "\n")
        #expect(text.contains("local/github.json:\(bad.diagnostic)") || text.contains(bad.diagnostic), "\(text)")
    }
}
