import Foundation
import Testing

@testable import SandboxRuntime

extension JournalTests {
    @Suite("FileJournal: recovery from torn writes, corruption and interrupted compaction")
    struct FileJournalRecoveryTests {
        static let payloads = ["first record", "second record", "the third and last record"]

        /// Writes `payloads` into `directory` and returns the segment, its bytes, and where the last record starts.
        private func prepare(_ directory: URL) throws -> (segment: URL, full: [UInt8], lastStart: Int) {
            try appendRecords(Self.payloads, to: directory)
            let segment = directory.journal.file("000001.log")
            let full = try bytes(of: segment)
            return (segment, full, full.count - JournalFormat.recordHeaderLength - Self.payloads.last!.utf8.count)
        }

        @Test("a last record cut at every byte offset is ignored by readers and cut by the writer, keeping a copy")
        func tornTailAtEveryOffset() throws {
            try withStateDirectory { directory in
                let (segment, full, lastStart) = try prepare(directory)
                let intact = Array(Self.payloads.dropLast())
                for cut in 0..<(full.count - lastStart) {
                    try FileManager.default.removeItem(at: directory.journal)
                    try FileManager.default.createDirectory(at: directory.journal, withIntermediateDirectories: false)
                    try write(Array(full[..<(lastStart + cut)]), to: segment)

                    // A reader sees the intact records and changes nothing.
                    let read = try #require(try FileJournal.read(stateDirectory: directory))
                    #expect(texts(read.records) == intact, "cut \(cut)")
                    #expect(read.warnings.count == (cut == 0 ? 0 : 1), "cut \(cut)")
                    #expect(try bytes(of: segment) == Array(full[..<(lastStart + cut)]), "cut \(cut)")
                    #expect(try names(in: directory.journal) == ["000001.log"], "cut \(cut)")

                    // The writer cuts the tail, keeps exactly the cut bytes, and appends after the intact records.
                    let (journal, contents) = try FileJournal.openForWriting(stateDirectory: directory)
                    #expect(contents.records.map(\.seq) == [1, 2], "cut \(cut)")
                    #expect(texts(contents.records) == intact, "cut \(cut)")
                    #expect(try bytes(of: segment) == Array(full[..<lastStart]), "cut \(cut)")
                    let broken = directory.journal.file("000001.log.broken-\(lastStart)")
                    if cut == 0 {
                        #expect(contents.warnings.isEmpty)
                        #expect(!FileManager.default.fileExists(atPath: broken.plainPath))
                    } else {
                        #expect(contents.warnings.count == 1, "cut \(cut)")
                        #expect(contents.warnings.first?.contains(broken.plainPath) == true, "cut \(cut)")
                        #expect(try bytes(of: broken) == Array(full[lastStart..<(lastStart + cut)]), "cut \(cut)")
                    }
                    #expect(try journal.append(Array("after repair".utf8)) == 3, "cut \(cut)")
                    journal.close()

                    let reopened = try #require(try FileJournal.read(stateDirectory: directory))
                    #expect(texts(reopened.records) == intact + ["after repair"], "cut \(cut)")
                    #expect(reopened.warnings.isEmpty, "cut \(cut)")
                }
            }
        }

        @Test("a flipped bit in a record followed by valid records is refused as corruption, naming file and offset")
        func flippedBitInTheMiddle() throws {
            try withStateDirectory { directory in
                let (segment, full, lastStart) = try prepare(directory)
                let lastTwo = Self.payloads.dropFirst().map { JournalFormat.recordHeaderLength + $0.utf8.count }
                let secondStart = full.count - lastTwo.reduce(0, +)
                #expect(secondStart < lastStart)
                for offset in secondStart..<lastStart {
                    var damaged = full
                    damaged[offset] ^= 1 << UInt8(offset % 8)
                    try write(damaged, to: segment)

                    let writerError = journalError { try FileJournal.openForWriting(stateDirectory: directory) }
                    #expect(writerError?.code == .corrupted, "offset \(offset)")
                    #expect(writerError?.path == segment.plainPath, "offset \(offset)")
                    #expect(writerError?.offset == UInt64(secondStart), "offset \(offset)")
                    #expect(writerError?.message.contains(segment.plainPath) == true)
                    #expect(writerError?.message.contains("move it aside") == true)
                    #expect(try bytes(of: segment) == damaged, "the writer changed nothing")

                    let readerError = journalError { try FileJournal.read(stateDirectory: directory) }
                    #expect(readerError?.code == .corrupted, "offset \(offset)")
                }
            }
        }

