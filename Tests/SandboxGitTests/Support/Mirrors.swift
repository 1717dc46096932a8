import Foundation
import SandboxGit

extension Scratch {
    /// A mirror of `remote` with its state in `state` (default `root/state`), git found in the test's
    /// `PATH`, the built `sandboxd` as askpass, and a generous time limit (the machine is shared).
    func mirror(
        _ remote: GitRemote,
        state: String = "state",
        credentials: (@Sendable () async throws -> String?)? = nil,
        timeout: Duration = .seconds(60),
        environment: [String: String] = Scratch.environment,
        recorder: InvocationRecorder? = nil
    ) -> GitMirror {
        GitMirror(
            remote: remote,
            stateDirectory: url(state),
            credentials: credentials,
            askPassExecutable: sandboxdExecutable.path,
            timeout: timeout,
            environment: environment,
            observe: recorder?.hook
        )
    }
}
