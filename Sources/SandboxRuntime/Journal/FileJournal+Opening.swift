import Foundation
import Glibc
import SandboxCore

extension FileJournal {
    /// The name of the journal directory inside the state directory.
    static let directoryName = "journal"

    /// Opens the journal for writing under `lock`: the body of ``openForWriting(stateDirectory:)``.
    ///
    /// - Parameters:
    ///   - lock: A held lock on the state directory.
    ///   - ownsLock: Whether the journal releases `lock` on ``close()``.
    ///   - sync: The flush calls.
    static func open(
        lock: StateDirectoryLock,
        ownsLock: Bool,
        sync: JournalSync
    ) throws(JournalError) -> (journal: FileJournal, contents: JournalContents) {
        guard lock.isHeld else {
            throw JournalError(
                code: .io,
                message: "the lock on \(lock.directoryPath) was released before the journal was opened; this is "
                    + "a bug in sandboxd, please report it",
                path: lock.directoryPath
            )
        }
        let directory = JournalIO.join(lock.directoryPath, directoryName)
        try JournalIO.makeDirectory(directory, sync: sync.syncAll)
        var warnings = try removeTemporaryFiles(in: directory, sync: sync)

        guard let scan = try JournalScan.scan(directory: directory) else {
            let lineage = UUID().uuidString.lowercased()
            let segment = try createSegment(in: directory, number: 1, lineage: lineage, firstSeq: 1, sync: sync)
            let journal = FileJournal(
                lineage: lineage,
                directory: directory,
                sync: sync,
                state: State(
                    descriptor: segment.descriptor,
                    segmentNumber: 1,
                    segmentPath: segment.path,
                    segmentLength: segment.length,
                    lastSeq: 0,
                    failure: nil,
                    ownedLock: ownsLock ? lock : nil,
                    lock: lock
                )
            )
            return (journal, JournalContents(lineage: lineage, snapshot: nil, records: [], warnings: warnings))
        }

        if let torn = scan.tornTail {
            let copy = try repair(torn, in: directory, sync: sync)
            warnings.append(
                "journal segment \(torn.path) ended with an incomplete record at offset \(torn.offset) "
                    + "(\(torn.bytes.count) bytes; \(torn.reason)), probably from a crash during a write; cut it "
                    + "and kept the bytes in \(copy)"
            )
        }

        let active = try finishInterruptedCompaction(scan, in: directory, sync: sync, warnings: &warnings)
        let descriptor = try openForAppending(active)
        let journal = FileJournal(
            lineage: scan.lineage,
            directory: directory,
            sync: sync,
            state: State(
                descriptor: descriptor,
                segmentNumber: active.number,
                segmentPath: active.path,
                segmentLength: active.validLength,
                lastSeq: scan.lastSeq,
                failure: nil,
                ownedLock: ownsLock ? lock : nil,
                lock: lock
            )
        )
        let contents = JournalContents(
            lineage: scan.lineage,
            snapshot: scan.snapshot,
            records: scan.records,
            warnings: warnings
        )
        return (journal, contents)
    }

    /// Removes the temporary files in `directory`: they only count once renamed, so whatever wrote them was
    /// interrupted.
    ///
    /// - Returns: A warning for each file removed.
    private static func removeTemporaryFiles(in directory: String, sync: JournalSync) throws(JournalError) -> [String] {
        var warnings: [String] = []
        let names = try JournalIO.listDirectory(directory) ?? []
        let leftovers = names.filter(JournalScan.isTemporary).sorted()
        for name in leftovers {
            try JournalIO.remove(JournalIO.join(directory, name))
            warnings.append(
                "removed \(JournalIO.join(directory, name)), left by an interrupted write; the journal is as it "
                    + "was before that write"
            )
        }
        if !leftovers.isEmpty { try JournalIO.syncDirectory(directory, with: sync.syncAll) }
        return warnings
    }

    /// Finishes an interrupted compaction: a snapshot taken but older segments still present.
    ///
    /// - Returns: The segment to append to: the scan's last, or a fresh one when the snapshot covers every
    ///   record in the last.
    private static func finishInterruptedCompaction(
        _ scan: JournalScan,
        in directory: String,
        sync: JournalSync,
        warnings: inout [String]
    ) throws(JournalError) -> JournalScan.Segment {
        guard var active = scan.segments.last else { preconditionFailure("a scan without segments returns nil") }
        let lastSeq = scan.lastSeq
        let snapshotSeq = scan.snapshotSeq
        if scan.snapshot != nil && active.firstSeq <= snapshotSeq && active.endSeq <= snapshotSeq {
            // Every record in the last segment is covered: continue in a fresh segment, as compaction would have.
            let segment = try createSegment(
                in: directory,
                number: active.number + 1,
                lineage: scan.lineage,
                firstSeq: lastSeq + 1,
                sync: sync
            )
            JournalIO.close(segment.descriptor)
            active = JournalScan.Segment(
                number: active.number + 1,
                path: segment.path,
                firstSeq: lastSeq + 1,
                recordCount: 0,
                validLength: segment.length
            )
        }
        let redundant = zip(scan.segments, scan.segments.dropFirst() + [active])
            .filter { segment, next in segment.number < active.number && next.firstSeq <= snapshotSeq + 1 }
        if let newest = redundant.last?.0 {
            try removeSegments(in: directory, before: newest.number + 1, sync: sync)
            warnings.append(
                "removed \(Counted.phrase(redundant.count, "journal segment")) covered by the snapshot, left by an interrupted "
                    + "compaction"
            )
        }
        return active
    }

