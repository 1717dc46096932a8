import Foundation
import SandboxHA
import SandboxRuntime

/// `sandboxd ha create-table` and `sandboxd ha import` (docs/behaviour.md §12.5).
public enum HACommand: SandboxCommand {
    public static func run(
        _ options: CommandOptions,
        environment: [String: String],
        output: CommandOutput
    ) async -> Int32 {
        guard let ha = options.ha, let action = ha.action else { return ExitCode.usage }
        let context = CommandContext(options: options, environment: environment, output: output)
        do {
            let table = try await RemotePorts.haTable(context: context, options: ha)
            switch action {
            case .createTable:
                try await table.create()
                output.print("created the HA table \(table.name) (on-demand, TTL on \(HATable.timeToLiveAttribute))")
            case .importJournal:
                try await importJournal(context: context, table: table, ha: ha, output: output)
            }
            return 0
        } catch {
            output.printFailure(error)
            return 1
        }
    }

    /// The file journal of `--state-dir`, read under its lock, written into the table under the pool's lease.
    static func importJournal(
        context: CommandContext,
        table: HATable,
        ha: CommandOptions.HAOptions,
        output: CommandOutput
    ) async throws {
        let lock = try StateDirectoryLock.acquire(stateDirectory: context.stateDirectory)
        defer { lock.release() }
        guard let contents = try FileJournal.read(stateDirectory: context.stateDirectory) else {
            throw CommandFailure(lines: ["there is no journal in \(context.stateDirectory.path): nothing to import"])
        }
        let lease = HALease(table: table, replica: "import-\(ProcessInfo.processInfo.processIdentifier)", duration: 60)
        guard let term = try await lease.acquire(now: Date()) else {
            throw CommandFailure(lines: [
                "a replica holds the lease of pool \(table.pool) in \(table.name): stop every replica, then import"
            ])
        }
        let last: UInt64
        do {
            last = try await HAJournal.importing(contents, into: table, term: term)
        } catch {
            try? await lease.release(term, now: Date())
            throw error
        }
        try await lease.release(term, now: Date())
        output.print(
            "imported the journal of \(context.stateDirectory.path) (lineage \(contents.lineage), \(last) records) "
                + "into \(table.name) for pool \(table.pool)"
        )
    }
}
