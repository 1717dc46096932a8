import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SandboxHTTP
import SandboxTesting
import Testing

/// The commands without `--local`: against a fake Service Catalog and a fake GitHub over loopback HTTP.
@Suite("the commands against AWS and GitHub (fakes over loopback)")
struct RemoteModeCommandTests {
    static let credentials = SigV4Verifier.Credentials(
        accessKeyId: "AKIDCOMMANDTEST",
        secretAccessKey: "c0mmand/secret"
    )

    struct Scene {
        let directory: TemporaryDirectory
        let catalog: FakeServiceCatalogServer
        let github: FakeGitHubServer

        /// - Parameters:
        ///   - productId: the pool's product.
        ///   - app: a GitHub App the fake GitHub plays (installed on the repository's owner).
        init(productId: String = "prod-sandbox000001", app: FakeGitHubServer.App? = nil) throws {
            directory = try TemporaryDirectory()
            catalog = try FakeServiceCatalogServer(.init(credentials: [RemoteModeCommandTests.credentials]))
            github = try FakeGitHubServer(app: app)
            try directory.write(
                "desired/pool.json",
                """
                {"capacity": 1, "product": {"productId": "\(productId)", "provisioningArtifactId": "pa-sandbox000001"},
                 "verification": {"minAccountAge": "30d"}}
                """
            )
            try directory.write("desired/requests/alice-sbx.json", #"{"requester": "alice", "pullRequest": 1}"#)
            github.addAccount(.init(id: 101, login: "alice", createdAt: Date(timeIntervalSinceNow: -400 * 86_400)))
            github.addPullRequest(
                .init(
                    number: 1,
                    authorID: 101,
                    files: [.init("desired-state/requests/alice-sbx.json")]
                )
            )
        }

        var environment: [String: String] {
            FakeRemoteEnvironment.variables(
                catalog: catalog,
                github: github,
                credentials: RemoteModeCommandTests.credentials,
                scratch: directory.path(".")
            )
        }

        var arguments: [String] {
            ["--desired-state", directory.path("desired"), "--state-dir", directory.path("state")]
        }

        func stop() {
            catalog.stop()
            github.stop()
            directory.remove()
        }
    }

    @Test("a request goes from pull request to a ready comment through real HTTP, with no credentials in any output")
    func wholeFlow() async throws {
        let scene = try Scene()
        defer { scene.stop() }
        var outputs = ""
        for _ in 0..<4 {
            let (status, output) = await runSandboxd(["reconcile"] + scene.arguments, environment: scene.environment)
            #expect(status == 0, "\(output.stderr)")
            outputs += output.stdout + output.stderr
        }
        let comments = scene.github.comments(on: 1)
        #expect(
            comments.map { $0.body.contains("<!-- sandboxd:alice-sbx:ready -->") } == [true],
            "\(comments.map(\.body))"
        )
        let (status, output) = await runSandboxd(
            ["status", "--json"] + scene.arguments,
            environment: scene.environment
        )
        #expect(status == 0)
        #expect(output.stdout.contains("\"state\": \"active\""))
        #expect(output.stdout.contains("\"verification\": \"verified\""))
        #expect(!outputs.contains(RemoteModeCommandTests.credentials.secretAccessKey))
        #expect(!outputs.contains(scene.github.token))
    }

    @Test("an unknown product id is reported and makes reconcile exit 1; nothing is provisioned")
    func unknownProduct() async throws {
        let scene = try Scene(productId: "prod-doesnotexist1")
        defer { scene.stop() }
        let (status, output) = await runSandboxd(["reconcile"] + scene.arguments, environment: scene.environment)
        #expect(status == 1)
        #expect(output.stderr.contains("prod-doesnotexist1") || output.stderr.contains("product"), "\(output.stderr)")
        #expect(!scene.catalog.requests.contains { $0.headers["X-Amz-Target"]?.hasSuffix(".ProvisionProduct") == true })
    }

