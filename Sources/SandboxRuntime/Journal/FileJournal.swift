public import Foundation
import Glibc
import SandboxLocking

/// The durable, append-only journal in `<state-dir>/journal/`: opaque records with consecutive sequence
/// numbers, plus an optional snapshot that stands for all records up to its seq.
///
/// It stores bytes; what they mean is up to the layer above. A record is durable when ``append(_:)`` or
/// ``append(contentsOf:)`` returns: it was written on an `O_APPEND` descriptor and flushed with `fdatasync`, one
/// flush for all the records of one call (the group commit, docs/behaviour.md §3.13). The on-disk format
/// is described in `JournalFormat`; recovery follows etcd's WAL (torn tail cut, anything else refused).
///
/// Layout of the journal directory (mode 0700; files mode 0600):
/// - `NNNNNN.log` — segments, numbered from `000001.log`; records are appended to the highest-numbered one.
/// - `snapshot.bin` — the latest snapshot, replaced atomically (`snapshot.bin.tmp`, fsync, rename, fsync dir).
/// - `NNNNNN.log.broken-OFFSET` — bytes cut from a torn tail, kept for diagnosis; never read.
///
/// One writer per state directory: ``openForWriting(stateDirectory:)`` takes the ``StateDirectoryLock`` and
/// keeps it until ``close()`` (or until the journal is deinitialized); ``openForWriting(lock:)`` uses a lock
/// the caller already holds and leaves releasing it to the caller. Readers use ``read(stateDirectory:)``, which
/// takes no lock and never writes.
///
/// - Important: A failed flush (`fsync`/`fdatasync`) is fatal, as in PostgreSQL after "fsyncgate": the call
///   throws ``JournalError/Code/fsyncFailed`` and every later call throws ``JournalError/Code/unusable``. Exit
///   and let the restart recover from what reached the disk. A record whose flush failed may or may not be in
///   the journal after the restart, exactly like a record being appended when the machine crashed.
public final class FileJournal: Sendable {
    /// The largest payload ``append(_:)`` accepts: 16 MiB.
    public static let maximumPayloadLength = JournalFormat.maximumPayloadLength

    /// The journal's lineage: a random UUID string made when the journal was created.
    public let lineage: String
    /// The journal directory (`<state-dir>/journal`).
    let directory: String
    /// The flush calls, replaceable in tests.
    let sync: JournalSync
    /// Everything that changes, behind one lock: calls are serialized.
    private let state: Locked<State>

    /// The mutable part of a journal.
    struct State {
        /// The descriptor of the active segment, opened `O_WRONLY | O_APPEND`; `-1` once closed.
        var descriptor: CInt
        /// The active segment's number.
        var segmentNumber: Int
        /// The active segment's path.
        var segmentPath: String
        /// The active segment's length: where the next record will start.
        var segmentLength: Int
        /// The seq of the last record appended (or covered by the snapshot).
        var lastSeq: UInt64
        /// The fatal error that made the journal unusable, if any.
        var failure: JournalError?
        /// The lock this journal took itself and releases on ``FileJournal/close()``; `nil` when the caller
        /// passed one in (the caller releases it) or after closing.
        var ownedLock: StateDirectoryLock?
        /// The lock the journal writes under, kept alive while the journal is open.
        var lock: StateDirectoryLock?
    }

    /// Creates a journal around an already opened active segment. Use ``openForWriting(stateDirectory:)``.
    init(lineage: String, directory: String, sync: JournalSync, state: State) {
        self.lineage = lineage
        self.directory = directory
        self.sync = sync
        self.state = Locked(state)
    }

    deinit {
        close()
    }

    // MARK: Opening

