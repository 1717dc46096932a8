import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SandboxCrypto
import SandboxHTTP
import SandboxTesting
import Testing

/// `sandboxd run` authenticated as a GitHub App (docs/behaviour.md §4.3), against the fakes over loopback:
/// the whole of its output, its log and its state directory are searched for the secrets afterwards.
@Suite("sandboxd as a GitHub App")
struct RemoteAppCommandTests {
    static func app() throws -> FakeGitHubServer.App {
        let key = try RSAPublicKey(pem: TestAppKeys.firstPublic)
        return FakeGitHubServer.App(verifySignature: { key.isValidSignatureSHA256($1, for: $0) })
    }

    @Test("run as an App: verified, provisioned, told as the App's bot; no token, JWT or key in any output or file")
    func runAsApp() async throws {
        let scene = try RemoteModeCommandTests.Scene(app: try Self.app())
        defer { scene.stop() }
        // The key as systemd hands it over: the credential github-app-key in $CREDENTIALS_DIRECTORY.
        try scene.directory.write("credentials/github-app-key", TestAppKeys.first)
        var environment = scene.environment
        environment["GITHUB_TOKEN"] = nil
        environment["GITHUB_APP_ID"] = String(scene.github.app!.id)
        environment["CREDENTIALS_DIRECTORY"] = scene.directory.path("credentials")
        let log = try await Self.runUntilActive(scene, environment: environment)

        let bot = scene.github.app!.bot
        let comments = scene.github.comments(on: 1)
        #expect(comments.map(\.authorID) == [bot.id], "\(comments)")
        #expect(comments.first?.body.contains("<!-- sandboxd:alice-sbx:ready -->") == true)
        #expect(scene.github.mintedTokens >= 1)
        #expect(scene.github.jwtRefusals == 0)

        let tokens = scene.github.installationTokens.map(\.token)
        let bearers = scene.github.requests.compactMap { $0.headers["Authorization"] }
            .map { $0.replacingOccurrences(of: "Bearer ", with: "") }
        let keyLines = TestAppKeys.first.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("-----") }
        let secrets = Set(tokens + bearers + keyLines)
        #expect(bearers.contains { $0.split(separator: ".").count == 3 }, "a JWT was sent")
        let (_, status) = await runSandboxd(["status", "--json"] + scene.arguments, environment: environment)
        var haystacks = [log, status.stdout, status.stderr]
        let state = scene.directory.path("state")
        for case let relative as String in FileManager.default.enumerator(atPath: state) ?? .init() {
            if let data = FileManager.default.contents(atPath: state + "/" + relative) {
                haystacks.append(String(decoding: data, as: UTF8.self))
            }
        }
        #expect(haystacks.count > 4)
        for secret in secrets {
            #expect(!haystacks.contains { $0.contains(secret) }, "a secret is in the output, the log or the state")
        }
    }

    @Test("a token and an App together are a usage error (exit 64), and so is a key without the App's id")
    func tokenAndAppTogether() async throws {
        let scene = try RemoteModeCommandTests.Scene()
        defer { scene.stop() }
        var environment = scene.environment
        environment["GITHUB_APP_ID"] = "1024001"
        let (both, output) = await runSandboxd(["reconcile"] + scene.arguments, environment: environment)
        #expect(both == 64, "\(output.stderr)")
        #expect(output.stderr.contains("not both"), "\(output.stderr)")
        environment["GITHUB_APP_ID"] = nil
        environment["GITHUB_APP_PRIVATE_KEY_FILE"] = "/nonexistent.pem"
        let (keyOnly, keyOutput) = await runSandboxd(["reconcile"] + scene.arguments, environment: environment)
        #expect(keyOnly == 64, "\(keyOutput.stderr)")
    }

    @Test("an App key that is not an RSA private key stops reconcile at once, naming the file; nothing is asked")
    func unreadableKey() async throws {
        let scene = try RemoteModeCommandTests.Scene(app: try Self.app())
        defer { scene.stop() }
        try scene.directory.write(
            "app-key.pem",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
        )
        var environment = scene.environment
        environment["GITHUB_TOKEN"] = nil
        environment["GITHUB_APP_ID"] = String(scene.github.app!.id)
        environment["GITHUB_APP_PRIVATE_KEY_FILE"] = scene.directory.path("app-key.pem")
        let (status, output) = await runSandboxd(["reconcile"] + scene.arguments, environment: environment)
        #expect(status == 1, "\(output.stderr)")
        #expect(output.stderr.contains(scene.directory.path("app-key.pem")), "\(output.stderr)")
        #expect(scene.github.requests.isEmpty)
    }

    /// Runs `sandboxd run` until the request is active and its ready comment posted; returns its stderr.
    static func runUntilActive(
        _ scene: RemoteModeCommandTests.Scene,
        environment: [String: String]
    ) async throws -> String {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
            Thread {
                do {
                    continuation.resume(returning: try runBlocking(scene, environment: environment))
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    private static func runBlocking(
        _ scene: RemoteModeCommandTests.Scene,
        environment: [String: String]
    ) throws -> String {
        let notify = try NotifySocket(path: scene.directory.path("notify.sock"))
        let errors = scene.directory.path("stderr.log")
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        let process = Process()
        process.executableURL = sandboxdExecutable
        process.arguments =
            ["run", "--interval", "1s", "--metrics-file", scene.directory.path("state/metrics.prom")]
            + scene.arguments
        var environment = environment
        environment["NOTIFY_SOCKET"] = notify.path
        process.environment = Sanitizer.childEnvironment(environment)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        process.standardError = process.standardOutput
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, !scene.github.comments(on: 1).contains(where: { $0.body.contains(":ready -->") }) {
            _ = notify.receive(until: { $0.hasPrefix("STATUS=") }, seconds: 1)
        }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
    }
}
