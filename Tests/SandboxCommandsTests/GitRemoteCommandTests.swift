import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SandboxHTTP
import SandboxTesting
import Testing

/// `--git-remote` (docs/behaviour.md §4.9) through the `sandboxd` binary: a repository served by the
/// fake GitHub over git's smart HTTP (credentials asked of sandboxd's askpass), the fake catalog, and
/// the commit that decided in `status`.
@Suite("sandboxd follows a git remote")
struct GitRemoteCommandTests {
    /// A work repository whose pushes go to a bare one the fake GitHub serves as `octo-org/sandboxes.git`.
    struct Repository {
        let scene: RemoteModeCommandTests.Scene
        let work: String
        let bare: String

        init(scene: RemoteModeCommandTests.Scene) throws {
            self.scene = scene
            work = scene.directory.path("work")
            bare = scene.directory.path("git/octo-org/sandboxes.git")
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            try git(["init", "-q", "--bare", "-b", "main", bare])
            try git(["init", "-q", "-b", "main", work])
            scene.github.serveGit(projectRoot: URL(fileURLWithPath: scene.directory.path("git")))
        }

        /// The remote's URL on the fake GitHub.
        var url: String { scene.github.apiURL.absoluteString + "/octo-org/sandboxes.git" }

        /// Writes `files` under the work tree (an empty text removes the file), commits and pushes; the
        /// fake GitHub's branch moves too. Returns the new commit.
        @discardableResult
        func publish(_ files: [String: String], message: String, force: Bool = false) throws -> String {
            for (path, text) in files {
                let full = work + "/" + path
                if text.isEmpty {
                    try? FileManager.default.removeItem(atPath: full)
                } else {
                    try FileManager.default.createDirectory(
                        atPath: (full as NSString).deletingLastPathComponent,
                        withIntermediateDirectories: true
                    )
                    try text.write(toFile: full, atomically: true, encoding: .utf8)
                }
            }
            try git(["-C", work, "add", "-A"])
            try git([
                "-C", work, "-c", "user.name=Ada", "-c", "user.email=ada@example.com", "commit", "-q", "-m", message,
            ])
            try git(["-C", work, "push", "-q"] + (force ? ["--force"] : []) + [bare, "HEAD:main"])
            let head = try git(["-C", work, "rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
            scene.github.setBranch("main", head: head)
            return head
        }

        @discardableResult
        func git(_ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git"] + arguments
            process.environment = [
                "PATH": "/usr/bin:/bin", "HOME": scene.directory.path("."), "GIT_CONFIG_NOSYSTEM": "1",
            ]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw CommandFailed(arguments: arguments) }
            return String(decoding: data, as: UTF8.self)
        }
    }

    struct CommandFailed: Error {
        var arguments: [String]
    }

    static let pool = """
        {"capacity": 2, "product": {"productId": "prod-sandbox000001", "provisioningArtifactId": "pa-sandbox000001"},
         "verification": {"minAccountAge": "30d"}}
        """

    static func request(_ requester: String, pr: Int) -> String {
        #"{"requester": "\#(requester)", "pullRequest": \#(pr)}"#
    }

    /// Runs the `sandboxd` binary to its end, on a thread of its own: its status, stdout and stderr.
    static func sandboxd(_ arguments: [String], environment: [String: String]) async throws -> (Int32, String) {
        try await onOwnThread { try sandboxdBlocking(arguments, environment: environment) }
    }

