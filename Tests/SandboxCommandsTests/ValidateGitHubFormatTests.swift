import Foundation
import SandboxCore
import Testing

@testable import SandboxCommands

/// `sandboxd validate --format github`: the pull-request check's annotations (docs/behaviour.md §4.1).
@Suite("validate --format github")
struct ValidateGitHubFormatTests {
    /// A git work tree (`repo/.git`) whose desired state is `repo/deploy/ds`, with these request files.
    private func makeRepository(_ requests: [String: String]) throws -> (TemporaryDirectory, root: String) {
        let directory = try TemporaryDirectory()
        try directory.createDirectory("repo/.git")
        try directory.write("repo/deploy/ds/pool.json", ValidateCommandTests.pool)
        try directory.createDirectory("repo/deploy/ds/requests")
        for (name, text) in requests { try directory.write("repo/deploy/ds/requests/\(name)", text) }
        return (directory, directory.path("repo/deploy/ds"))
    }

    @Test("an invalid request file is an ::error at its path from the repository's root, line and column")
    func invalidRequestIsAnError() async throws {
        let (directory, root) = try makeRepository([
            "malformed.json": "{\n  \"requester\": \"alice\",\n  \"pullRequest\": 7\n  \"lease\": \"3d\"\n}\n",
            "Bad_Id.json": #"{"requester": "erin", "pullRequest": 11}"#,
            "good.json": #"{"requester": "octocat", "pullRequest": 42}"#,
        ])
        defer { directory.remove() }

        let (status, captured) = await runSandboxd(["validate", "--format", "github", "--desired-state", root])

        #expect(status == 1)
        #expect(captured.lines.count == 2, "\(captured.stdout)")
        #expect(
            captured.lines.first?.hasPrefix(
                #"::error file=deploy/ds/requests/Bad_Id.json,title=sandboxd validate::"Bad_Id" is not a valid"#
            ) == true,
            "\(captured.stdout)"
        )
        #expect(
            captured.lines.last
                == "::error file=deploy/ds/requests/malformed.json,line=4,col=3,title=sandboxd validate::unexpected"
                + #" '"'; expected ',' or '}' after the value of "pullRequest" (a comma is missing)"#,
            "\(captured.stdout)"
        )
        #expect(captured.stderr == "\(root): invalid (2 errors)\n")
    }

    @Test("a warning is a ::warning, and validate still exits 0 with its summary")
    func warningIsAWarning() async throws {
        let (directory, root) = try makeRepository([
            "first.json": #"{"requester": "octocat", "pullRequest": 1}"#,
            "second.json": #"{"requester": "OctoCat", "pullRequest": 2}"#,
        ])
        defer { directory.remove() }

        let (status, captured) = await runSandboxd(["validate", "--format=github", "--desired-state", root])

        #expect(status == 0)
        #expect(
            captured.lines == [
                #"::warning file=deploy/ds/requests/second.json,title=sandboxd validate::requester: "OctoCat" also"#
                    + " asks in requests/first.json; one requester has one live sandbox at a time, so this request"
                    + " will be rejected while that one is live: remove one of the two files",
                "\(root): valid (pool: capacity 2, 2 requests; 1 warning)",
            ]
        )
        #expect(captured.stderr.isEmpty)
    }

    @Test("paths are from the work tree's root when the desired state is that root, and as given outside a work tree")
    func pathsOutsideAndAtTheRoot() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.createDirectory("repo/.git")
        for base in ["repo", "plain/desired-state"] {
            try directory.write("\(base)/pool.json", ValidateCommandTests.pool)
            try directory.write("\(base)/requests/a.json", #"{"requester": "alice", "pullRequest": "1"}"#)
        }
        let prefix = "::error file="
        let suffix = ",line=1,col=39,title=sandboxd validate::pullRequest: expected the pull request's number"

        let (rootStatus, atRoot) = await runSandboxd([
            "validate", "--format", "github", "--desired-state", directory.path("repo") + "/",
        ])
        #expect(rootStatus == 1)
        #expect(atRoot.lines.first?.hasPrefix("\(prefix)requests/a.json\(suffix)") == true, "\(atRoot.stdout)")

        let plain = directory.path("plain/desired-state")
        let (plainStatus, outside) = await runSandboxd(["validate", "--format", "github", "--desired-state", plain])
        #expect(plainStatus == 1)
        let escapedPlain = plain.replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
        #expect(
            outside.lines.first?.hasPrefix("\(prefix)\(escapedPlain)/requests/a.json\(suffix)") == true,
            "\(outside.stdout)"
        )
    }

    @Test("no file name or value can forge a workflow command: each line is one annotation that reads back as written")
    func contributorsCannotForgeCommands() async throws {
        let (directory, root) = try makeRepository([
            "forge-value.json": #"{"requester": "::warning::%0A,x", "pullRequest": 1}"#,
            "forge-key.json":
                #"{"requester": "bob", "pullRequest": 2, "x\n::error file=a::forged,\r\n%0A\u001b[31m\u2028": 1}"#,
            "evil\n::add-mask::x.txt": "",
            "evil\r::set-output name=a::b.txt": "",
            "a,b:c%25.json": "{}",
        ])
        defer { directory.remove() }

        let (status, captured) = await runSandboxd(["validate", "--format", "github", "--desired-state", root])

        #expect(status == 1)
        // Nothing but the line feeds that end our lines can break a line as the runner reads it.
        let breaks = captured.stdout.unicodeScalars.filter { $0 != "\n" && isLineBreakOrControl($0) }
        #expect(breaks.isEmpty, "\(captured.stdout)")
        let commands = captured.lines.map { WorkflowCommand($0) }
        #expect(commands.count == 5, "\(captured.stdout)")
        for (line, command) in zip(captured.lines, commands) {
            #expect(line.hasPrefix("::error ") || line.hasPrefix("::warning "), "\(line)")
            // The command's name and properties hold no ':' at all, so the `::` that ends them is the
            // first after the leading one: whatever the message holds, `::` included, is only its text.
            let info = line.dropFirst(2).prefix { $0 != ":" }
            #expect(line.dropFirst(2 + info.count).hasPrefix("::"), "\(line)")
            #expect(
                Set(command.map { Array($0.properties.keys) } ?? []).isSubset(of: ["file", "line", "col", "title"])
            )
            #expect(command?.properties["title"] == "sandboxd validate", "\(line)")
        }
        let byFile = Dictionary(
            commands.compactMap { command in command.map { ($0.properties["file"] ?? "", $0) } },
            uniquingKeysWith: { first, _ in first }
        )
        // The runner gets back the very names of the files, newlines and all, inside one annotation each.
        #expect(byFile["deploy/ds/requests/evil\n::add-mask::x.txt"]?.name == "error")
        #expect(byFile["deploy/ds/requests/evil\r::set-output name=a::b.txt"]?.name == "error")
        #expect(byFile["deploy/ds/requests/a,b:c%25.json"]?.message.hasPrefix(#""a,b:c%25" is not"#) == true)
        #expect(
            byFile["deploy/ds/requests/forge-value.json"]?.message.hasPrefix(#"requester: "::warning::%0A,x""#) == true
        )
        let forgedKey = byFile["deploy/ds/requests/forge-key.json"]
        #expect(forgedKey?.message.hasPrefix("x\n::error file=a::forged,\r\n%0A%1B[31m%E2%80%A8: unknown key") == true)
        #expect(forgedKey?.properties["line"] == "1")
        #expect(forgedKey?.properties["col"] == "40")
        #expect(captured.stderr == "\(root): invalid (5 errors)\n")
    }

    @Test("in the text format too, a contributor's file names and keys cannot start a line of their own")
    func textCannotBeForged() async throws {
        let (directory, root) = try makeRepository([
            "forge-key.json": #"{"requester": "bob", "pullRequest": 2, "x\n::error file=a::forged\u001b[31m": 1}"#,
            "evil\n::add-mask::x.txt": "",
            "fake\nrequests: valid.txt": "",
        ])
        defer { directory.remove() }
        let (status, captured) = await runSandboxd(["validate", "--desired-state", root])
        #expect(status == 1)
        #expect(captured.lines.count == 3, "\(captured.stdout)")
        #expect(captured.lines.allSatisfy { $0.hasPrefix(root + "/requests/") }, "\(captured.stdout)")
        #expect(!captured.stdout.unicodeScalars.contains { $0 != "\n" && isLineBreakOrControl($0) })
        #expect(captured.stdout.contains(#"evil\u{A}::add-mask::x.txt"#), "\(captured.stdout)")
    }

    @Test(
        "--format takes text or github; anything else is a usage error naming them",
        arguments: ["bogus", "GitHub", ""]
    )
    func badFormatIsAUsageError(value: String) async throws {
        let (status, captured) = await runSandboxd(["validate", "--format=\(value)"])
        #expect(status == 64)
        #expect(captured.stdout.isEmpty)
        let expected =
            value.isEmpty
            ? "sandboxd: error: missing value for --format FORMAT\n"
            : "sandboxd: error: --format: '\(value)' is not a format; use text or github\n"
        #expect(captured.stderr == expected + "Run 'sandboxd validate --help' for usage.\n")
    }

    @Test("--format text is the default, and --format belongs to validate alone")
    func textIsTheDefault() async throws {
        let (directory, root) = try makeRepository(["a.json": #"{"requester": "alice", "pullRequest": "1"}"#])
        defer { directory.remove() }
        let (defaultStatus, byDefault) = await runSandboxd(["validate", "--desired-state", root])
        let (textStatus, text) = await runSandboxd(["validate", "--format", "text", "--desired-state", root])
        #expect(defaultStatus == 1)
        #expect(textStatus == 1)
        #expect(byDefault.stdout == text.stdout)
        #expect(text.lines.first?.hasPrefix("\(root)/requests/a.json:1:39: pullRequest: ") == true)

        let (planStatus, plan) = await runSandboxd(["plan", "--format", "github"])
        #expect(planStatus == 64)
        #expect(plan.stderr.hasPrefix("sandboxd: error: unknown option '--format' for 'plan' (it belongs to validate)"))
    }

    @Test("escaping: % CR LF everywhere, : and , in properties, other controls as %XX of their UTF-8 bytes")
    func escaping() {
        #expect(GitHubAnnotation.escapedMessage("100% done\r\nnext: a, b :: c") == "100%25 done%0D%0Anext: a, b :: c")
        #expect(GitHubAnnotation.escapedProperty("a:b,c%d\ne\r") == "a%3Ab%2Cc%25d%0Ae%0D")
        #expect(
            GitHubAnnotation.escapedMessage("\t\u{0}\u{1B}\u{7F}\u{85}\u{9F}\u{2028}\u{2029}\u{202E}\u{2066}")
                == "%09%00%1B%7F%C2%85%C2%9F%E2%80%A8%E2%80%A9%E2%80%AE%E2%81%A6"
        )
        #expect(GitHubAnnotation.escapedMessage("café 🚀 ✓") == "café 🚀 ✓")

        let positioned = Diagnostic(path: "ds/requests/a.json", field: "lease", line: 3, column: 12, message: "bad")
        #expect(
            GitHubAnnotation(positioned, file: "ds/requests/a.json").command
                == "::error file=ds/requests/a.json,line=3,col=12,title=sandboxd validate::lease: bad"
        )
        let warning = Diagnostic(.warning, path: "x", message: "careful\n::error::no")
        #expect(
            GitHubAnnotation(warning, file: "x, y: z").command
                == "::warning file=x%2C y%3A z,title=sandboxd validate::careful%0A::error::no"
        )
    }
}

