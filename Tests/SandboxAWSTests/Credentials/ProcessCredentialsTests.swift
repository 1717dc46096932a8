import Foundation
import SandboxHTTP
import SandboxTesting
import SandboxLocking
import Testing

@testable import SandboxAWS

/// A `credential_process` program written by the test: a shell script (sandboxd itself runs it without a shell, as
/// botocore does), which counts its runs in `runs` beside it.
struct CredentialScript {
    let directory: URL
    let path: String

    init(_ body: String) throws {
        directory = temporaryDirectory()
        path = directory.appendingPathComponent("credential helper.sh").path
        let script = "#!/bin/sh\necho run >> \"$(dirname \"$0\")/runs\"\n\(body)\n"
        try Data(script.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    /// Prints the documented JSON, `Version` 1.
    static func printing(_ credentials: SigV4Verifier.Credentials, expiration: String? = nil) throws -> CredentialScript
    {
        var document =
            #""Version": 1, "AccessKeyId": "\#(credentials.accessKeyId)", "SecretAccessKey": "\#(credentials.secretAccessKey)""#
        if let token = credentials.sessionToken { document += #", "SessionToken": "\#(token)""# }
        if let expiration { document += #", "Expiration": "\#(expiration)""# }
        return try CredentialScript("cat <<'JSON'\n{\(document)}\nJSON")
    }

    /// The `credential_process` line: the path quoted, since it has a space.
    var configLine: String { "credential_process = \"\(path)\" --profile sandbox\n" }

    var runs: Int {
        ((try? String(contentsOfFile: directory.path + "/runs", encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

@Suite("credential_process: run without a shell, its JSON read, its secrets never shown")
struct ProcessCredentialsTests {
    static let keys = SigV4Verifier.Credentials(
        accessKeyId: "AKIAPROCESS0000001",
        secretAccessKey: "process/secret+key"
    )
    static let environment = ["PATH": "/usr/bin:/bin", "AWS_REGION": "us-east-1"]

    func provider(
        _ script: CredentialScript,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws -> any AWSCredentialsProvider {
        let resolver = makeResolver(Self.environment, config: "[default]\n" + script.configLine, now: now)
        return try resolver.resolveCredentials().provider
    }

    @Test("without Expiration the credentials are kept for the life of the process: it runs once")
    func staticCredentials() async throws {
        let script = try CredentialScript.printing(Self.keys)
        defer { script.remove() }
        let provider = try provider(script)
        let first = try await provider.credentials()
        #expect(first == AWSCredentials(accessKeyId: Self.keys.accessKeyId, secretAccessKey: Self.keys.secretAccessKey))
        #expect(try await provider.credentials() == first)
        #expect(script.runs == 1)
    }

    @Test("with Expiration they are cached until shortly before it, then the process runs again")
    func expiringCredentials() async throws {
        let script = try CredentialScript(
            """
            n=$(wc -l < "$(dirname "$0")/runs" | tr -d ' ')
            printf '{"Version": 1, "AccessKeyId": "ASIAPROCESS%s", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2030-01-01T12:00:00Z"}' "$n"
            """
        )
        defer { script.remove() }
        let expiry = Date(timeIntervalSince1970: 1_893_499_200)  // 2030-01-01T12:00:00Z
        let clock = TestClock(expiry.addingTimeInterval(-2 * 3600))
        let provider = try provider(script, now: { clock.now })
        let first = try await provider.credentials()
        #expect(first.accessKeyId == "ASIAPROCESS1")
        #expect(first.sessionToken == "t")
        #expect(first.expiration == expiry)
        clock.set(expiry.addingTimeInterval(-30 * 60))
        #expect(try await provider.credentials().accessKeyId == "ASIAPROCESS1")
        clock.set(expiry.addingTimeInterval(-10 * 60))
        #expect(try await provider.credentials().accessKeyId == "ASIAPROCESS2")
        #expect(script.runs == 2)
    }

    @Test(
        "output that is not the documented JSON is refused without being quoted",
        arguments: [
            ("echo 'AccessKeyId=AKIALEAK SecretAccessKey=LEAKEDSECRET'", "did not print a JSON credentials document"),
            (
                #"echo '{"Version": 2, "AccessKeyId": "AKIALEAK", "SecretAccessKey": "LEAKEDSECRET"}'"#,
                "without \"Version\": 1"
            ),
            (#"echo '{"Version": 1, "AccessKeyId": "AKIALEAK"}'"#, "without AccessKeyId or SecretAccessKey"),
            (
                #"echo '{"Version": 1, "AccessKeyId": "AKIALEAK", "SecretAccessKey": "LEAKEDSECRET", "Expiration": "soon"}'"#,
                "an Expiration that is not ISO 8601"
            ),
        ]
    )
    func malformedOutput(body: String, expected: String) async throws {
        let script = try CredentialScript(body)
        defer { script.remove() }
        let error = await credentialsError(try provider(script))
        #expect(error?.code == .credentialsRefused)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "no error")")
        #expect(error?.message.contains("LEAKEDSECRET") == false)
        #expect(error?.message.contains("credential_process of profile default") == true)
    }

    @Test("a failing process: its exit status and stderr's size are told, never what it wrote")
    func failingProcess() async throws {
        let script = try CredentialScript(
            """
            echo 'aws-vault: session token STDERRSECRET123 rejected' >&2
            echo '{"Version": 1, "AccessKeyId": "AKIALEAK", "SecretAccessKey": "STDOUTSECRET456"}'
            exit 3
            """
        )
        defer { script.remove() }
        let error = await credentialsError(try provider(script))
        let message = try #require(error?.message)
        #expect(message.contains("exited with status 3"), "\(message)")
        #expect(message.contains("50 bytes of standard error are not shown"), "\(message)")
        #expect(
            !message.contains("STDERRSECRET123") && !message.contains("STDOUTSECRET456")
                && !message.contains("AKIALEAK")
        )
        #expect(!message.contains("\n"))
    }

    @Test("a process that hangs is killed with what it started, once its time is up")
    func hungProcess() async throws {
        let script = try CredentialScript("/bin/sleep 30 &\necho $! > \"$(dirname \"$0\")/sleep.pid\"\nwait")
        defer { script.remove() }
        let provider = ProcessCredentialsProvider(
            profile: "default",
            executable: script.path,
            arguments: [],
            environment: Self.environment,
            timeout: .milliseconds(500)
        )
        // Ended by the timeout (the message says so), not by the script's own 30 s: no wall-clock bound here.
        let error = await credentialsError(provider)
        #expect(error?.code == .credentialsUnavailable)
        #expect(
            error?.message.contains("did not finish within 0.5 seconds and was killed") == true,
            "\(error?.message ?? "")"
        )
        // The script's own child went with it: gone, or a zombie waiting for init.
        let pid = try String(contentsOfFile: script.directory.path + "/sleep.pid", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var alive = true
        for _ in 0..<50 where alive {
            let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
            alive = stat.map { !$0.contains(") Z ") } ?? false
            if alive { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(!alive, "sleep (pid \(pid)) outlived the killed credential_process")
    }

    @Test("a program that cannot be started is reported")
    func notStartable() async throws {
        let script = try CredentialScript("")
        defer { script.remove() }
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: script.path)
        let provider = ProcessCredentialsProvider(
            profile: "p",
            executable: script.path,
            arguments: [],
            environment: [:]
        )
        let error = await credentialsError(provider)
        #expect(
            error?.message.hasPrefix("credential_process of profile p (\(script.path)) could not be started") == true
        )
    }

    @Test("as the source_profile of an assume-role profile, its keys sign STS AssumeRole")
    func sourceProfileOfAssumeRole() async throws {
        let script = try CredentialScript.printing(acceptedTestCredentials)
        defer { script.remove() }
        let sts = try FakeSTSServer(.init(callers: [acceptedTestCredentials]))
        defer { sts.stop() }
        let resolver = makeResolver(
            Self.environment.merging(["AWS_PROFILE": "sandbox", "AWS_ENDPOINT_URL_STS": sts.endpoint.absoluteString]) {
                $1
            },
            config: "[profile sandbox]\nrole_arn = arn:aws:iam::210987654321:role/sandboxd\nsource_profile = vault\n"
                + "[profile vault]\n" + script.configLine
        )
        let resolved = try resolver.resolveCredentials()
        #expect(
            resolved.description
                == "assume role arn:aws:iam::210987654321:role/sandboxd (profile sandbox) with credential_process of profile vault (\(script.path))"
        )
        let credentials = try await resolved.provider.credentials()
        #expect(credentials.accessKeyId == sts.issued.first?.accessKeyId)
        #expect(sts.violations.isEmpty)
        #expect(
            sts.requests.first?.headers["Authorization"]?.contains("Credential=\(testCredentials.accessKeyId)/") == true
        )
        #expect(script.runs == 1)
    }
}

/// The error a provider throws, if any.
func credentialsError(_ provider: any AWSCredentialsProvider) async -> AWSConfigurationError? {
    do {
        _ = try await provider.credentials()
        return nil
    } catch {
        return error
    }
}
