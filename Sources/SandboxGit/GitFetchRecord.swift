import Foundation
import SandboxFiles

/// The head the last fetch found, in `<state-dir>/git/last-fetch.json`: outside the clone, so a force push
/// is still seen after the clone was made again.
struct GitFetchRecord: Codable, Hashable, Sendable {
    /// The remote fetched from (it holds no credentials: ``GitRemote`` refuses them).
    var url: String
    /// The branch fetched.
    var branch: String
    /// Its head.
    var commit: String

    /// The record in `file`, or `nil` when there is none or it cannot be read (then no force push is seen).
    static func read(from file: URL) -> GitFetchRecord? {
        guard let data = try? Data(contentsOf: file),
            let record = try? JSONDecoder().decode(GitFetchRecord.self, from: data),
            GitObjectID.isValid(record.commit)
        else { return nil }
        return record
    }

    /// Replaces `file` with this record, atomically.
    func write(to file: URL) throws(GitError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            try AtomicFile.write(try encoder.encode(self), to: file)
        } catch {
            throw GitError(.failed, "cannot write \(file.path) (\(error)); check the state directory")
        }
    }
}
