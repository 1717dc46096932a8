import SandboxCore
import Testing

@Suite("DesiredStateParser")
struct DesiredStateParserTests {
    static let poolJSON = """
        {"capacity": 2, "maxLease": "14d", "product": {"productId": "prod-a", "provisioningArtifactId": "pa-a"}}
        """

    private func file(_ name: String, _ text: String) -> FileEntry {
        FileEntry(name: name, content: .bytes(Array(text.utf8)))
    }

    private func request(_ name: String, requester: String = "octocat", extra: String = "") -> FileEntry {
        file(name, "{\"requester\": \"\(requester)\", \"pullRequest\": 1\(extra)}")
    }

    private func snapshot(
        pool: FileContent? = .bytes(Array(DesiredStateParserTests.poolJSON.utf8)),
        requests: [FileEntry] = [],
        templates: [FileEntry] = [],
        templatesDirectory: DirectoryStatus = .present
    ) -> DesiredStateSnapshot {
        DesiredStateSnapshot(
            poolFile: pool,
            requestFiles: requests,
            templatesDirectory: templatesDirectory,
            templateFiles: templates
        )
    }

    private func descriptions(_ state: DesiredState) -> [String] { state.diagnostics.map(\.description) }

    @Test("a valid directory gives the pool, every request and no diagnostic")
    func validDirectory() throws {
        let state = DesiredStateParser.parse(
            snapshot(requests: [request("a.json"), request("b.json", requester: "hubot"), file(".gitkeep", "")])
        )
        #expect(state.diagnostics.isEmpty)
        #expect(state.pool?.capacity == 2)
        #expect(state.requests.count == 2)
        #expect(state.requests[RequestID("b")!]?.spec?.requester == "hubot")
        #expect(state.requestsDirectoryExists)
        #expect(!state.hasErrors)
    }

    @Test("a missing directory is one error and no pool")
    func missingDirectory() throws {
        let state = DesiredStateParser.parse(
            DesiredStateSnapshot(displayPath: "./ds", directory: .missing, poolFile: nil, requestsDirectory: .missing)
        )
        #expect(state.pool == nil)
        #expect(!state.requestsDirectoryExists)
        #expect(state.diagnostics.count == 1)
        #expect(state.diagnostics.first?.path == "./ds")
        #expect(state.diagnostics.first?.message.contains("not found") == true)
    }

    @Test("a missing pool.json says to create it")
    func missingPool() {
        let state = DesiredStateParser.parse(snapshot(pool: nil, requests: [request("a.json")]))
        #expect(state.pool == nil)
        #expect(
            descriptions(state) == [#"desired-state/pool.json: file not found; create it (see README "pool.json")"#]
        )
        #expect(state.requests[RequestID("a")!]?.spec != nil)
    }