    /// Opens the journal in `stateDirectory` for writing, taking the state directory's lock for as long as the
    /// journal is open.
    ///
    /// Creates the journal if there is none (a new random lineage; files and directories flushed), deletes
    /// temporary files left by an interrupted compaction or segment creation, finishes an interrupted
    /// compaction, and repairs a torn tail: the cut bytes are kept in `<segment>.broken-<offset>`, the segment is
    /// truncated to its last valid record and flushed, and ``JournalContents/warnings`` says so.
    ///
    /// - Parameter stateDirectory: The state directory (`--state-dir`); created (mode 0700) if missing.
    /// - Returns: The open journal and everything it held.
    /// - Throws: ``JournalError``: ``JournalError/Code/lockHeld(pid:)`` when another sandboxd writes the directory;
    ///   ``JournalError/Code/corrupted`` when the journal is damaged other than at its tail (nothing is changed;
    ///   the message names the file and offset and what the operator can do); ``JournalError/Code/fsyncFailed``
    ///   or ``JournalError/Code/io`` when the disk fails.
    public static func openForWriting(
        stateDirectory: URL
    ) throws(JournalError) -> (journal: FileJournal, contents: JournalContents) {
        try open(stateDirectory: stateDirectory, sync: .system)
    }

    /// Opens the journal in the state directory that `lock` guards, for writing, under that lock.
    ///
    /// Behaves like ``openForWriting(stateDirectory:)`` but does not take the lock itself, for callers that need
    /// the lock before (or after) the journal. The journal keeps `lock` alive but does not release it, not even
    /// on ``close()``: that is the caller's job.
    ///
    /// - Parameter lock: A held lock on the state directory.
    /// - Returns: The open journal and everything it held.
    /// - Throws: ``JournalError``; ``JournalError/Code/io`` if `lock` was already released.
    public static func openForWriting(
        lock: StateDirectoryLock
    ) throws(JournalError) -> (journal: FileJournal, contents: JournalContents) {
        try open(lock: lock, ownsLock: false, sync: .system)
    }

    /// ``openForWriting(stateDirectory:)`` with replaceable flush calls, for tests.
    static func open(
        stateDirectory: URL,
        sync: JournalSync
    ) throws(JournalError) -> (journal: FileJournal, contents: JournalContents) {
        let lock = try StateDirectoryLock.acquire(stateDirectory: stateDirectory)
        return try open(lock: lock, ownsLock: true, sync: sync)
    }

    /// Reads the journal in `stateDirectory` without writing anything and without taking the lock, for
    /// commands that only look (`status`, `plan`).
    ///
    /// A torn tail is ignored and reported in ``JournalContents/warnings`` (the writer repairs it on its next
    /// start); leftover temporary files are ignored. If a compaction runs while reading, the read is retried.
    ///
    /// - Parameter stateDirectory: The state directory (`--state-dir`).
    /// - Returns: The journal's contents, or `nil` if the state directory has no journal yet.
    /// - Throws: ``JournalError`` with ``JournalError/Code/corrupted`` for damage other than a torn tail, or
    ///   ``JournalError/Code/io`` if a file cannot be read.
    public static func read(stateDirectory: URL) throws(JournalError) -> JournalContents? {
        let directory = JournalIO.join(JournalIO.path(of: stateDirectory), "journal")
        var attemptsLeft = 4
        while true {
            let before = generation(of: directory)
            let scan: JournalScan?
            do throws(JournalError) {
                scan = try JournalScan.scan(directory: directory)
            } catch {
                // A compaction replacing the snapshot and deleting segments under our feet looks like damage.
                guard attemptsLeft > 0, generation(of: directory) != before else { throw error }
                attemptsLeft -= 1
                continue
            }
            if attemptsLeft > 0 && generation(of: directory) != before {
                attemptsLeft -= 1
                continue
            }
            guard let scan else { return nil }
            var warnings: [String] = []
            if let torn = scan.tornTail {
                warnings.append(
                    "journal segment \(torn.path) ends with an incomplete record at offset \(torn.offset) "
                        + "(\(torn.bytes.count) bytes; \(torn.reason)), probably from a crash during a write; it is "
                        + "ignored here and cut by the next sandboxd that opens the journal for writing"
                )
            }
            return JournalContents(
                lineage: scan.lineage,
                snapshot: scan.snapshot,
                records: scan.records,
                warnings: warnings
            )
        }
    }

