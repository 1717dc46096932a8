public import SandboxRuntime

/// Wraps a ``JournalStore`` for crash tests: every append and compaction that succeeded is a step of a
/// ``CrashPoint``.
///
/// At the crash step the record is durable but the executor is told ``SimulatedCrash``; after the crash
/// every append and compaction throws ``SimulatedCrash`` and writes nothing, as with a killed process.
public final class CrashingJournalStore: JournalStore {
    private let wrapped: any JournalStore
    private let crash: CrashPoint

    /// Wraps `wrapped`, counting steps on `crash`.
    public init(_ wrapped: any JournalStore, crash: CrashPoint) {
        self.wrapped = wrapped
        self.crash = crash
    }

    /// The wrapped journal's lineage.
    public var lineage: String { wrapped.lineage }

    /// Appends to the wrapped journal unless the process was killed: one step once it succeeded.
    public func append(_ payload: [UInt8]) async throws -> UInt64 {
        try crash.checkAlive()
        let seq = try await wrapped.append(payload)
        try crash.step("journal.append")
        return seq
    }

    /// Appends the records one by one, each a step: a crash during a group commit leaves a prefix of its
    /// records durable, as a process killed before the journal's flush may (docs/behaviour.md §3.13).
    public func append(contentsOf payloads: [[UInt8]]) async throws -> UInt64 {
        var seq: UInt64 = 0
        for payload in payloads { seq = try await append(payload) }
        return seq
    }

    /// Compacts the wrapped journal unless the process was killed: one step once it succeeded.
    public func compact(snapshot payload: [UInt8]) async throws {
        try crash.checkAlive()
        try await wrapped.compact(snapshot: payload)
        try crash.step("journal.compact")
    }
}