    @Test(
        "a token GitHub refuses (401) makes reconcile exit 1 with one line naming the token setting; nothing is provisioned"
    )
    func refusedToken() async throws {
        let scene = try Scene()
        defer { scene.stop() }
        var environment = scene.environment
        environment["GITHUB_TOKEN"] = "revoked-token-0000"
        let (status, output) = await runSandboxd(["reconcile"] + scene.arguments, environment: environment)
        #expect(status == 1, "\(output.stderr)")
        let lines = output.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }
        #expect(lines.count == 1, "\(output.stderr)")
        #expect(lines.first?.contains("GITHUB_TOKEN") == true, "\(output.stderr)")
        #expect(lines.first?.contains("--github-token-file") == true, "\(output.stderr)")
        #expect(!output.stderr.contains("revoked-token-0000"))
        #expect(!scene.catalog.requests.contains { $0.headers["X-Amz-Target"]?.hasSuffix(".ProvisionProduct") == true })
        let (_, statusJSON) = await runSandboxd(["status", "--json"] + scene.arguments, environment: environment)
        #expect(statusJSON.stdout.contains("\"state\": \"pending\""), "\(statusJSON.stdout)")
        let (_, statusTable) = await runSandboxd(["status"] + scene.arguments, environment: environment)
        #expect(statusTable.stdout.contains("[github-token-refused]"), "\(statusTable.stdout)")
    }

    @Test("a GitHub answering 5xx makes reconcile exit 1 naming the outage; the request stays pending, unprovisioned")
    func githubOutage() async throws {
        let scene = try Scene()
        defer { scene.stop() }
        scene.github.failNext(50, status: 503)
        let (status, output) = await runSandboxd(["reconcile"] + scene.arguments, environment: scene.environment)
        #expect(status == 1, "\(output.stderr)")
        #expect(output.stderr.contains("503"), "\(output.stderr)")
        #expect(!scene.catalog.requests.contains { $0.headers["X-Amz-Target"]?.hasSuffix(".ProvisionProduct") == true })
        let (_, statusTable) = await runSandboxd(["status"] + scene.arguments, environment: scene.environment)
        #expect(statusTable.stdout.contains("[github-unavailable]"), "\(statusTable.stdout)")
        #expect(statusTable.stdout.contains("pending"), "\(statusTable.stdout)")
    }

    @Test("a GitHub that cannot be reached makes reconcile exit 1; the request stays pending, unprovisioned")
    func githubUnreachable() async throws {
        let scene = try Scene()
        defer { scene.stop() }
        var environment = scene.environment
        // A loopback port nobody listens on: connections are refused at once.
        environment["GITHUB_API_URL"] = "http://127.0.0.1:9/api"
        let (status, output) = await runSandboxd(["reconcile"] + scene.arguments, environment: environment)
        #expect(status == 1, "\(output.stderr)")
        #expect(output.stderr.split(separator: "\n").contains { $0.hasPrefix("error:") }, "\(output.stderr)")
        #expect(!scene.catalog.requests.contains { $0.headers["X-Amz-Target"]?.hasSuffix(".ProvisionProduct") == true })
    }

    @Test(
        "missing settings stop reconcile at once with one line saying what to set, and change nothing",
        arguments: [
            ("AWS_REGION", "AWS_REGION"),
            ("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID"),
            ("GITHUB_TOKEN", "GITHUB_TOKEN"),
            ("GITHUB_REPOSITORY", "GITHUB_REPOSITORY"),
        ]
    )
    func missingSetting(variable: String, mentioned: String) async throws {
        let scene = try Scene()
        defer { scene.stop() }
        var environment = scene.environment
        environment[variable] = nil
        let (status, output) = await runSandboxd(["reconcile"] + scene.arguments, environment: environment)
        #expect(status == 1)
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(output.stderr)")
        #expect(output.stderr.contains(mentioned), "\(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scene.directory.path("state/journal")))
        #expect(
            scene.catalog.requests.allSatisfy { $0.headers["X-Amz-Target"]?.hasSuffix(".ProvisionProduct") != true }
        )
    }

    @Test(
        "validate --online asks AWS whether the product exists",
        arguments: [
            ("prod-sandbox000001", Int32(0)), ("prod-doesnotexist1", Int32(1)),
        ]
    )
    func validateOnline(productId: String, expected: Int32) async throws {
        let scene = try Scene(productId: productId)
        defer { scene.stop() }
        let (status, output) = await runSandboxd(
            ["validate", "--online", "--desired-state", scene.directory.path("desired")],
            environment: scene.environment
        )
        #expect(status == expected, "\(output.stdout)\(output.stderr)")
        if expected == 0 {
            #expect(output.stdout.contains("the product exists in AWS"))
        } else {
            #expect(output.stdout.contains("pool.json: product:"))
        }
        #expect(scene.catalog.requests.contains { $0.headers["X-Amz-Target"]?.hasSuffix(".DescribeProduct") == true })
    }

    @Test("validate --online --format github reports a missing product as an annotation on pool.json")
    func validateOnlineGitHubFormat() async throws {
        let scene = try Scene(productId: "prod-doesnotexist1")
        defer { scene.stop() }
        let directory = scene.directory.path("desired")
        let (status, output) = await runSandboxd(
            ["validate", "--online", "--format", "github", "--desired-state", directory],
            environment: scene.environment
        )
        #expect(status == 1, "\(output.stdout)\(output.stderr)")
        #expect(output.lines.count == 1, "\(output.stdout)")
        #expect(
            output.lines.first?.hasPrefix("::error file=\(directory)/pool.json,title=sandboxd validate::product: ")
                == true,
            "\(output.stdout)"
        )
    }
}