        @Test("a flipped bit anywhere in the last record is treated as a torn tail")
        func flippedBitInTheLastRecord() throws {
            try withStateDirectory { directory in
                let (segment, full, lastStart) = try prepare(directory)
                for offset in lastStart..<full.count {
                    var damaged = full
                    damaged[offset] ^= 1 << UInt8(offset % 8)
                    try write(damaged, to: segment)

                    let read = try #require(try FileJournal.read(stateDirectory: directory))
                    #expect(read.records.map(\.seq) == [1, 2], "offset \(offset)")
                    let (journal, contents) = try FileJournal.openForWriting(stateDirectory: directory)
                    #expect(contents.records.map(\.seq) == [1, 2], "offset \(offset)")
                    #expect(contents.warnings.count == 1, "offset \(offset)")
                    #expect(try bytes(of: segment) == Array(full[..<lastStart]), "offset \(offset)")
                    journal.close()
                    for name in try names(in: directory.journal) where name.contains(".broken-") {
                        try FileManager.default.removeItem(at: directory.journal.file(name))
                    }
                }
            }
        }

        @Test("a zero-filled tail, as a file system may show after a crash, is a torn tail")
        func zeroFilledTail() throws {
            try withStateDirectory { directory in
                let (segment, full, _) = try prepare(directory)
                try write(full + [UInt8](repeating: 0, count: 1 << 20), to: segment)
                let (journal, contents) = try FileJournal.openForWriting(stateDirectory: directory)
                defer { journal.close() }
                #expect(texts(contents.records) == Self.payloads)
                #expect(contents.warnings.count == 1)
                #expect(try bytes(of: segment) == full)
            }
        }

        @Test("a damaged segment header or snapshot is corruption, never repaired")
        func damagedHeaderAndSnapshot() throws {
            try withStateDirectory { directory in
                let (segment, full, _) = try prepare(directory)
                var damaged = full
                damaged[10] ^= 0x04
                try write(damaged, to: segment)
                #expect(journalError { try FileJournal.openForWriting(stateDirectory: directory) }?.code == .corrupted)
                try write(full, to: segment)

                let (journal, _) = try FileJournal.openForWriting(stateDirectory: directory)
                try journal.compact(snapshot: Array("snapshot".utf8))
                journal.close()
                let snapshot = directory.journal.file("snapshot.bin")
                let good = try bytes(of: snapshot)
                try write(Array(good.dropLast()), to: snapshot)
                let error = journalError { try FileJournal.read(stateDirectory: directory) }
                #expect(error?.code == .corrupted)
                #expect(error?.path == snapshot.plainPath)
            }
        }

        @Test("a snapshot without any segment is refused: records after it may be lost")
        func snapshotWithoutSegments() throws {
            try withStateDirectory { directory in
                let (journal, _) = try FileJournal.openForWriting(stateDirectory: directory)
                try journal.compact(snapshot: [1])
                journal.close()
                try FileManager.default.removeItem(at: directory.journal.file("000002.log"))
                #expect(journalError { try FileJournal.openForWriting(stateDirectory: directory) }?.code == .corrupted)
            }
        }