    @Test("a bad pool.json leaves no pool but the requests are still read")
    func badPool() {
        let state = DesiredStateParser.parse(
            snapshot(
                pool: .bytes(Array(#"{"capacity": 2.5}"#.utf8)),
                requests: [request("a.json", extra: #", "lease": "30d""#)]
            )
        )
        #expect(state.pool == nil)
        #expect(state.hasErrors)
        // Without a valid pool, maxLease cannot be checked.
        #expect(state.requests[RequestID("a")!]?.spec?.lease == LeaseDuration("30d"))
    }

    @Test(
        "a pool.json that cannot be read is an error",
        arguments: [
            (FileContent.symbolicLink, "symbolic link"),
            (.notRegularFile(kind: "a directory"), "a directory, not a regular file"),
            (.tooLarge(size: 70_000), "70000 bytes, over the limit of 64 KiB"),
            (.unreadable(reason: "Permission denied"), "cannot be read (Permission denied)"),
        ]
    )
    func unreadablePool(content: FileContent, message: String) throws {
        let state = DesiredStateParser.parse(snapshot(pool: content))
        #expect(state.pool == nil)
        let diagnostic = try #require(state.diagnostics.first)
        #expect(diagnostic.path == "desired-state/pool.json")
        #expect(diagnostic.message.contains(message))
    }

    @Test("a bad request file makes only its own entry invalid")
    func badRequestIsIsolated() throws {
        let state = DesiredStateParser.parse(
            snapshot(requests: [request("good.json"), file("bad.json", "{"), request("other.json", requester: "hubot")])
        )
        #expect(state.requests[RequestID("good")!]?.spec != nil)
        #expect(state.requests[RequestID("other")!]?.spec != nil)
        guard case .invalid(let diagnostics, _) = state.requests[RequestID("bad")!] else {
            Issue.record("bad.json should be invalid")
            return
        }
        #expect(diagnostics.map(\.path) == ["desired-state/requests/bad.json"])
        #expect(diagnostics.first?.line == 1)
        #expect(state.pool != nil)
    }

    @Test(
        "a request entry that cannot be a request file is an error naming it",
        arguments: [
            ("notes.txt", FileContent.bytes([]), false, "not a .json file"),
            ("a.JSON", .bytes([]), false, "not a .json file"),
            ("sub", .notRegularFile(kind: "a directory"), false, "this is a directory"),
            ("Alice.json", .bytes(Array("{}".utf8)), false, #""Alice" is not a valid request id"#),
            ("a_b.json", .bytes(Array("{}".utf8)), false, "is not a valid request id"),
            ("-a.json", .bytes(Array("{}".utf8)), false, "is not a valid request id"),
            ("\(String(repeating: "a", count: 64)).json", .bytes(Array("{}".utf8)), false, "not a valid request id"),
            ("link.json", .symbolicLink, true, "symbolic link"),
            ("fifo.json", .notRegularFile(kind: "a named pipe"), true, "a named pipe, not a regular file"),
            ("huge.json", .tooLarge(size: 71_680), true, "71680 bytes"),
            ("huge2.json", .bytes(Array(repeating: 0x20, count: 65_537)), true, "65537 bytes"),
            ("secret.json", .unreadable(reason: "Permission denied"), true, "Permission denied"),
            ("latin1.json", .bytes(Array(#"{"requester": "caf"#.utf8) + [0xE9]), true, "invalid UTF-8"),
        ]
    )
    func badEntries(name: String, content: FileContent, hasEntry: Bool, message: String) throws {
        let state = DesiredStateParser.parse(snapshot(requests: [FileEntry(name: name, content: content)]))
        let diagnostic = try #require(state.diagnostics.first)
        #expect(state.diagnostics.count == 1)
        #expect(diagnostic.path == "desired-state/requests/\(name)")
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.message.contains(message), "\(diagnostic.message)")
        #expect(state.requests.count == (hasEntry ? 1 : 0))
        if hasEntry { #expect(state.requests.values.first?.spec == nil) }
    }

    @Test("files whose name starts with a dot are ignored")
    func dotFilesIgnored() {
        let state = DesiredStateParser.parse(
            snapshot(
                requests: [
                    file(".gitkeep", ""), file(".draft.json", "{"), FileEntry(name: ".git", content: .symbolicLink),
                ],
                templates: [file(".keep", "\u{FF}")]
            )
        )
        #expect(state.diagnostics.isEmpty)
        #expect(state.requests.isEmpty)
    }

    @Test("two files for one requester give a warning on the later one, case-insensitively")
    func duplicateRequesterWarns() throws {
        let state = DesiredStateParser.parse(
            snapshot(requests: [request("b.json", requester: "OctoCat"), request("a.json", requester: "octocat")])
        )
        #expect(!state.hasErrors)
        #expect(state.requests.values.allSatisfy { $0.spec != nil })
        let warning = try #require(state.diagnostics.first)
        #expect(state.diagnostics.count == 1)
        #expect(warning.severity == .warning)
        #expect(warning.path == "desired-state/requests/b.json")
        #expect(warning.field == "requester")
        #expect(
            warning.description.hasPrefix(
                "desired-state/requests/b.json: warning: requester: \"OctoCat\" also asks in requests/a.json"
            )
        )
    }

    @Test("lease over the pool's maxLease makes the request invalid")
    func leaseOverMaxLease() throws {
        let state = DesiredStateParser.parse(snapshot(requests: [request("a.json", extra: #", "lease": "30d""#)]))
        #expect(state.requests[RequestID("a")!]?.spec == nil)
        #expect(
            descriptions(state) == [
                #"desired-state/requests/a.json:1:53: lease: "30d" is longer than the pool's maxLease "14d"; ask for at most 14d"#
            ]
        )
    }

    @Test("a missing requests/ is no error but is reported as missing")
    func missingRequestsDirectory() {
        var snapshot = snapshot()
        snapshot.requestsDirectory = .missing
        let state = DesiredStateParser.parse(snapshot)
        #expect(state.diagnostics.isEmpty)
        #expect(!state.requestsDirectoryExists)
    }

    @Test("a requests/ that is a link is an error and counts as missing")
    func linkedRequestsDirectory() throws {
        var snapshot = snapshot()
        snapshot.requestsDirectory = .symbolicLink
        let state = DesiredStateParser.parse(snapshot)
        #expect(!state.requestsDirectoryExists)
        #expect(state.diagnostics.first?.path == "desired-state/requests")
        #expect(state.diagnostics.first?.message.contains("symbolic link") == true)
    }

    @Test("templates named after an event are read; a leading BOM is dropped")
    func templates() {
        let state = DesiredStateParser.parse(
            snapshot(
                templates: [
                    file("ready.md", "Hi {{requester}}: {{outputs.BucketName}} until {{expires}}"),
                    FileEntry(name: "queued.md", content: .bytes([0xEF, 0xBB, 0xBF] + Array("#{{position}}".utf8))),
                ]
            )
        )
        #expect(state.diagnostics.isEmpty)
        #expect(state.templates[.ready] == "Hi {{requester}}: {{outputs.BucketName}} until {{expires}}")
        #expect(state.templates[.queued] == "#{{position}}")
    }

    @Test("a template naming an output pool.json's outputs does not list is an error naming the file and the output")
    func templateNamesUnlistedOutput() {
        let pool =
            #"{"capacity": 1, "product": {"productId": "prod-a", "provisioningArtifactId": "pa-a"}, "#
            + #""outputs": ["BucketName"]}"#
        let state = DesiredStateParser.parse(
            snapshot(
                pool: .bytes(Array(pool.utf8)),
                templates: [file("ready.md", "{{outputs.BucketName}} {{outputs.Region}}, again {{outputs.Region}}")]
            )
        )
        #expect(state.templates[.ready] == nil)
        #expect(state.diagnostics.count == 1)
        let diagnostic = state.diagnostics.first
        #expect(diagnostic?.path == "desired-state/templates/ready.md")
        #expect(diagnostic?.message.contains("{{outputs.Region}} names output \"Region\"") == true)
        #expect(diagnostic?.message.contains("add \"Region\" to \"outputs\" in pool.json") == true)

        // A pool that lists no outputs shows them all: any key may be named.
        let open = DesiredStateParser.parse(snapshot(templates: [file("ready.md", "{{outputs.Anything}}")]))
        #expect(open.diagnostics.isEmpty)
        #expect(open.templates[.ready] != nil)
    }

    @Test(
        "a bad template is an error naming it",
        arguments: [
            ("hello.md", FileContent.bytes([]), "unknown template \"hello.md\""),
            ("ready.txt", .bytes([]), "unknown template"),
            ("ready.md", .bytes(Array("Hi {{user}}".utf8)), "unknown placeholder {{user}}"),
            ("ready.md", .bytes(Array("a\nb".utf8) + [0xC3]), "invalid UTF-8"),
            ("ready.md", .symbolicLink, "symbolic link"),
            ("ready.md", .tooLarge(size: 65_537), "65537 bytes"),
            ("ready.md", .bytes(Array(repeating: 0x61, count: 65_537)), "65537 bytes"),
        ]
    )
    func badTemplates(name: String, content: FileContent, message: String) throws {
        let state = DesiredStateParser.parse(snapshot(templates: [FileEntry(name: name, content: content)]))
        #expect(state.templates.isEmpty)
        let diagnostic = try #require(state.diagnostics.first)
        #expect(diagnostic.path == "desired-state/templates/\(name)")
        #expect(diagnostic.message.contains(message), "\(diagnostic.message)")
    }

    @Test("invalid UTF-8 in a template is reported at its line and column")
    func templateUTF8Position() throws {
        let state = DesiredStateParser.parse(
            snapshot(templates: [FileEntry(name: "ended.md", content: .bytes(Array("ok\nbad ".utf8) + [0xFF]))])
        )
        let diagnostic = try #require(state.diagnostics.first)
        #expect(diagnostic.line == 2 && diagnostic.column == 5)
    }

    @Test("diagnostics come in a stable order: pool, requests by name, templates by name")
    func stableOrder() {
        let state = DesiredStateParser.parse(
            snapshot(
                pool: .bytes(Array("[]".utf8)),
                requests: [file("z.json", "{"), file("a.json", "{")],
                templates: [file("x.md", ""), file("b.md", "")]
            )
        )
        #expect(
            state.diagnostics.map(\.path) == [
                "desired-state/pool.json", "desired-state/requests/a.json", "desired-state/requests/z.json",
                "desired-state/templates/b.md", "desired-state/templates/x.md",
            ]
        )
    }

    @Test(
        "paths start with the directory as the user named it",
        arguments: [
            ("desired-state", "desired-state/requests/a.json"), ("./x/ds/", "./x/ds/requests/a.json"),
            ("/srv/ds", "/srv/ds/requests/a.json"),
        ]
    )
    func displayPaths(directory: String, expected: String) {
        var snapshot = snapshot(requests: [file("a.json", "{")])
        snapshot.displayPath = directory
        #expect(DesiredStateParser.parse(snapshot).diagnostics.map(\.path) == [expected])
    }

    @Test("the repository path of a request file joins the prefix")
    func repositoryPath() {
        var state = DesiredState(pool: nil, repositoryPathPrefix: "deploy/ds")
        #expect(state.repositoryPath(for: RequestID("a")!) == "deploy/ds/requests/a.json")
        state.repositoryPathPrefix = ""
        #expect(state.repositoryPath(for: RequestID("a")!) == "requests/a.json")
    }

    @Test(
        "GitHub logins: 1 to 39 letters, digits or single hyphens, not at either end",
        arguments: [
            ("octocat", true), ("Octo-Cat", true), ("a", true), ("0", true), (String(repeating: "a", count: 39), true),
            ("", false), (String(repeating: "a", count: 40), false), ("-a", false), ("a-", false), ("a--b", false),
            ("a_b", false), ("a.b", false), ("é", false),
        ]
    )
    func gitHubLogins(login: String, valid: Bool) {
        #expect(GitHubLogin.isValid(login) == valid)
    }
}