@Suite("sandboxd run keeps running through problems it reports")
struct RemoteModeDaemonTests {
    @Test("an unknown product id is reported by every pass of run, which keeps running; SIGTERM exits 0")
    func unknownProductEveryPass() async throws {
        let scene = try RemoteModeCommandTests.Scene(productId: "prod-doesnotexist1")
        defer { scene.stop() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread {
                do {
                    try Self.runDaemon(scene)
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
        let describes = scene.catalog.requests.filter {
            $0.headers["X-Amz-Target"]?.hasSuffix(".DescribeProduct") == true
        }
        #expect(describes.count >= 2, "the product was not checked on every pass")
        #expect(!scene.catalog.requests.contains { $0.headers["X-Amz-Target"]?.hasSuffix(".ProvisionProduct") == true })
    }

    static func runDaemon(_ scene: RemoteModeCommandTests.Scene) throws {
        let notify = try NotifySocket(path: scene.directory.path("notify.sock"))
        let errors = scene.directory.path("stderr.log")
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        let process = Process()
        process.executableURL = sandboxdExecutable
        process.arguments = ["run", "--interval", "1h"] + scene.arguments
        var environment = scene.environment
        environment["NOTIFY_SOCKET"] = notify.path
        process.environment = Sanitizer.childEnvironment(environment)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        let first = notify.receive(until: { $0.contains(" in the last pass (") }, seconds: 30)
        #expect(first.contains { $0.contains(" in the last pass (") }, "\(first)")
        kill(process.processIdentifier, SIGHUP)
        let second = notify.receive(until: { $0.contains(" in the last pass (") }, seconds: 30)
        #expect(second.contains { $0.contains(" in the last pass (") }, "\(second)")
        #expect(process.isRunning)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let log = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
        #expect(log.components(separatedBy: "prod-doesnotexist1").count - 1 >= 2, "\(log)")
        // docs/behaviour.md §7: `run` logs from info up, with a `pass finished` line after every pass.
        #expect(log.components(separatedBy: "info: pass finished").count - 1 >= 2, "\(log)")
    }
}