    /// What identifies the journal directory's files: a compaction changes it.
    private static func generation(of directory: String) -> [String] {
        let names = ((try? JournalIO.listDirectory(directory)) ?? nil) ?? []
        let snapshot = JournalIO.inode(JournalIO.join(directory, JournalScan.snapshotName)).map(String.init) ?? "-"
        return [snapshot] + names.filter { JournalScan.segmentNumber($0) != nil }.sorted()
    }

    // MARK: Writing

    /// The seq of the last record appended or covered by the snapshot; `0` for an empty journal.
    public var lastSeq: UInt64 {
        state.withLock { $0.lastSeq }
    }

    /// Appends one record and flushes it to disk: ``append(contentsOf:)`` with one record.
    ///
    /// - Parameter payload: The record's bytes, at most ``maximumPayloadLength``.
    /// - Returns: The record's seq, ``lastSeq`` + 1.
    /// - Important: The record is durable when this returns, and only then: act on it (call AWS, acknowledge an
    ///   outcome) afterwards. A flush failure is fatal (see ``FileJournal``).
    /// - Throws: See ``append(contentsOf:)``.
    @discardableResult
    public func append(_ payload: [UInt8]) throws(JournalError) -> UInt64 {
        try append(contentsOf: [payload])
    }

    /// Appends records with consecutive seqs and flushes them to disk once: the group commit of
    /// docs/behaviour.md §3.13.
    ///
    /// The records are framed one after the other into one buffer, written with `write()` to the active
    /// segment (opened `O_APPEND`) and flushed with one `fdatasync`. If the write fails, what was written is
    /// truncated away and the journal stays usable. A crash before the flush returns leaves a prefix of the
    /// records on disk (any of them may be torn, and is cut on the next open), never a later record without
    /// an earlier one.
    ///
    /// - Parameter payloads: The records' bytes, each at most ``maximumPayloadLength``; none writes nothing.
    /// - Returns: The last record's seq (``lastSeq`` when `payloads` is empty).
    /// - Important: The records are durable when this returns, and only then. A flush failure is fatal.
    /// - Throws: ``JournalError`` with ``JournalError/Code/fsyncFailed`` (fatal), ``JournalError/Code/io``,
    ///   ``JournalError/Code/payloadTooLarge``, ``JournalError/Code/unusable`` or ``JournalError/Code/closed``.
    @discardableResult
    public func append(contentsOf payloads: [[UInt8]]) throws(JournalError) -> UInt64 {
        try state.withLock { (state) throws(JournalError) -> UInt64 in
            try state.checkUsable()
            guard !payloads.isEmpty else { return state.lastSeq }
            var frames: [UInt8] = []
            frames.reserveCapacity(payloads.reduce(0) { $0 + $1.count + JournalFormat.recordHeaderLength })
            var seq = state.lastSeq
            for payload in payloads {
                guard payload.count <= Self.maximumPayloadLength else {
                    throw JournalError(
                        code: .payloadTooLarge,
                        message: "a journal record of \(payload.count) bytes exceeds the limit of "
                            + "\(Self.maximumPayloadLength) bytes; this is a bug in sandboxd, please report it",
                        path: state.segmentPath
                    )
                }
                seq += 1
                frames += JournalFormat.encodeRecord(seq: seq, payload: payload)
            }
            try state.write(frames)
            try state.flush(with: sync.syncData)
            state.segmentLength += frames.count
            state.lastSeq = seq
            return seq
        }
    }

