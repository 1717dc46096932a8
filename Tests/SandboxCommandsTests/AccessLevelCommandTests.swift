import Foundation
import SandboxHTTP
import SandboxTesting
import Testing

/// docs/behaviour.md §3.14 through the commands: the level AWS answers at is found once, kept in the state
/// directory, logged once and shown by `status` (a process of its own, which never calls AWS).
@Suite("the AWS access level through the commands")
struct AccessLevelCommandTests {
    static let credentials = SigV4Verifier.Credentials(accessKeyId: "AKIDENDUSER", secretAccessKey: "end/user/secret")

    @Test("a principal allowed only the User level converges a pool of 3; status shows it, the log tells it once")
    func userLevel() async throws {
        let directory = try TemporaryDirectory()
        let userOnly = FakeServiceCatalogServer.Principal(
            userArn: "arn:aws:sts::123456789012:assumed-role/EndUser/sandboxd",
            roleArn: "arn:aws:iam::123456789012:role/EndUser",
            accessLevels: ["User"]
        )
        let catalog = try FakeServiceCatalogServer(
            .init(credentials: [Self.credentials], principals: [Self.credentials.accessKeyId: userOnly])
        )
        let github = try FakeGitHubServer()
        defer {
            catalog.stop()
            github.stop()
            directory.remove()
        }
        try directory.write(
            "desired/pool.json",
            #"{"capacity": 3, "product": {"productId": "prod-sandbox000001", "provisioningArtifactId": "pa-sandbox000001"}}"#
        )
        for (index, login) in ["alice", "bob", "carol"].enumerated() {
            let path = "desired/requests/\(login)-sbx.json"
            try directory.write(path, #"{"requester": "\#(login)", "pullRequest": \#(index + 1)}"#)
            let id = Int64(101 + index)
            github.addAccount(.init(id: id, login: login, createdAt: Date(timeIntervalSinceNow: -400 * 86_400)))
            github.addPullRequest(
                .init(number: index + 1, authorID: id, files: [.init("desired-state/" + path.dropFirst(8))])
            )
        }
        let environment = FakeRemoteEnvironment.variables(
            catalog: catalog,
            github: github,
            credentials: Self.credentials,
            scratch: directory.path(".")
        )
        let arguments = ["--desired-state", directory.path("desired"), "--state-dir", directory.path("state")]
        var logs = ""
        var json = ""
        for _ in 0..<8 {
            let run = try await runCommand(sandboxdExecutable.path, ["reconcile"] + arguments, environment: environment)
            logs += run.errorOutput
            json = await runSandboxd(["status", "--json"] + arguments, environment: environment).output.stdout
            if json.components(separatedBy: "\"state\": \"active\"").count == 4 { break }
        }
        #expect(json.components(separatedBy: "\"state\": \"active\"").count == 4, "\(json)\n\(logs)")
        #expect(json.contains("\"awsAccessLevel\": \"User\""), "\(json)")
        let table = await runSandboxd(["status"] + arguments, environment: environment).output.stdout
        #expect(table.contains("AWS access level: User (sees only the products its own principal launched"), "\(table)")
        let told = logs.components(separatedBy: "answers listings at the User access level").count - 1
        #expect(told == 1, "\(logs)")
        #expect(catalog.violations.isEmpty)
    }
}
