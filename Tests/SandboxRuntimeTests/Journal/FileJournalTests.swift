import Foundation
import Glibc
import Testing

@testable import SandboxRuntime

extension JournalTests {
    @Suite("FileJournal: round trip, compaction, permissions")
    struct FileJournalTests {
        @Test("records appended are read back with the same seqs and payloads after reopening")
        func roundTrip() throws {
            try withStateDirectory { directory in
                let payloads: [[UInt8]] = [[], [0], Array("intent".utf8), [UInt8](repeating: 0xAB, count: 70_000)]
                let lineage: String
                do {
                    let (journal, contents) = try FileJournal.openForWriting(stateDirectory: directory)
                    defer { journal.close() }
                    #expect(contents.records.isEmpty && contents.snapshot == nil && contents.warnings.isEmpty)
                    #expect(journal.lastSeq == 0)
                    for (index, payload) in payloads.enumerated() {
                        #expect(try journal.append(payload) == UInt64(index + 1))
                    }
                    #expect(journal.lastSeq == UInt64(payloads.count))
                    lineage = journal.lineage
                }

                let expected = payloads.enumerated().map {
                    JournalRecord(seq: UInt64($0.offset + 1), payload: $0.element)
                }
                let read = try #require(try FileJournal.read(stateDirectory: directory))
                #expect(read == JournalContents(lineage: lineage, snapshot: nil, records: expected, warnings: []))

                let (journal, contents) = try FileJournal.openForWriting(stateDirectory: directory)
                defer { journal.close() }
                #expect(contents == read)
                #expect(journal.lineage == lineage && journal.lastSeq == 4)
                #expect(try journal.append([1, 2, 3]) == 5)
            }
        }

        @Test("a new state directory gets a new random lineage that stays the same across reopening")
        func lineage() throws {
            let first = try withStateDirectory { directory in
                let created = try appendRecords(["a"], to: directory).lineage
                #expect(try appendRecords([], to: directory).lineage == created)
                #expect(try FileJournal.read(stateDirectory: directory)?.lineage == created)
                return created
            }
            let second = try withStateDirectory { try appendRecords([], to: $0).lineage }
            #expect(first != second)
            #expect(UUID(uuidString: first) != nil)
        }

        @Test("reading a state directory without a journal returns nil and creates nothing")
        func readWithoutJournal() throws {
            try withStateDirectory { directory in
                #expect(try FileJournal.read(stateDirectory: directory) == nil)
                #expect(!FileManager.default.fileExists(atPath: directory.plainPath))
                try FileManager.default.createDirectory(at: directory.journal, withIntermediateDirectories: true)
                #expect(try FileJournal.read(stateDirectory: directory) == nil)
            }
        }

        @Test("after compaction and more appends, reopening gives the snapshot and the later records")
        func compaction() throws {
            try withStateDirectory { directory in
                do {
                    let (journal, _) = try FileJournal.openForWriting(stateDirectory: directory)
                    defer { journal.close() }
                    for text in ["r1", "r2", "r3"] { try journal.append(Array(text.utf8)) }
                    try journal.compact(snapshot: Array("state after 3".utf8))
                    #expect(journal.lastSeq == 3)
                    #expect(try journal.append(Array("r4".utf8)) == 4)
                    #expect(try journal.append(Array("r5".utf8)) == 5)
                }
                #expect(try names(in: directory.journal) == ["000002.log", "snapshot.bin"])

                let (journal, contents) = try FileJournal.openForWriting(stateDirectory: directory)
                defer { journal.close() }
                #expect(contents.snapshot == JournalSnapshot(seq: 3, payload: Array("state after 3".utf8)))
                #expect(contents.records.map(\.seq) == [4, 5])
                #expect(texts(contents.records) == ["r4", "r5"])
                #expect(contents.warnings.isEmpty)
                #expect(try FileJournal.read(stateDirectory: directory) == contents)

                // A second compaction replaces the snapshot and the segment again.
                try journal.compact(snapshot: Array("state after 5".utf8))
                #expect(try journal.append(Array("r6".utf8)) == 6)
                let read = try #require(try FileJournal.read(stateDirectory: directory))
                #expect(read.snapshot == JournalSnapshot(seq: 5, payload: Array("state after 5".utf8)))
                #expect(texts(read.records) == ["r6"])
                #expect(try names(in: directory.journal) == ["000003.log", "snapshot.bin"])
            }
        }

        @Test("compacting an empty journal gives a snapshot at seq 0 and records continue at seq 1")
        func compactionOfEmptyJournal() throws {
            try withStateDirectory { directory in
                do {
                    let (journal, _) = try FileJournal.openForWriting(stateDirectory: directory)
                    defer { journal.close() }
                    try journal.compact(snapshot: [])
                    #expect(try journal.append([7]) == 1)
                }
                let read = try #require(try FileJournal.read(stateDirectory: directory))
                #expect(read.snapshot == JournalSnapshot(seq: 0, payload: []))
                #expect(read.records == [JournalRecord(seq: 1, payload: [7])])
            }
        }

        @Test("the state directory and journal directory are 0700 and every file is 0600")
        func permissions() throws {
            try withStateDirectory { directory in
                let (journal, _) = try FileJournal.openForWriting(stateDirectory: directory)
                try journal.append([1])
                try journal.compact(snapshot: [2])
                try journal.append([3])
                journal.close()
                // A torn tail leaves a .broken copy behind.
                let segment = directory.journal.file("000002.log")
                try truncate(segment, to: try bytes(of: segment).count - 1)
                try appendRecords([], to: directory)

                #expect(mode(of: directory) == 0o700)
                #expect(mode(of: directory.journal) == 0o700)
                let files = try names(in: directory.journal)
                #expect(files.contains { $0.hasPrefix("000002.log.broken-") })
                for name in files {
                    #expect(mode(of: directory.journal.file(name)) == 0o600, "\(name)")
                }
                #expect(mode(of: directory.file("lock")) == 0o600)
            }
        }

        @Test("a state directory that is a symbolic link works like the directory it points to")
        func symlinkedStateDirectory() throws {
            try withStateDirectory { directory in
                let target = directory.deletingLastPathComponent().appending(path: "real", directoryHint: .isDirectory)
                try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
                try FileManager.default.createSymbolicLink(at: directory, withDestinationURL: target)
                try appendRecords(["through the link"], to: directory)
                let read = try #require(try FileJournal.read(stateDirectory: target))
                #expect(texts(read.records) == ["through the link"])
            }
        }

        @Test("a closed journal refuses appends and compaction, and releases its lock")
        func close() throws {
            try withStateDirectory { directory in
                let (journal, _) = try FileJournal.openForWriting(stateDirectory: directory)
                journal.close()
                journal.close()
                #expect(journalError { try journal.append([1]) }?.code == .closed)
                #expect(journalError { try journal.compact(snapshot: []) }?.code == .closed)
                let (second, _) = try FileJournal.openForWriting(stateDirectory: directory)
                second.close()
            }
        }

        @Test("a payload over the limit is refused and the journal stays usable")
        func payloadTooLarge() throws {
            try withStateDirectory { directory in
                let (journal, _) = try FileJournal.openForWriting(stateDirectory: directory)
                defer { journal.close() }
                let large = [UInt8](repeating: 0, count: FileJournal.maximumPayloadLength + 1)
                #expect(journalError { try journal.append(large) }?.code == .payloadTooLarge)
                #expect(try journal.append([1]) == 1)
            }
        }
    }
}