    /// Opens `active` for appending, checking it is still as long as the scan found it.
    ///
    /// - Returns: The descriptor, open `O_WRONLY | O_APPEND`.
    private static func openForAppending(_ active: JournalScan.Segment) throws(JournalError) -> CInt {
        guard
            let descriptor = try JournalIO.open(
                active.path,
                flags: O_WRONLY | O_APPEND,
                purpose: "appending to the journal"
            )
        else { preconditionFailure("open without nilIfMissing returns a descriptor or throws") }
        var size = stat()
        guard fstat(descriptor, &size) == 0, Int(size.st_size) == active.validLength else {
            JournalIO.close(descriptor)
            throw JournalError(
                code: .io,
                message: "\(active.path) changed while the journal was being opened; is another program writing "
                    + "the state directory? Try again",
                path: active.path
            )
        }
        return descriptor
    }

    /// Creates segment `number` with a header for `firstSeq`: written as `NNNNNN.log.tmp`, flushed, renamed and
    /// the directory flushed, so the segment either exists complete or not at all.
    ///
    /// - Returns: The new segment's descriptor (open for appending), path and length (its header's).
    static func createSegment(
        in directory: String,
        number: Int,
        lineage: String,
        firstSeq: UInt64,
        sync: JournalSync
    ) throws(JournalError) -> (descriptor: CInt, path: String, length: Int) {
        let path = JournalIO.join(directory, JournalScan.segmentName(number))
        let temporaryPath = path + JournalScan.temporarySuffix
        let header = JournalFormat.encodeSegmentHeader(lineage: lineage, firstSeq: firstSeq)
        try JournalIO.remove(temporaryPath)
        guard JournalIO.exists(path) == false else {
            throw JournalError(
                code: .io,
                message: "\(path) already exists; is another program writing the state directory?",
                path: path
            )
        }
        guard
            let descriptor = try JournalIO.open(
                temporaryPath,
                flags: O_WRONLY | O_CREAT | O_EXCL | O_APPEND,
                purpose: "creating a journal segment"
            )
        else { preconditionFailure("open without nilIfMissing returns a descriptor or throws") }
        do throws(JournalError) {
            let result = JournalIO.writeAll(descriptor, header)
            guard result == 0 else {
                throw JournalIO.failure(.io, "cannot write \(temporaryPath)", path: temporaryPath, errno: result)
            }
            try JournalIO.sync(descriptor, path: temporaryPath, with: sync.syncAll)
            try JournalIO.rename(temporaryPath, to: path)
            try JournalIO.syncDirectory(directory, with: sync.syncAll)
        } catch {
            JournalIO.close(descriptor)
            try? JournalIO.remove(temporaryPath)
            throw error
        }
        return (descriptor, path, header.count)
    }

    /// Deletes every segment numbered below `number`, then flushes the directory. Failures to delete are
    /// ignored (the next open or compaction tries again); a failed flush is not.
    static func removeSegments(in directory: String, before number: Int, sync: JournalSync) throws(JournalError) {
        let names = try JournalIO.listDirectory(directory) ?? []
        for name in names {
            guard let segment = JournalScan.segmentNumber(name), segment < number else { continue }
            try? JournalIO.remove(JournalIO.join(directory, name))
        }
        try JournalIO.syncDirectory(directory, with: sync.syncAll)
    }

    /// Cuts a torn tail, etcd `Repair` style: copies the bytes to `<segment>.broken-<offset>` (flushed), truncates
    /// the segment to `offset`, flushes it and the directory.
    ///
    /// - Returns: The path of the copy.
    static func repair(
        _ torn: JournalScan.TornTail,
        in directory: String,
        sync: JournalSync
    ) throws(JournalError)
        -> String
    {
        var copy = "\(torn.path).broken-\(torn.offset)"
        var attempt = 1
        while JournalIO.exists(copy) {
            attempt += 1
            copy = "\(torn.path).broken-\(torn.offset)-\(attempt)"
        }
        try JournalIO.writeNewFile(copy, bytes: torn.bytes, sync: sync.syncAll)

        guard
            let descriptor = try JournalIO.open(torn.path, flags: O_WRONLY, purpose: "cutting a torn journal tail")
        else { preconditionFailure("open without nilIfMissing returns a descriptor or throws") }
        defer { JournalIO.close(descriptor) }
        if ftruncate(descriptor, off_t(torn.offset)) != 0 {
            throw JournalIO.failure(.io, "cannot truncate \(torn.path) to cut its torn tail", path: torn.path)
        }
        try JournalIO.sync(descriptor, path: torn.path, with: sync.syncAll)
        try JournalIO.syncDirectory(directory, with: sync.syncAll)
        return copy
    }
}
