import SandboxCommands
import Testing

/// The acceptance test of the desired-state issue: `sandboxd validate` on a real directory.
@Suite("validate")
struct ValidateCommandTests {
    static let pool = """
        {
          "capacity": 2,
          "maxLease": "14d",
          "product": {"productId": "prod-abcdefghijklm", "provisioningArtifactId": "pa-abcdefghijklm"}
        }
        """

    private func makeDirectory(_ requests: [String: String]) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write("desired-state/pool.json", Self.pool)
        try directory.createDirectory("desired-state/requests")
        for (name, text) in requests { try directory.write("desired-state/requests/\(name)", text) }
        return directory
    }

    @Test("each bad file gets one line naming it, the good file none, and validate exits 1")
    func badFilesAreEachReported() async throws {
        let directory = try makeDirectory([
            "good.json": #"{"requester": "octocat", "pullRequest": 42, "lease": "3d", "purpose": "Try Metaflow"}"#,
            "malformed.json": "{\n  \"requester\": \"alice\",\n  \"pullRequest\": 7\n  \"lease\": \"3d\"\n}\n",
            "duplicate.json": "{\n  \"requester\": \"bob\",\n  \"pullRequest\": 8,\n  \"requester\": \"bob\"\n}\n",
            "unknown.json": #"{"requester": "carol", "pullRequest": 9, "colour": "red"}"#,
            "wrong-type.json": #"{"requester": "dave", "pullRequest": "10"}"#,
            "Bad_Id.json": #"{"requester": "erin", "pullRequest": 11}"#,
            "bad-duration.json": #"{"requester": "frank", "pullRequest": 12, "lease": "3 days"}"#,
            "over-max.json": #"{"requester": "grace", "pullRequest": 13, "lease": "30d"}"#,
            "huge.json": "{\"requester\": \"heidi\", \"pullRequest\": 14, \"purpose\": \""
                + String(repeating: "x", count: 70 * 1024) + "\"}",
            "notes.txt": "remember the milk\n",
            ".gitkeep": "",
        ])
        defer { directory.remove() }
        try directory.write(
            "desired-state/requests/latin1.json",
            bytes: Array(#"{"requester": "ivan", "pullRequest": 15, "purpose": "caf"#.utf8) + [0xE9] + Array("\"}".utf8)
        )
        try directory.symlink(
            "desired-state/requests/link.json",
            to: directory.path("desired-state/requests/good.json")
        )

        let root = directory.path("desired-state")
        let (status, captured) = await runSandboxd(["validate", "--desired-state", root])

        #expect(status == 1)
        let expected: [(file: String, position: String?, text: String)] = [
            ("Bad_Id.json", nil, #""Bad_Id" is not a valid request id"#),
            ("bad-duration.json", ":1:52", #"lease: "3 days" is not a duration"#),
            ("duplicate.json", ":4:3", #"duplicate key "requester" (first at line 2, column 3)"#),
            ("huge.json", nil, "is 71736 bytes, over the limit of 64 KiB"),
            ("latin1.json", ":1:57", "invalid UTF-8"),
            ("link.json", nil, "symbolic link"),
            ("malformed.json", ":4:3", "expected ',' or '}'"),
            ("notes.txt", nil, "not a .json file"),
            ("over-max.json", ":1:52", #"lease: "30d" is longer than the pool's maxLease "14d"; ask for at most 14d"#),
            ("unknown.json", ":1:42", #"colour: unknown key "colour""#),
            ("wrong-type.json", ":1:38", "pullRequest: expected the pull request's number"),
        ]
        let lines = captured.lines
        #expect(lines.count == expected.count, "\(captured.stdout)")
        for (line, row) in zip(lines, expected) {
            let location = "\(root)/requests/\(row.file)\(row.position ?? ""): "
            #expect(line.hasPrefix(location), "\(line)")
            #expect(line.contains(row.text), "\(line)")
        }
        #expect(!captured.stdout.contains("good.json"))
        #expect(!captured.stdout.contains(".gitkeep"))
        #expect(captured.stderr == "\(root): invalid (11 errors)\n")
    }

    @Test("a valid directory prints a one-line summary and exits 0")
    func validDirectory() async throws {
        let directory = try makeDirectory([
            "a.json": #"{"requester": "alice", "pullRequest": 1}"#,
            "b.json": #"{"requester": "bob", "pullRequest": 2, "lease": "14d"}"#,
            "c.json": #"{"requester": "carol", "pullRequest": 3, "purpose": "demo"}"#,
            ".gitkeep": "",
        ])
        defer { directory.remove() }
        try directory.write("desired-state/templates/ready.md", "Ready, {{requester}}: {{outputs.BucketName}}")

        let root = directory.path("desired-state")
        let (status, captured) = await runSandboxd(["validate"], environment: ["SANDBOXD_DESIRED_STATE": root])
        #expect(status == 0)
        #expect(captured.stdout == "\(root): valid (pool: capacity 2, 3 requests)\n")
        #expect(captured.stderr.isEmpty)
    }

    @Test("two files for one requester are a warning, and validate still exits 0")
    func duplicateRequesterIsAWarning() async throws {
        let directory = try makeDirectory([
            "first.json": #"{"requester": "octocat", "pullRequest": 1}"#,
            "second.json": #"{"requester": "OctoCat", "pullRequest": 2}"#,
        ])
        defer { directory.remove() }
        let root = directory.path("desired-state")
        let (status, captured) = await runSandboxd(["validate", "--desired-state=\(root)"])
        #expect(status == 0)
        #expect(captured.lines.count == 2)
        #expect(captured.lines.first?.hasPrefix("\(root)/requests/second.json: warning: requester: ") == true)
        #expect(captured.lines.last == "\(root): valid (pool: capacity 2, 2 requests; 1 warning)")
    }

    @Test("a missing pool.json says where and what to do")
    func missingPool() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.createDirectory("desired-state/requests")
        let root = directory.path("desired-state")
        let (status, captured) = await runSandboxd(["validate", "--desired-state", root])
        #expect(status == 1)
        #expect(captured.stdout == "\(root)/pool.json: file not found; create it (see README \"pool.json\")\n")
    }

    @Test("a missing desired-state directory is an error")
    func missingDirectory() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (status, captured) = await runSandboxd(["validate", "--desired-state", directory.path("nope")])
        #expect(status == 1)
        #expect(
            captured.lines == [
                "\(directory.path("nope")): desired-state directory not found; create it, or name it with --desired-state DIR or SANDBOXD_DESIRED_STATE"
            ]
        )
    }
}
