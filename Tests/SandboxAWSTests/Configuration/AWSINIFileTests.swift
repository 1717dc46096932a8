import Testing

@testable import SandboxAWS

/// Expected values come from botocore 1.43.11's `configloader.raw_config_parse` / `build_profile_map` run on the
/// same text.
@Suite("Shared file parsing (botocore's INI)")
struct AWSINIFileTests {
    private func parse(_ text: String) throws -> AWSINIFile {
        try AWSINIFile(parsing: text, path: "/home/test/.aws/config")
    }

    private func strings(_ section: AWSINISection?) -> [String: String] {
        (section?.values ?? [:]).compactMapValues(\.string)
    }

    @Test("indentation before the first option, ':' delimiters, comments, lowercased keys")
    func basicSyntax() throws {
        let file = try parse(
            "[default]\n  region = us-east-1\n  output: json\n\t# comment\n; other\nKey With Space = v a l\n"
        )
        #expect(strings(file["default"]) == ["region": "us-east-1", "output": "json", "key with space": "v a l"])
    }

    @Test("a value starting empty and continued is a nested block; other continuations join with newlines")
    func nestedBlocksAndContinuations() throws {
        let file = try parse(
            "[profile a]\ns3 =\n  addressing_style = path\n\n  Signature_Version=s3v4\nregion=x\n  continued\n"
        )
        let section = try #require(file["profile a"])
        #expect(section.values["s3"] == .nested(["addressing_style": "path", "Signature_Version": "s3v4"]))
        #expect(section.values["region"] == .string("x\ncontinued"))
    }

    @Test("only whole-line comments exist; a header ends at its last ']'")
    func inlineTextIsKept() throws {
        let file = try parse("[default] ; trailing\nregion = a ; not a comment\n[x]]\nk = v\n")
        #expect(strings(file["default"]) == ["region": "a ; not a comment"])
        #expect(strings(file["x]"]) == ["k": "v"])
    }

    @Test("CRLF and CR line endings")
    func lineEndings() throws {
        let file = try parse("[default]\r\nregion = crlf\r\n[profile m]\rregion = cr\r")
        #expect(strings(file["default"]) == ["region": "crlf"])
        #expect(strings(file["profile m"]) == ["region": "cr"])
    }

    @Test("[DEFAULT] is inherited by every section and may appear twice")
    func defaultSection() throws {
        let file = try parse("[DEFAULT]\nregion = d\n[DEFAULT]\noutput = j\n[default]\noutput = t\n[profile p]\n")
        #expect(file.sections.map(\.name) == ["default", "profile p"])
        #expect(strings(file["default"]) == ["region": "d", "output": "t"])
        #expect(strings(file["profile p"]) == ["region": "d", "output": "j"])
    }

    @Test("values split at the first '=' or ':' only")
    func firstDelimiter() throws {
        let file = try parse("[default]\nendpoint_url = http://localhost:4566\nurl: a=b:c\nregion =\n")
        #expect(strings(file["default"]) == ["endpoint_url": "http://localhost:4566", "url": "a=b:c", "region": ""])
    }

    @Test(
        "botocore rejects these files, and so do we",
        arguments: [
            ("[profile a]\nregion = 1\n[profile a]\nregion = 2\n", "line 3: section [profile a] appears twice"),
            ("[profile a]\nregion = 1\nRegion = 2\n", "line 3: key \"region\" appears twice in section [profile a]"),
            ("region = 1\n[default]\n", "line 1: \"region = 1\" comes before any [section] header"),
            ("# leading comment\n\n[default]\nno delimiter here\n", "line 4: \"no delimiter here\" is not a section"),
            ("[default]\ns3 =\n  no equals here\n", "the nested line \"no equals here\" under \"s3 =\" has no \"=\""),
            ("[default]\n=novalue\n", "line 2: \"=novalue\" has no key before the \"=\""),
            ("[default]\n[]\n", "line 2: \"[]\" is not a section header"),
        ]
    )
    func malformedFiles(text: String, expectedMessage: String) {
        #expect {
            try parse(text)
        } throws: { error in
            guard let error = error as? AWSConfigurationError else { return false }
            return error.code == .malformedFile && error.message.hasPrefix("/home/test/.aws/config")
                && error.message.contains(expectedMessage)
        }
    }

    @Test("profile section names go through shlex, and only two-word names count")
    func profileNames() throws {
        let text = """
            [profile "my name"]
            region = q
            [profile  spaced ]
            region = s
            [ profile x]
            region = nope
            [profilex y]
            region = quirk
            [profile a b]
            region = three
            [profile 'unclosed]
            region = u
            [profile]
            region = p
            [services s]
            service_catalog =
              endpoint_url = http://h:1
            [sso-session x]
            sso_region = us-east-1
            [sso-session "my corp"]
            sso_start_url = https://corp.awsapps.com/start
            """
        let shared = AWSSettings(
            configFile: try parse(text),
            credentialsFile: AWSINIFile(path: "/k")
        )
        #expect(Set(shared.profiles.keys) == ["my name", "spaced", "y"])
        #expect(shared.services["s"]?["service_catalog"] == .nested(["endpoint_url": "http://h:1"]))
        #expect(Set(shared.ssoSessions.keys) == ["x", "my corp"])
    }

    @Test("[default] and [profile default] are the same profile; the later section wins")
    func defaultProfileSpellings() throws {
        let first = AWSSettings(
            configFile: try parse("[default]\nregion = us-east-1\n[profile default]\nregion = eu-west-1\n"),
            credentialsFile: AWSINIFile(path: "/k")
        )
        #expect(first.profile("default").string("region") == "eu-west-1")
        let second = AWSSettings(
            configFile: try parse("[profile default]\nregion = eu-west-1\n[default]\nregion = us-east-1\n"),
            credentialsFile: AWSINIFile(path: "/k")
        )
        #expect(second.profile("default").string("region") == "us-east-1")
    }

    @Test("credentials-file sections are merged over config-file profiles; [profile x] there is not profile x")
    func credentialsFileMerge() throws {
        let shared = AWSSettings(
            configFile: try parse("[profile dev]\nregion = eu-west-1\noutput = json\n"),
            credentialsFile: try parse("[dev]\nregion = us-west-2\n[profile other]\nregion = x\n")
        )
        #expect(shared.profile("dev").string("region") == "us-west-2")
        #expect(shared.profile("dev").string("output") == "json")
        #expect(shared.profiles["other"] == nil)
        #expect(shared.profiles["profile other"] != nil)
    }

    @Test(
        "shlex splitting",
        arguments: [
            ("profile a", ["profile", "a"] as [String]?),
            ("profile \"a b\"", ["profile", "a b"]),
            ("profile 'a \"b'", ["profile", "a \"b"]),
            ("profile a\\ b", ["profile", "a b"]),
            ("profile \"a\\\"b\"", ["profile", "a\"b"]),
            ("profile \"a\\nb\"", ["profile", "a\\nb"]),
            ("profile ''", ["profile", ""]),
            ("profile 'open", nil),
            ("profile a\\", nil),
        ]
    )
    func shellWords(text: String, expected: [String]?) {
        #expect(AWSSettings.shellWords(text) == expected)
    }
}
