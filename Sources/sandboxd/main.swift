import Foundation
import SandboxCommands
import SandboxGit

// First: this run may be git asking for the token of an https remote (docs/behaviour.md §4.9).
if let status = GitAskPass.answerIfAsked(
    arguments: CommandLine.arguments,
    environment: ProcessInfo.processInfo.environment
) {
    exit(status)
}
await SandboxCommandLine.main()