    /// Replaces the snapshot with `payload`, covering every record up to ``lastSeq``, and drops the segments it
    /// makes redundant.
    ///
    /// Steps, each safe to interrupt: write `snapshot.bin.tmp` (`O_CREAT | O_EXCL`), flush it, rename it to
    /// `snapshot.bin`, flush the directory; create the next segment (first seq ``lastSeq`` + 1) the same way and
    /// switch appends to it; delete the older segments and flush the directory. A crash before the rename
    /// leaves the old state (the temporary file is deleted on the next open); a crash after it leaves old
    /// segments whose records are skipped on open (their seqs are covered by the snapshot) and then deleted.
    /// A failure to delete an old segment is not reported; the next open or compaction deletes it.
    ///
    /// - Parameter payload: The snapshot's bytes: the state that all records up to ``lastSeq`` produced.
    /// - Throws: ``JournalError`` with ``JournalError/Code/fsyncFailed`` (fatal), ``JournalError/Code/io`` (the
    ///   journal is unchanged or the snapshot was already taken; it stays usable either way),
    ///   ``JournalError/Code/unusable`` or ``JournalError/Code/closed``.
    public func compact(snapshot payload: [UInt8]) throws(JournalError) {
        try state.withLock { (state) throws(JournalError) in
            try state.checkUsable()
            do throws(JournalError) {
                try compact(&state, payload: payload)
            } catch {
                if error.code == .fsyncFailed { state.failure = error }
                throw error
            }
        }
    }

    /// The body of ``compact(snapshot:)``, under the state lock.
    private func compact(_ state: inout State, payload: [UInt8]) throws(JournalError) {
        let seq = state.lastSeq
        let snapshotPath = JournalIO.join(directory, JournalScan.snapshotName)
        let temporaryPath = snapshotPath + JournalScan.temporarySuffix
        try JournalIO.remove(temporaryPath)
        try JournalIO.writeNewFile(
            temporaryPath,
            bytes: JournalFormat.encodeSnapshot(lineage: lineage, seq: seq, payload: payload),
            sync: sync.syncAll
        )
        do throws(JournalError) {
            try JournalIO.rename(temporaryPath, to: snapshotPath)
        } catch {
            try? JournalIO.remove(temporaryPath)
            throw error
        }
        try JournalIO.syncDirectory(directory, with: sync.syncAll)

        let next = try Self.createSegment(
            in: directory,
            number: state.segmentNumber + 1,
            lineage: lineage,
            firstSeq: seq + 1,
            sync: sync
        )
        JournalIO.close(state.descriptor)
        state.descriptor = next.descriptor
        state.segmentNumber += 1
        state.segmentPath = next.path
        state.segmentLength = next.length

        try Self.removeSegments(in: directory, before: state.segmentNumber, sync: sync)
    }

    /// Closes the journal: closes the active segment and releases the state directory's lock if the journal
    /// took it itself. Later calls throw ``JournalError/Code/closed``. Calling it again does nothing.
    public func close() {
        state.withLock { state in
            if state.descriptor >= 0 {
                JournalIO.close(state.descriptor)
                state.descriptor = -1
            }
            state.ownedLock?.release()
            state.ownedLock = nil
            state.lock = nil
        }
    }
}

extension FileJournal.State {
    /// Throws if the journal was closed or made unusable by a fatal error.
    func checkUsable() throws(JournalError) {
        if let failure {
            throw JournalError(
                code: .unusable,
                message: "the journal is unusable after an earlier failure (\(failure.message))",
                path: failure.path,
                cause: failure.cause
            )
        }
        guard descriptor >= 0 else {
            throw JournalError(code: .closed, message: "the journal was closed", path: segmentPath)
        }
    }

    /// Writes framed records at the end of the active segment; on failure cuts what was written, so the next
    /// append does not follow damage.
    mutating func write(_ frames: [UInt8]) throws(JournalError) {
        let result = JournalIO.writeAll(descriptor, frames)
        guard result != 0 else { return }
        if ftruncate(descriptor, off_t(segmentLength)) != 0 {
            let error = JournalIO.failure(
                .io,
                "a failed write left a partial record in \(segmentPath) that could not be cut; "
                    + "restart sandboxd, which treats it as a torn tail",
                path: segmentPath
            )
            failure = error
            throw error
        }
        throw JournalIO.failure(
            .io,
            "cannot append to \(segmentPath); check free space and the disk",
            path: segmentPath,
            errno: result
        )
    }

    /// Flushes the active segment; a failure makes the journal unusable.
    mutating func flush(with sync: @Sendable (CInt) -> CInt) throws(JournalError) {
        do throws(JournalError) {
            try JournalIO.sync(descriptor, path: segmentPath, with: sync)
        } catch {
            failure = error
            throw error
        }
    }
}
