import Foundation
import SandboxCore
import SandboxGit
import SandboxTesting
import Testing

@Suite("credentials reach git through sandboxd as askpass, and nowhere else")
struct GitAskPassTests {
    static let token = "ghs_askpassTokenForTests0123456789"

    @Test("sandboxd started as askpass answers the user name, the token, and nothing else")
    func executableAnswers() async throws {
        let environment = [GitAskPass.markerVariable: "1", GitAskPass.tokenVariable: Self.token]
        let executable = sandboxdExecutable.path

        let user = try await runCommand(executable, ["Username for 'https://github.com': "], environment: environment)
        let password = try await runCommand(
            executable,
            ["Password for 'https://x-access-token@github.com': "],
            environment: environment
        )
        let other = try await runCommand(
            executable,
            ["Are you sure you want to continue connecting?"],
            environment: environment
        )
        let noToken = try await runCommand(
            executable,
            ["Password for 'x': "],
            environment: [GitAskPass.markerVariable: "1"]
        )

        #expect(user.status == 0 && user.outputText == "x-access-token\n")
        #expect(password.status == 0 && password.outputText == "\(Self.token)\n")
        #expect(other.status == 1 && other.output.isEmpty)
        #expect(noToken.status == 1 && noToken.output.isEmpty)
    }

    @Test("without the marker, answerIfAsked leaves the run to sandboxd")
    func withoutMarker() {
        #expect(GitAskPass.answerIfAsked(arguments: ["sandboxd", "Password: "], environment: [:]) == nil)
        #expect(
            GitAskPass.answerIfAsked(
                arguments: ["sandboxd", "run"],
                environment: [GitAskPass.markerVariable: "0", GitAskPass.tokenVariable: Self.token]
            ) == nil
        )
    }

    @Test("a fetch over HTTP that asks for credentials gets the token through askpass; no file or argument holds it")
    func fetchWithToken() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let remote = try await TestRemote(in: scratch)
        let id = try await remote.publish(["desired-state/pool.json": poolJSON])
        let server = try SmartHTTPRemote(root: scratch.root, token: Self.token, scratch: scratch)
        defer { server.server.stop() }
        let recorder = InvocationRecorder()
        let mirror = scratch.mirror(
            try GitRemote(url: server.url("remote.git")),
            credentials: { Self.token },
            recorder: recorder
        )

        let result = try await mirror.fetch()
        let snapshot = try await mirror.snapshot(of: result.commit, displayPath: "desired-state")

        #expect(result.commit.id == id && snapshot.poolFile == .bytes(Array(poolJSON.utf8)))
        let basic = "Basic " + Data("x-access-token:\(Self.token)".utf8).base64EncodedString()
        #expect(server.authorizations.first == .some(nil), "git asked only after a 401")
        #expect(server.authorizations.contains(basic), "git sent the token askpass gave it")
        for invocation in recorder.invocations {
            #expect(!invocation.arguments.joined(separator: " ").contains(Self.token))
            let talksToRemote = invocation.arguments.contains("fetch") || invocation.arguments.contains("ls-remote")
            #expect(invocation.environmentKeys.contains(GitAskPass.tokenVariable) == talksToRemote)
            #expect(invocation.environmentKeys.contains("GIT_ASKPASS") == talksToRemote)
        }
        #expect(recorder.invocations.contains { $0.arguments.contains("ls-remote") })
        #expect(try filesHolding(Self.token, under: scratch.url("state"), atLeast: 5).isEmpty)
    }

    @Test("a refused token is authentication, and the message holds no token")
    func refusedToken() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let remote = try await TestRemote(in: scratch)
        try await remote.publish(["desired-state/pool.json": poolJSON])
        let server = try SmartHTTPRemote(root: scratch.root, token: Self.token, scratch: scratch)
        defer { server.server.stop() }
        let wrong = "ghs_wrongTokenForTests0123456789"
        let url = server.url("remote.git")

        let refused = await #expect(throws: GitError.self) {
            try await scratch.mirror(try GitRemote(url: url, branch: "main"), credentials: { wrong }).fetch()
        }
        let missing = await #expect(throws: GitError.self) {
            try await scratch.mirror(try GitRemote(url: url, branch: "main"), state: "state-2").fetch()
        }

        #expect(refused?.kind == .authentication && missing?.kind == .authentication)
        #expect(refused?.message.contains(wrong) == false)
        #expect(refused?.message.contains("GitHub token") == true)
        #expect(try filesHolding(wrong, under: scratch.url("state"), atLeast: 1).isEmpty)
    }

    /// Every file under `directory` whose bytes contain `secret`; expects `atLeast` files to look at.
    private func filesHolding(_ secret: String, under directory: URL, atLeast: Int) throws -> [String] {
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        var holding: [String] = []
        var count = 0
        while let url = enumerator?.nextObject() as? URL {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            count += 1
            let data = try Data(contentsOf: url)
            if data.range(of: Data(secret.utf8)) != nil { holding.append(url.path) }
        }
        #expect(count >= atLeast, "the state directory holds the clone")
        return holding
    }
}