        @Test(
            "a crash before the snapshot rename leaves the old state, and the writer deletes the temporary file",
            arguments: [false, true],
            [false, true]
        )
        func crashBeforeSnapshotRename(earlierSnapshot: Bool, completeTemporaryFile: Bool) throws {
            try withStateDirectory { directory in
                let lineage: String
                do {
                    let (journal, _) = try FileJournal.openForWriting(stateDirectory: directory)
                    defer { journal.close() }
                    for text in ["r1", "r2", "r3"] { try journal.append(Array(text.utf8)) }
                    if earlierSnapshot { try journal.compact(snapshot: Array("snapshot at 3".utf8)) }
                    for text in ["r4", "r5"] { try journal.append(Array(text.utf8)) }
                    lineage = journal.lineage
                }
                let before = try #require(try FileJournal.read(stateDirectory: directory))
                let filesBefore = try names(in: directory.journal)

                let temporary = directory.journal.file("snapshot.bin.tmp")
                let encoded = JournalFormat.encodeSnapshot(lineage: lineage, seq: 5, payload: Array("interrupted".utf8))
                try write(completeTemporaryFile ? encoded : Array(encoded.prefix(encoded.count / 2)), to: temporary)

                let read = try #require(try FileJournal.read(stateDirectory: directory))
                #expect(read == before)
                #expect(FileManager.default.fileExists(atPath: temporary.plainPath), "readers leave it alone")

                let (journal, contents) = try FileJournal.openForWriting(stateDirectory: directory)
                defer { journal.close() }
                #expect(contents.snapshot == before.snapshot)
                #expect(contents.records == before.records)
                #expect(contents.lineage == before.lineage)
                #expect(journal.lastSeq == 5)
                #expect(try names(in: directory.journal) == filesBefore)
                #expect(contents.warnings.contains { $0.contains("snapshot.bin.tmp") })
            }
        }

        @Test(
            "a crash after the snapshot rename but before old segments were deleted applies no record twice",
            arguments: [false, true]
        )
        func crashAfterSnapshotRename(newSegmentCreated: Bool) throws {
            try withStateDirectory { directory in
                try appendRecords(["r1", "r2", "r3"], to: directory)
                let oldSegment = directory.journal.file("000001.log")
                let oldBytes = try bytes(of: oldSegment)
                do {
                    let (journal, _) = try FileJournal.openForWriting(stateDirectory: directory)
                    defer { journal.close() }
                    try journal.compact(snapshot: Array("snapshot at 3".utf8))
                }
                // Put the disk back the way a crash between the rename and the deletion would have left it.
                try write(oldBytes, to: oldSegment)
                if !newSegmentCreated { try FileManager.default.removeItem(at: directory.journal.file("000002.log")) }

                let expectedSnapshot = JournalSnapshot(seq: 3, payload: Array("snapshot at 3".utf8))
                let read = try #require(try FileJournal.read(stateDirectory: directory))
                #expect(read.snapshot == expectedSnapshot)
                #expect(read.records.isEmpty)

                do {
                    let (journal, contents) = try FileJournal.openForWriting(stateDirectory: directory)
                    defer { journal.close() }
                    #expect(contents.snapshot == expectedSnapshot)
                    #expect(contents.records.isEmpty)
                    #expect(journal.lastSeq == 3)
                    #expect(try journal.append(Array("r4".utf8)) == 4)
                }
                #expect(try names(in: directory.journal) == ["000002.log", "snapshot.bin"])
                let reopened = try #require(try FileJournal.read(stateDirectory: directory))
                #expect(reopened.snapshot == expectedSnapshot)
                #expect(reopened.records == [JournalRecord(seq: 4, payload: Array("r4".utf8))])
            }
        }

        @Test("records a snapshot covers are skipped and the ones after it are kept")
        func recordsCoveredBySnapshotAreSkipped() throws {
            try withStateDirectory { directory in
                let lineage = try appendRecords(["r1", "r2", "r3", "r4", "r5"], to: directory).lineage
                let snapshot = JournalFormat.encodeSnapshot(lineage: lineage, seq: 3, payload: [3])
                try write(snapshot, to: directory.journal.file("snapshot.bin"))

                let (journal, contents) = try FileJournal.openForWriting(stateDirectory: directory)
                defer { journal.close() }
                #expect(contents.snapshot == JournalSnapshot(seq: 3, payload: [3]))
                #expect(contents.records.map(\.seq) == [4, 5])
                #expect(try journal.append([6]) == 6)
            }
        }

        @Test("a snapshot from another journal is corruption")
        func snapshotFromAnotherLineage() throws {
            try withStateDirectory { directory in
                try appendRecords(["r1"], to: directory)
                let foreign = JournalFormat.encodeSnapshot(lineage: UUID().uuidString.lowercased(), seq: 1, payload: [])
                try write(foreign, to: directory.journal.file("snapshot.bin"))
                #expect(journalError { try FileJournal.read(stateDirectory: directory) }?.code == .corrupted)
            }
        }
    }
}
