import Foundation
import Glibc
import SandboxLocking
import Testing

@testable import SandboxRuntime

/// A switch that makes the injected flush calls fail with `EIO`.
private final class FlushFailure: Sendable {
    private let failing = Locked((data: false, all: false))

    func failDataSync() { failing.withLock { $0.data = true } }
    func failFullSync() { failing.withLock { $0.all = true } }

    var sync: JournalSync {
        JournalSync(
            syncData: { fd in self.failing.withLock { $0.data } ? EIO : JournalSync.system.syncData(fd) },
            syncAll: { fd in self.failing.withLock { $0.all } ? EIO : JournalSync.system.syncAll(fd) }
        )
    }
}

extension JournalTests {
    @Suite("FileJournal: a failed flush is fatal")
    struct FileJournalSyncFailureTests {
        @Test("after fdatasync fails on append, the journal refuses every later call")
        func failedAppendFlush() throws {
            try withStateDirectory { directory in
                let failure = FlushFailure()
                let (journal, _) = try FileJournal.open(stateDirectory: directory, sync: failure.sync)
                #expect(try journal.append(Array("durable".utf8)) == 1)
                failure.failDataSync()

                let error = journalError { try journal.append(Array("lost?".utf8)) }
                #expect(error?.code == .fsyncFailed)
                #expect(error?.cause?.hasPrefix("EIO") == true)
                #expect(journal.lastSeq == 1)
                #expect(journalError { try journal.append([1]) }?.code == .unusable)
                #expect(journalError { try journal.compact(snapshot: []) }?.code == .unusable)
                journal.close()

                // A restart recovers from what reached the disk; the record whose flush failed may or may not be there.
                let (reopened, contents) = try FileJournal.openForWriting(stateDirectory: directory)
                defer { reopened.close() }
                #expect(texts(contents.records).first == "durable")
                #expect(try reopened.append([2]) == UInt64(contents.records.count + 1))
            }
        }

        @Test("after fsync fails during compaction, the journal refuses every later call")
        func failedCompactionFlush() throws {
            try withStateDirectory { directory in
                let failure = FlushFailure()
                let (journal, _) = try FileJournal.open(stateDirectory: directory, sync: failure.sync)
                defer { journal.close() }
                try journal.append([1])
                failure.failFullSync()
                #expect(journalError { try journal.compact(snapshot: [9]) }?.code == .fsyncFailed)
                #expect(journalError { try journal.append([2]) }?.code == .unusable)
            }
        }
    }
}
