/// What a journal directory holds, checked: the result of reading every segment and the snapshot.
///
/// Shared by the writer (``FileJournal/openForWriting(stateDirectory:)``), which then repairs and tidies, and
/// by readers (``FileJournal/read(stateDirectory:)``), which only look. Scanning never writes.
///
/// Rules, in the spirit of etcd's WAL decoder:
/// - Every segment header and the snapshot must be intact and carry the same lineage.
/// - Within a segment, records have consecutive seqs starting at the header's `firstSeq`.
/// - Segment `n+1` starts right after segment `n` ends, unless the gap or overlap lies entirely within what the
///   snapshot covers (left behind by a compaction interrupted before old segments were deleted).
/// - A record that does not decode in the last segment, with no valid record anywhere after it, is a torn tail
///   (a crash during a write): reported in ``tornTail``. Anything else that does not decode is corruption.
struct JournalScan {
    /// One segment file, checked.
    struct Segment {
        /// The number in the file name (`000007.log` is 7).
        var number: Int
        /// The segment file's path.
        var path: String
        /// The seq of the segment's first record.
        var firstSeq: UInt64
        /// How many valid records the segment holds.
        var recordCount: UInt64
        /// The byte offset just after the last valid record (or after the header when there is none).
        var validLength: Int

        /// The seq of the segment's last valid record; `firstSeq - 1` when it has none.
        var endSeq: UInt64 { firstSeq + recordCount - 1 }
    }

    /// An incomplete or damaged record at the end of the last segment, with nothing valid after it.
    struct TornTail {
        /// The segment file's path.
        var path: String
        /// Where the torn record starts; the file's valid part ends here.
        var offset: Int
        /// The bytes from `offset` to the end of the file.
        var bytes: [UInt8]
        /// Why the record did not decode, as a short phrase.
        var reason: String
    }

    /// The name of the snapshot file in the journal directory.
    static let snapshotName = "snapshot.bin"
    /// The suffix of files being written that only count once renamed.
    static let temporarySuffix = ".tmp"

    /// The journal directory scanned.
    var directory: String
    /// The lineage shared by all files.
    var lineage: String
    /// The snapshot, if there is one.
    var snapshot: JournalSnapshot?
    /// The segments in order.
    var segments: [Segment]
    /// The valid records after the snapshot, in order.
    var records: [JournalRecord]
    /// The torn tail of the last segment, if any.
    var tornTail: TornTail?
    /// Names of leftover temporary files (`snapshot.bin.tmp`, `NNNNNN.log.tmp`) from an interrupted write.
    var temporaryFiles: [String]

    /// The seq the snapshot covers up to, `0` without one.
    var snapshotSeq: UInt64 { snapshot?.seq ?? 0 }

    /// The seq of the last record in the journal, covered by the snapshot or not.
    var lastSeq: UInt64 { max(snapshotSeq, segments.last.map(\.endSeq) ?? 0) }

    /// The segment file name for `number`: six digits, zero-padded (`000001.log`).
    static func segmentName(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".log"
    }

