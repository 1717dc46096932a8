public import Foundation
public import SandboxCore
import SandboxFiles

/// The one place a pass's problems become what the operator sees (docs/behaviour.md §11): the exit
/// code of `reconcile`, the log lines, the `STATUS=` summary, `status` (through ``LastPass``) and the
/// metric `sandboxd_pass_problems{kind}`.
extension PassReport {
    /// `reconcile`'s exit code for this pass: 0 when it met no problem, else 1.
    public var exitCode: Int32 { problems.isEmpty ? 0 : 1 }

    /// Logs every problem as one line, its kind and request in the metadata.
    public func logProblems(to logger: Logger, reconcileID: String) {
        for problem in problems {
            var metadata = [
                "reconcile.id": reconcileID, "problem.kind": problem.kind.rawValue, "error": problem.message,
            ]
            if let id = problem.request { metadata["request.id"] = id.rawValue }
            logger.error("pass problem", metadata)
        }
    }

    /// The part of `STATUS=` that names the last pass's problems, or `nil` when there were none.
    public var statusFragment: String? {
        guard !problems.isEmpty else { return nil }
        var kinds: [String] = []
        for problem in problems where !kinds.contains(problem.kind.rawValue) { kinds.append(problem.kind.rawValue) }
        return "\(Counted.phrase(problems.count, "error")) in the last pass (\(kinds.joined(separator: ", ")))"
    }
}

/// What the last pass met, kept in the state directory so that `status` can show it.
public struct LastPass: Codable, Hashable, Sendable {
    /// When the pass ended.
    public var finishedAt: Date
    /// Its problems (empty: a clean pass).
    public var problems: [PassProblem]

    /// - Parameters:
    ///   - finishedAt: when the pass ended.
    ///   - problems: what it met.
    public init(finishedAt: Date, problems: [PassProblem]) {
        self.finishedAt = finishedAt
        self.problems = problems
    }

    /// `<state-dir>/last-pass.json`.
    public static func url(in stateDirectory: URL) -> URL {
        stateDirectory.appendingPathComponent("last-pass.json")
    }

    /// Writes it atomically; a failure to write is not worth stopping for (the journal is what matters).
    public func write(in stateDirectory: URL) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(self) else { return }
        try? AtomicFile.write(data, to: Self.url(in: stateDirectory))
    }

    /// The last pass's record, if one was written and can be read.
    public static func read(in stateDirectory: URL) -> LastPass? {
        guard let data = FileManager.default.contents(atPath: url(in: stateDirectory).path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(LastPass.self, from: data)
    }
}
