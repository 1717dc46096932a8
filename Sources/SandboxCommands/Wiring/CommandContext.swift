import Foundation
import SandboxCore
import SandboxLocal
import SandboxRuntime

/// Where a command writes: standard output and standard error, replaceable in tests.
struct OutputSink: Sendable {
    let out: @Sendable (String) -> Void
    let err: @Sendable (String) -> Void

    static let standard = OutputSink(
        out: { FileHandle.standardOutput.write(Data($0.utf8)) },
        err: { FileHandle.standardError.write(Data($0.utf8)) }
    )
}

/// What the pass-running commands share: resolved settings, the ports, the desired-state loader.
struct CommandContext: Sendable {
    /// The desired-state directory, as given (for messages) and resolved.
    var desiredStatePath: String
    var stateDirectory: URL
    var poolName: String
    var local: Bool
    var environment: [String: String]
    var output: OutputSink
    var clock: any SandboxClock = SystemClock()
    var logger: Logger

    var state: StateDirectory { StateDirectory(url: stateDirectory) }

    /// Reads the desired state afresh.
    func loadDesired() -> DesiredState {
        DesiredStateLoader.load(directory: URL(fileURLWithPath: desiredStatePath), displayPath: desiredStatePath)
    }

    /// The catalog and GitHub ports for this mode. Read-only ports never write (plan, status).
    func makePorts(readOnly: Bool) throws -> (catalog: any CatalogPort, github: any GitHubPort) {
        if local {
            let output = output
            let catalog = LocalCatalog.inStateDirectory(stateDirectory, readOnly: readOnly, clock: clock)
            let github = LocalGitHub(outbox: state.outbox) { name, body in
                output.out("── outbox/\(name) ──\n\(body)\n\n")
            }
            return (catalog, github)
        }
        return try RemotePorts.make(context: self)
    }
}