/// Whether the runner, or a log viewer, could take the scalar for the end of a line or a control.
private func isLineBreakOrControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .control, .lineSeparator, .paragraphSeparator: return true
    default: return scalar.properties.isBidiControl
    }
}

/// A workflow command read back as the GitHub Actions runner reads one (`ActionCommand.TryParseV2`):
/// `::NAME PROPERTIES::DATA`, the properties split at `,` then at the first `=`, and unescaped.
private struct WorkflowCommand {
    var name: String
    var properties: [String: String] = [:]
    var message: String

    init?(_ line: String) {
        guard line.hasPrefix("::"), let end = line.dropFirst(2).range(of: "::") else { return nil }
        let info = line[line.index(line.startIndex, offsetBy: 2)..<end.lowerBound]
        let parts = info.split(separator: " ", maxSplits: 1)
        name = parts.first.map(String.init) ?? ""
        if parts.count == 2 {
            for property in parts[1].split(separator: ",") {
                let pair = property.split(separator: "=", maxSplits: 1)
                if pair.count == 2 {
                    properties[String(pair[0])] = Self.unescape(
                        pair[1],
                        ["%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ","]
                    )
                }
            }
        }
        message = Self.unescape(line[end.upperBound...], ["%0D": "\r", "%0A": "\n"])
    }

    /// The runner's order: each escape in turn, `%25` last.
    private static func unescape(_ text: Substring, _ mappings: KeyValuePairs<String, String>) -> String {
        var result = String(text)
        for (escape, character) in mappings { result = result.replacingOccurrences(of: escape, with: character) }
        return result.replacingOccurrences(of: "%25", with: "%")
    }
}
