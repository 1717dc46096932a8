import Foundation
import SandboxHTTP
import SandboxTesting
import Testing

/// `sandboxd` with the credential setups people run on their machines: `credential_process` (aws-vault, granted,
/// 1Password) and an IAM Identity Center (SSO) login, against the fakes over loopback.
@Suite("the commands with credential_process and SSO credentials")
struct AWSCredentialsCommandTests {
    /// The scene's environment with the AWS keys replaced by `AWS_PROFILE=sandbox` in a config file in the scene.
    func environment(_ scene: RemoteModeCommandTests.Scene, config: String) throws -> [String: String] {
        try scene.directory.write(".aws/config", config)
        var environment = scene.environment
        environment["AWS_ACCESS_KEY_ID"] = nil
        environment["AWS_SECRET_ACCESS_KEY"] = nil
        environment["HOME"] = scene.directory.path
        environment["AWS_CONFIG_FILE"] = scene.directory.path(".aws/config")
        environment["AWS_PROFILE"] = "sandbox"
        return environment
    }

    @Test(
        "reconcile takes its keys from a credential_process, which runs without a shell and whose output is not shown"
    )
    func credentialProcess() async throws {
        let scene = try RemoteModeCommandTests.Scene()
        defer { scene.stop() }
        let keys = RemoteModeCommandTests.credentials
        try scene.directory.write(
            "bin/vault helper",
            "#!/bin/sh\necho \"$1 $2\" > \"$(dirname \"$0\")/arguments\"\n"
                + #"echo '{"Version": 1, "AccessKeyId": "\#(keys.accessKeyId)", "SecretAccessKey": "\#(keys.secretAccessKey)"}'"#
                + "\n"
        )
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o755],
            ofItemAtPath: scene.directory.path("bin/vault helper")
        )
        let environment = try environment(
            scene,
            config:
                "[profile sandbox]\ncredential_process = '\(scene.directory.path("bin/vault helper"))' exec 'sandbox admin'\n"
        )
        var outputs = ""
        for _ in 0..<4 {
            let (status, output) = await runSandboxd(["reconcile"] + scene.arguments, environment: environment)
            #expect(status == 0, "\(output.stderr)")
            outputs += output.stdout + output.stderr
        }
        #expect(scene.github.comments(on: 1).contains { $0.body.contains("<!-- sandboxd:alice-sbx:ready -->") })
        #expect(scene.catalog.violations.isEmpty)
        #expect(!outputs.contains(keys.secretAccessKey))
        let arguments = try String(contentsOfFile: scene.directory.path("bin/arguments"), encoding: .utf8)
        #expect(arguments == "exec sandbox admin\n")
    }

    @Test("an expired SSO login stops reconcile at start with one line saying to run aws sso login; nothing changes")
    func expiredSSOLogin() async throws {
        let scene = try RemoteModeCommandTests.Scene()
        defer { scene.stop() }
        let environment = try environment(
            scene,
            config: """
                [profile sandbox]
                sso_session = corp
                sso_account_id = 111122223333
                sso_role_name = SandboxdProvisioner
                [sso-session corp]
                sso_start_url = https://corp.awsapps.com/start
                sso_region = eu-west-1
                """
        )
        // sha1("corp"): the AWS CLI's cache file for the session.
        try scene.directory.write(
            ".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json",
            #"{"accessToken": "expired-access-token", "expiresAt": "2020-01-01T00:00:00Z"}"#
        )
        let (status, output) = await runSandboxd(["reconcile"] + scene.arguments, environment: environment)
        #expect(status == 1)
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(output.stderr)")
        #expect(
            output.stderr.contains(
                "the SSO session for profile sandbox has expired: run aws sso login --profile sandbox"
            ),
            "\(output.stderr)"
        )
        #expect(!output.stderr.contains("expired-access-token"))
        #expect(!FileManager.default.fileExists(atPath: scene.directory.path("state/journal")))
        #expect(scene.catalog.requests.isEmpty)
    }
}