    static func sandboxdBlocking(_ arguments: [String], environment: [String: String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = sandboxdExecutable
        process.arguments = arguments
        process.environment = Sanitizer.childEnvironment(
            environment.merging(["PATH": "/usr/bin:/bin"]) { first, _ in first }
        )
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    private func addBob(_ scene: RemoteModeCommandTests.Scene) {
        scene.github.addAccount(.init(id: 102, login: "bob", createdAt: Date(timeIntervalSinceNow: -400 * 86_400)))
        scene.github.addPullRequest(
            .init(number: 2, authorID: 102, files: [.init("desired-state/requests/bob-sbx.json")])
        )
    }

    @Test("reconcile reads one fetched commit, with the token only through askpass; status names the commit")
    func reconcileFromTheRemote() async throws {
        let scene = try RemoteModeCommandTests.Scene()
        defer { scene.stop() }
        let repository = try Repository(scene: scene)
        let head = try repository.publish(
            [
                "desired-state/pool.json": Self.pool,
                "desired-state/requests/alice-sbx.json": Self.request("alice", pr: 1),
            ],
            message: "Request sandbox for alice"
        )
        let state = ["--state-dir", scene.directory.path("state"), "--git-remote", repository.url]
        let (status, output) = try await Self.sandboxd(["reconcile"] + state, environment: scene.environment)
        #expect(status == 0, "\(output)")
        #expect(output.contains("provision alice-sbx"), "\(output)")
        #expect(scene.github.gitPasswords.contains(scene.github.token), "git got the token from askpass")

        let (_, table) = try await Self.sandboxd(["status"] + state, environment: scene.environment)
        #expect(table.contains("desired state: \(head.prefix(7)) ("), "\(table)")
        #expect(table.contains("\"Request sandbox for alice\""), "\(table)")

        // The token is in no file of the state directory (the clone's config included).
        let stateDirectory = scene.directory.path("state")
        var files = 0
        for case let relative as String in FileManager.default.enumerator(atPath: stateDirectory) ?? .init() {
            guard let data = FileManager.default.contents(atPath: stateDirectory + "/" + relative) else { continue }
            files += 1
            #expect(!String(decoding: data, as: UTF8.self).contains(scene.github.token), "\(relative)")
        }
        #expect(files > 3)
        #expect(FileManager.default.fileExists(atPath: stateDirectory + "/git/mirror.git/config"))
    }

    @Test("--git-path names the folder, and the pull request must add the request file under it")
    func gitPathIsThePullRequestsPrefix() async throws {
        let scene = try RemoteModeCommandTests.Scene()
        defer { scene.stop() }
        // Pull request 3 adds the file under deploy/pool-a; pull request 1 (the scene's) adds it elsewhere.
        scene.github.addAccount(.init(id: 103, login: "carol", createdAt: Date(timeIntervalSinceNow: -400 * 86_400)))
        scene.github.addPullRequest(
            .init(number: 3, authorID: 103, files: [.init("deploy/pool-a/requests/carol-sbx.json")])
        )
        let repository = try Repository(scene: scene)
        try repository.publish(
            [
                "deploy/pool-a/pool.json": Self.pool,
                "deploy/pool-a/requests/carol-sbx.json": Self.request("carol", pr: 3),
                "deploy/pool-a/requests/alice-sbx.json": Self.request("alice", pr: 1),
            ],
            message: "Two requests"
        )
        let arguments = [
            "--state-dir", scene.directory.path("state"), "--git-remote", repository.url, "--git-path", "deploy/pool-a",
        ]
        let (status, output) = try await Self.sandboxd(["reconcile"] + arguments, environment: scene.environment)
        #expect(output.contains("provision carol-sbx"), "\(output)")
        #expect(!output.contains("provision alice-sbx"), "\(output)")
        #expect(status == 0, "\(output)")
        let (_, json) = try await Self.sandboxd(["status", "--json"] + arguments, environment: scene.environment)
        #expect(json.contains("deploy/pool-a/requests/alice-sbx.json"), "alice's rejection names the path: \(json)")
    }

    @Test(
        "run: a merge on GitHub is provisioned within 5 s through the branch watch, at no rate-limit cost; a file:// remote within its interval",
        arguments: [true, false]
    )
    func runFollowsPushes(watchingGitHub: Bool) async throws {
        let scene = try RemoteModeCommandTests.Scene()
        defer { scene.stop() }
        addBob(scene)
        let repository = try Repository(scene: scene)
        try repository.publish(
            [
                "desired-state/pool.json": Self.pool,
                "desired-state/requests/alice-sbx.json": Self.request("alice", pr: 1),
            ],
            message: "Request sandbox for alice"
        )
        // On the fake GitHub, the branch is watched through the API; a file:// remote is fetched every
        // --interval (3 s here, an hour with the watch, so only the watch can explain a quick fetch).
        let remote = watchingGitHub ? repository.url : "file://" + repository.bare
        let interval = watchingGitHub ? "1h" : "3s"
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread {
                do {
                    try Self.runAndPush(scene, repository, remote: remote, interval: interval, watching: watchingGitHub)
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    static func provisions(_ scene: RemoteModeCommandTests.Scene) -> [RecordedRequest] {
        scene.catalog.requests.filter { $0.headers["X-Amz-Target"]?.hasSuffix(".ProvisionProduct") == true }
    }

    static func runAndPush(
        _ scene: RemoteModeCommandTests.Scene,
        _ repository: Repository,
        remote: String,
        interval: String,
        watching: Bool
    ) throws {
        let process = Process()
        process.executableURL = sandboxdExecutable
        process.arguments = [
            "run", "--interval", interval, "--state-dir", scene.directory.path("state"), "--git-remote", remote,
        ]
        process.environment = Sanitizer.childEnvironment(
            scene.environment.merging(["PATH": "/usr/bin:/bin"]) { first, _ in first }
        )
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        func waitFor(_ count: Int, seconds: Double) -> Date? {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if provisions(scene).count >= count { return provisions(scene)[count - 1].receivedAt }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return nil
        }
        #expect(waitFor(1, seconds: 30) != nil, "alice is provisioned from the first fetch")
        // Let the watch settle on the head, then nothing changes for a while: no call costs rate limit.
        Thread.sleep(forTimeInterval: 3)
        let costly = scene.github.costlyCalls
        Thread.sleep(forTimeInterval: 3)
        if watching { #expect(scene.github.costlyCalls == costly, "an unchanged branch is answered 304") }

        try repository.publish(["desired-state/requests/bob-sbx.json": Self.request("bob", pr: 2)], message: "bob")
        let pushed = Date()
        let provisioned = waitFor(2, seconds: 20)
        let latency = provisioned.map { $0.timeIntervalSince(pushed) }
        print(
            "timing: git remote (\(watching ? "branch watch" : "interval 3 s")): push to ProvisionProduct \(latency.map { String(format: "%.2f s", $0) } ?? "never")"
        )
        #expect((latency ?? 99) <= Sanitizer.scaled(watching ? 5 : 3 + 5), "\(String(describing: latency))")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    @Test(
        "a remote that fails is a git-fetch-failed problem and changes nothing; a force push removing every request is held"
    )
    func faultsAndForcePush() async throws {
        let scene = try RemoteModeCommandTests.Scene()
        defer { scene.stop() }
        addBob(scene)
        let repository = try Repository(scene: scene)
        try repository.publish(
            [
                "desired-state/pool.json": Self.pool,
                "desired-state/requests/alice-sbx.json": Self.request("alice", pr: 1),
                "desired-state/requests/bob-sbx.json": Self.request("bob", pr: 2),
            ],
            message: "Two sandboxes"
        )
        let state = ["--state-dir", scene.directory.path("state"), "--git-remote", repository.url]
        for _ in 0..<3 {
            _ = try await Self.sandboxd(
                ["reconcile", "--wait", "--timeout", "30s"] + state,
                environment: scene.environment
            )
        }
        #expect(scene.catalog.liveProducts.count == 2)

        // The branch is rewritten to a commit without any request: the safety brake holds the releases.
        try repository.git(["-C", repository.work, "checkout", "-q", "--orphan", "rewritten"])
        try repository.git(["-C", repository.work, "rm", "-q", "-r", "--cached", "."])
        try repository.publish(
            [
                "desired-state/pool.json": Self.pool,
                "desired-state/requests/alice-sbx.json": "",
                "desired-state/requests/bob-sbx.json": "",
            ],
            message: "Start over",
            force: true
        )
        let (_, heldOutput) = try await Self.sandboxd(["reconcile"] + state, environment: scene.environment)
        #expect(heldOutput.lowercased().contains("brake"), "\(heldOutput)")
        #expect(heldOutput.contains("history was rewritten"), "the force push is logged: \(heldOutput)")
        #expect(scene.catalog.liveProducts.count == 2)

        // The remote goes away: reported, and nothing is released.
        try FileManager.default.moveItem(atPath: repository.bare, toPath: repository.bare + ".gone")
        let (failed, failedOutput) = try await Self.sandboxd(["reconcile"] + state, environment: scene.environment)
        #expect(failed == 1, "\(failedOutput)")
        #expect(failedOutput.contains("git"), "\(failedOutput)")
        let (_, table) = try await Self.sandboxd(["status"] + state, environment: scene.environment)
        #expect(table.contains("[git-fetch-failed]"), "\(table)")
        #expect(scene.catalog.liveProducts.count == 2)
    }
}
