import Foundation
import Glibc
import Testing

@testable import SandboxRuntime

/// Runs `body` with a fresh, not yet existing state directory path under a temporary directory that is removed
/// afterwards.
func withStateDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let base = FileManager.default.temporaryDirectory.appending(
        path: "sandboxd-journal-tests-\(UUID().uuidString)",
        directoryHint: .isDirectory
    )
    try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: base) }
    return try body(base.appending(path: "state", directoryHint: .isDirectory))
}

extension URL {
    /// The journal directory of a state directory.
    var journal: URL { appending(path: "journal", directoryHint: .isDirectory) }

    /// A file in this directory.
    func file(_ name: String) -> URL { appending(path: name, directoryHint: .notDirectory) }

    /// The file system path without a trailing slash, as the journal reports paths.
    var plainPath: String { JournalIO.path(of: self) }
}

/// The bytes of the file at `url`.
func bytes(of url: URL) throws -> [UInt8] {
    Array(try Data(contentsOf: url))
}

/// Replaces the file at `url` with `bytes`.
func write(_ bytes: [UInt8], to url: URL) throws {
    try Data(bytes).write(to: url)
}

/// Truncates the file at `url` to `length` bytes.
func truncate(_ url: URL, to length: Int) throws {
    let handle = try FileHandle(forWritingTo: url)
    defer { try? handle.close() }
    try handle.truncate(atOffset: UInt64(length))
}

/// The permission bits of `url`.
func mode(of url: URL) -> mode_t {
    var info = stat()
    #expect(lstat(url.plainPath, &info) == 0, "stat \(url.plainPath)")
    return info.st_mode & 0o7777
}

/// The names in a directory, sorted.
func names(in url: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: url.plainPath).sorted()
}

/// The payloads of some records as strings.
func texts(_ records: [JournalRecord]) -> [String] {
    records.map { String(decoding: $0.payload, as: UTF8.self) }
}

/// Opens a journal for writing, appends each of `texts`, and closes it.
@discardableResult
func appendRecords(_ texts: [String], to stateDirectory: URL) throws -> JournalContents {
    let (journal, contents) = try FileJournal.openForWriting(stateDirectory: stateDirectory)
    defer { journal.close() }
    for text in texts { try journal.append(Array(text.utf8)) }
    return contents
}

/// Runs `body` and returns the ``JournalError`` it throws (recording an issue if it throws nothing or something
/// else).
func journalError<T>(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> T
) -> JournalError? {
    do {
        _ = try body()
        Issue.record("expected a JournalError", sourceLocation: sourceLocation)
    } catch let error as JournalError {
        return error
    } catch {
        Issue.record("expected a JournalError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// The journal's tests, grouped so that `swift test --filter Journal` runs all of them.
@Suite("Journal storage")
enum JournalTests {}
