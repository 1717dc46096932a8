import Foundation
import SandboxRuntime

/// `sandboxd journal verify [STATE-DIR]` (docs/behaviour.md §4.5): checks every checksum and record of a
/// journal and prints what it holds. It only reads: no lock, no repair, so it is safe beside a running daemon
/// and on a backup's copy. Exit 0 intact, 1 damaged or unreadable.
public enum JournalCommand: SandboxCommand {
    public static func run(
        _ options: CommandOptions,
        environment: [String: String],
        output: CommandOutput
    ) async -> Int32 {
        let directory = URL(fileURLWithPath: options.stateDirectory, isDirectory: true)
        let path = directory.appendingPathComponent("journal").path
        do throws(JournalError) {
            let verification = try JournalVerification.check(stateDirectory: directory)
            output.print("journal \(path): intact")
            for line in verification.summary { output.print("  \(line)") }
            return 0
        } catch {
            let verdict: String
            switch error.code {
            case .corrupted: verdict = "damaged"
            case .unsupportedFormat: verdict = "written by a newer sandboxd"
            default: verdict = "cannot be read"
            }
            output.print("journal \(path): \(verdict)")
            output.printError("sandboxd: \(error)")
            return 1
        }
    }
}