    /// The number of a segment file name, or `nil` if `name` is not one.
    static func segmentNumber(_ name: String) -> Int? {
        guard name.hasSuffix(".log") else { return nil }
        let digits = name.dropLast(4)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    /// Whether `name` is a temporary file the journal writes and renames.
    static func isTemporary(_ name: String) -> Bool {
        guard name.hasSuffix(temporarySuffix) else { return false }
        let base = String(name.dropLast(temporarySuffix.count))
        return base == snapshotName || segmentNumber(base) != nil
    }

    /// Reads and checks the journal in `directory`.
    ///
    /// - Returns: `nil` when there is no journal: the directory is missing, or holds neither a segment nor a
    ///   snapshot (a journal whose creation was interrupted).
    /// - Throws: ``JournalError`` with ``JournalError/Code/corrupted`` or ``JournalError/Code/unsupportedFormat``
    ///   for damage that is not a torn tail, ``JournalError/Code/io`` when a file cannot be read.
    static func scan(directory: String) throws(JournalError) -> JournalScan? {
        guard let names = try JournalIO.listDirectory(directory) else { return nil }
        let temporaryFiles = names.filter(isTemporary).sorted()
        let numbered = names.compactMap { name in segmentNumber(name).map { (number: $0, name: name) } }
            .sorted { $0.number < $1.number }

        let (snapshotLineage, snapshot) = try readSnapshot(in: directory)

        guard !numbered.isEmpty else {
            guard snapshot != nil else { return nil }
            throw JournalError(
                code: .corrupted,
                message: "the journal in \(directory) has a snapshot but no segment files, so records written "
                    + "after the snapshot may be lost. Restore the directory from a backup, or move it aside to "
                    + "start a new journal (sandboxd then adopts live products by their tags)",
                path: directory
            )
        }

        var lineage = snapshotLineage
        var scan = JournalScan(
            directory: directory,
            lineage: lineage ?? "",
            snapshot: snapshot,
            segments: [],
            records: [],
            tornTail: nil,
            temporaryFiles: temporaryFiles
        )
        for (index, entry) in numbered.enumerated() {
            let path = JournalIO.join(directory, entry.name)
            guard let bytes = try JournalIO.readFile(path) else {
                throw JournalError(
                    code: .io,
                    message: "\(path) disappeared while the journal was being read; try again",
                    path: path
                )
            }
            let header = try scan.checkedHeader(of: bytes, path: path, lineage: &lineage)
            try scan.appendSegment(
                number: entry.number,
                path: path,
                bytes: bytes,
                header: header,
                isLast: index == numbered.count - 1
            )
        }
        scan.lineage = lineage ?? ""
        return scan
    }

    /// Reads the snapshot file in `directory`, if there is one, with the lineage it carries.
    private static func readSnapshot(
        in directory: String
    ) throws(JournalError) -> (lineage: String?, snapshot: JournalSnapshot?) {
        let snapshotPath = JournalIO.join(directory, snapshotName)
        guard let bytes = try JournalIO.readFile(snapshotPath) else { return (nil, nil) }
        switch JournalFormat.decodeSnapshot(consume bytes) {
        case .success(let decoded):
            return (decoded.lineage, decoded.snapshot)
        case .failure(let problem):
            throw headerError(problem, path: snapshotPath, directory: directory, what: "snapshot")
        }
    }

    /// Decodes the header of the segment at `path` and checks that it belongs to this journal (`lineage`, taken
    /// from it when nothing before set one) and continues where the segments before it end, or within what the
    /// snapshot covers.
    private func checkedHeader(
        of bytes: [UInt8],
        path: String,
        lineage: inout String?
    ) throws(JournalError) -> JournalFormat.SegmentHeader {
        let header: JournalFormat.SegmentHeader
        switch JournalFormat.decodeSegmentHeader(bytes) {
        case .success(let decoded): header = decoded
        case .failure(let problem):
            throw Self.headerError(problem, path: path, directory: directory, what: "segment")
        }
        if lineage == nil { lineage = header.lineage }
        guard header.lineage == lineage else {
            throw Self.corrupted(
                "\(path) belongs to journal \(header.lineage), not \(lineage ?? "")",
                path: path,
                offset: 0,
                directory: directory
            )
        }
        let expected = segments.last.map { $0.endSeq + 1 } ?? 1
        let coveredBySnapshot = header.firstSeq <= snapshotSeq + 1 && expected <= snapshotSeq + 1
        guard header.firstSeq >= 1, header.firstSeq == expected || coveredBySnapshot else {
            throw Self.corrupted(
                "\(path) starts at seq \(header.firstSeq) but the journal continues at seq \(expected): "
                    + "records are missing",
                path: path,
                offset: 0,
                directory: directory
            )
        }
        return header
    }

    /// Reads the records of one segment after its `header`: appends those after the snapshot to ``records``,
    /// notes a torn tail of the last segment in ``tornTail``, then appends the segment to ``segments``.
    private mutating func appendSegment(
        number: Int,
        path: String,
        bytes: [UInt8],
        header: JournalFormat.SegmentHeader,
        isLast: Bool
    ) throws(JournalError) {
        var segment = Segment(
            number: number,
            path: path,
            firstSeq: header.firstSeq,
            recordCount: 0,
            validLength: header.length
        )
        var offset = header.length
        while offset < bytes.count {
            switch JournalFormat.decodeRecord(bytes, at: offset) {
            case .record(let seq, let payload, let end):
                guard seq == segment.endSeq + 1 else {
                    throw Self.corrupted(
                        "\(path) has a record with seq \(seq) at offset \(offset) where seq "
                            + "\(segment.endSeq + 1) belongs: records are missing or out of order",
                        path: path,
                        offset: UInt64(offset),
                        directory: directory
                    )
                }
                if seq > snapshotSeq {
                    records.append(JournalRecord(seq: seq, payload: Array(bytes[payload])))
                }
                segment.recordCount += 1
                segment.validLength = end
                offset = end
            case .invalid(let problem):
                tornTail = try checkedTornTail(
                    in: bytes,
                    at: offset,
                    reason: problem.phrase,
                    path: path,
                    isLast: isLast
                )
                offset = bytes.count
            }
        }
        segments.append(segment)
    }

    /// The torn tail starting at `offset`, where a record does not decode for `reason`; corruption instead unless
    /// the segment is the last and no valid record follows.
    private func checkedTornTail(
        in bytes: [UInt8],
        at offset: Int,
        reason: String,
        path: String,
        isLast: Bool
    ) throws(JournalError) -> TornTail {
        if isLast, let following = Self.validRecordOffset(in: bytes, after: offset) {
            throw Self.corrupted(
                "\(path) has a damaged record at offset \(offset) (\(reason)) followed by a valid "
                    + "record at offset \(following)",
                path: path,
                offset: UInt64(offset),
                directory: directory
            )
        }
        guard isLast else {
            throw Self.corrupted(
                "\(path) has a damaged record at offset \(offset) (\(reason)) and is not the last "
                    + "segment",
                path: path,
                offset: UInt64(offset),
                directory: directory
            )
        }
        return TornTail(path: path, offset: offset, bytes: Array(bytes[offset...]), reason: reason)
    }

    /// The offset of the first valid record after `offset`, or `nil` if there is none: the test that tells a
    /// torn tail (nothing valid follows) from corruption (valid records follow).
    ///
    /// Every byte offset is tried, since a damaged length field says nothing about where the next record starts.
    /// Random bytes pass the CRC-32C check with probability 2⁻³², and all-zero bytes (what a file system may
    /// show after a crash) never do: a zero-length record's checksum is not zero.
    static func validRecordOffset(in bytes: [UInt8], after offset: Int) -> Int? {
        let headerLength = JournalFormat.recordHeaderLength
        let last = bytes.count - headerLength
        guard offset < last else { return nil }
        for candidate in (offset + 1)...last {
            // Cheap checks first: a record's seq is never 0, and its payload must fit in the file.
            let (length, seq) = bytes.withUnsafeBytes { raw in
                (
                    UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: candidate, as: UInt32.self)),
                    UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: candidate + 8, as: UInt64.self))
                )
            }
            guard seq != 0, Int(length) <= last - candidate else { continue }
            if case .record = JournalFormat.decodeRecord(bytes, at: candidate) { return candidate }
        }
        return nil
    }

    /// A ``JournalError/Code/corrupted`` error with the operator advice every corruption shares.
    static func corrupted(_ what: String, path: String, offset: UInt64?, directory: String) -> JournalError {
        JournalError(
            code: .corrupted,
            message: "the journal is corrupted: \(what). sandboxd does not repair this automatically. Keep a copy "
                + "of \(directory) for diagnosis, then restore it from a backup, or move it aside to start a new "
                + "journal (sandboxd then adopts live products by their tags)",
            path: path,
            offset: offset
        )
    }

    /// The error for a segment header or snapshot that does not decode.
    private static func headerError(
        _ problem: JournalFormat.HeaderProblem,
        path: String,
        directory: String,
        what: String
    ) -> JournalError {
        // A newer format is an upgrade to make, not damage (docs/behaviour.md §4.5, README "Operations").
        if case .unsupportedVersion(let version) = problem, version > JournalFormat.version {
            return JournalError(
                code: .unsupportedFormat,
                message: "\(path) was written by a newer sandboxd (format \(version)); this one reads format "
                    + "\(JournalFormat.version): upgrade sandboxd",
                path: path
            )
        }
        return corrupted(
            "the \(what) file \(path) is damaged: \(problem.phrase)",
            path: path,
            offset: 0,
            directory: directory
        )
    }
}
