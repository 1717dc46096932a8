import Foundation
import Testing

@testable import SandboxGit

@Suite("GitChild: a child's outputs read while it runs, its limits enforced")
struct GitChildTests {
    private func child(_ script: String, input: [UInt8]? = nil, outputLimit: Int = 1 << 24) -> GitChild {
        GitChild(
            executable: "/bin/sh",
            arguments: ["-c", script],
            environment: Scratch.environment,
            directory: "/",
            input: input,
            timeout: .seconds(60),
            outputLimit: outputLimit
        )
    }

    @Test("megabytes on both outputs and on the input do not block the child")
    func largeOutputs() async throws {
        let input = [UInt8](repeating: 0x61, count: 3 << 20)
        let outcome = try await child("cat; head -c 2000000 /dev/zero >&2", input: input).run()

        #expect(outcome.ending == .exited(0))
        #expect(outcome.output == input)
        #expect(outcome.errorOutput.count == GitChildProgress.errorOutputLimit)
    }

    @Test("a child that writes over its output limit is killed")
    func outputLimit() async throws {
        let outcome = try await child("head -c 1000000 /dev/zero; sleep 30", outputLimit: 1000).run()

        #expect(outcome.ending == .outputTooLarge && outcome.output.count == 1000)
    }

    @Test("a child that exits without reading its input ends the run, not sandboxd (no SIGPIPE)")
    func unreadInput() async throws {
        let outcome = try await child("exit 3", input: [UInt8](repeating: 0, count: 1 << 20)).run()

        #expect(outcome.ending == .exited(3))
    }

    @Test("a program that is not there cannot be started")
    func missingProgram() async {
        var missing = child("true")
        missing.executable = "/nonexistent/git"
        await #expect(throws: GitChild.LaunchError.self) { try await missing.run() }
    }
}
