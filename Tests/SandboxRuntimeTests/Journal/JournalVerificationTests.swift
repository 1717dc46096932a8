import Foundation
import SandboxCore
import Testing

@testable import SandboxRuntime

/// `sandboxd journal verify` and upgrades (docs/behaviour.md §4.5, README "Operations"): a journal of an older
/// format is read, a newer one refused with the advice to upgrade, and damage named; checking never writes.
/// The on-disk fixtures are made by `Fixtures/on-disk/make-fixtures.py`.
@Suite("journal verify and the journal's format versions")
struct JournalVerificationTests {
    /// A committed state directory under `Fixtures/on-disk`.
    static func fixture(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: "Fixtures/on-disk/\(name)", withExtension: nil))
    }

    /// Every file of a directory with its bytes, to prove nothing changed.
    static func contents(of directory: URL) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for name in try names(in: directory) { files[name] = try bytes(of: directory.file(name)) }
        return files
    }

    /// Copies a fixture's state directory to `destination`.
    static func copy(_ name: String, to destination: URL) throws {
        try FileManager.default.copyItem(at: try fixture(name), to: destination)
    }

    @Test("a journal written with an older snapshot format is verified and replays as it did")
    func olderFormatIsRead() throws {
        let directory = try Self.fixture("older-snapshot-format")
        let before = try Self.contents(of: directory.journal)
        let verification = try JournalVerification.check(stateDirectory: directory)
        #expect(verification.lineage == "lineage-1")
        #expect(verification.snapshotSeq == 26)
        #expect(verification.recordCount == 37)
        #expect(verification.segmentCount == 1)
        #expect(verification.lastSeq == 63)
        #expect(verification.requests == [.active: 1, .terminating: 1, .quarantined: 1])
        #expect(verification.notes.isEmpty)
        #expect(verification.summary.contains("requests: 3 requests (1 active, 1 terminating, 1 quarantined)"))
        #expect(try Self.contents(of: directory.journal) == before)

        // A newer sandboxd opens it for writing and sees what the version that wrote it saw.
        try withStateDirectory { state in
            try Self.copy("older-snapshot-format", to: state)
            let (journal, contents) = try FileJournal.openForWriting(stateDirectory: state)
            defer { journal.close() }
            #expect(JournalV2FixtureTests.observed(try JournalCodec.replay(contents)) == JournalV2FixtureTests.expected)
        }
    }

    @Test("a journal of a newer segment format is refused: upgrade sandboxd")
    func newerFormatIsRefused() throws {
        let message = "was written by a newer sandboxd (format 2); this one reads format 1: upgrade sandboxd"
        let directory = try Self.fixture("newer-segment-format")
        let error = try #require(throws: JournalError.self) { try JournalVerification.check(stateDirectory: directory) }
        #expect(error.code == .unsupportedFormat)
        #expect(error.message.hasSuffix("000001.log " + message))
        try withStateDirectory { state in
            try Self.copy("newer-segment-format", to: state)
            let before = try Self.contents(of: state.journal)
            let opening = try #require(throws: JournalError.self) {
                try FileJournal.openForWriting(stateDirectory: state)
            }
            #expect(opening.code == .unsupportedFormat)
            #expect(opening.message.contains(message))
            #expect(try Self.contents(of: state.journal) == before)
        }
    }

    @Test("a snapshot of a newer format is refused with the same advice")
    func newerSnapshotFormatIsRefused() throws {
        let error = try #require(throws: JournalReplayError.self) {
            try JournalCodec.replay(lineage: "l", snapshot: Array(#"{"format":9,"state":{}}"#.utf8), records: [])
        }
        #expect(error.message.contains("written by a newer sandboxd (snapshot format 9)"))
        #expect(error.message.hasSuffix("upgrade sandboxd"))
    }

    @Test("verify checks a journal a writer holds open, and changes nothing, not even its torn tail")
    func verifiesBesideTheWriter() throws {
        try withStateDirectory { state in
            let (journal, _) = try FileJournal.openForWriting(stateDirectory: state)
            defer { journal.close() }
            let seen = JournalEvent.requestSeen(
                spec: RequestSpec(id: RequestID("alice-recsys")!, requester: "alice", pullRequest: 7),
                at: Date(timeIntervalSince1970: 1_750_000_000)
            )
            _ = try journal.append(try JournalCodec.encode(seen))
            let segment = state.journal.file("000001.log")
            try write(try bytes(of: segment) + [9, 0, 0], to: segment)  // a record cut short by a crash
            let before = try Self.contents(of: state.journal)
            let verification = try JournalVerification.check(stateDirectory: state)
            #expect(verification.recordCount == 1)
            #expect(verification.requests == [.pending: 1])
            #expect(verification.notes.count == 1)
            #expect(verification.notes.first?.contains("incomplete record") == true)
            #expect(try Self.contents(of: state.journal) == before)
        }
    }

    @Test("a damaged record with valid ones after it is damage, named with its offset")
    func damageIsNamed() throws {
        try withStateDirectory { state in
            let (journal, _) = try FileJournal.openForWriting(stateDirectory: state)
            for index in 0..<3 { _ = try journal.append(Array("{\"record\":\(index)}".utf8)) }
            journal.close()
            let segment = state.journal.file("000001.log")
            var damaged = try bytes(of: segment)
            damaged[damaged.count - 40] ^= 0xFF
            try write(damaged, to: segment)
            let error = try #require(throws: JournalError.self) { try JournalVerification.check(stateDirectory: state) }
            #expect(error.code == .corrupted)
            #expect(error.message.contains("the journal is corrupted"))
        }
    }

    @Test("a record whose checksum matches but that does not decode is damage naming its seq")
    func undecodableRecord() throws {
        try withStateDirectory { state in
            let (journal, _) = try FileJournal.openForWriting(stateDirectory: state)
            _ = try journal.append(Array("not an event".utf8))
            journal.close()
            let error = try #require(throws: JournalError.self) { try JournalVerification.check(stateDirectory: state) }
            #expect(error.code == .corrupted)
            #expect(error.message.contains("journal record 1 cannot be decoded"))
        }
    }

    @Test("a state directory without a journal is not verified")
    func noJournal() throws {
        try withStateDirectory { state in
            try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
            let error = try #require(throws: JournalError.self) { try JournalVerification.check(stateDirectory: state) }
            #expect(error.message.contains("there is no journal in"))
            #expect(!FileManager.default.fileExists(atPath: state.journal.plainPath))
        }
    }
}
