import SandboxCrypto

/// The on-disk encoding of segment headers, records and snapshots. Pure: bytes in, values out.
///
/// All integers are little-endian; all checksums are CRC-32C (``CRC32C``).
///
/// Segment file `NNNNNN.log`:
/// ```
/// header: magic "SBXJ" | version:u16 | lineageLength:u16 | lineage (ASCII) | firstSeq:u64 | crc32c:u32
///         (the CRC covers every header byte before it)
/// record: length:u32 | crc32c:u32 | seq:u64 | payload[length]
///         (the CRC covers length, seq and payload, so a damaged length is caught too)
/// ```
/// Snapshot file `snapshot.bin`:
/// ```
/// magic "SBXS" | version:u16 | lineageLength:u16 | lineage | lastSeq:u64 | payloadLength:u64 | payload | crc32c:u32
/// (the CRC covers every byte before it; the file ends right after it)
/// ```
enum JournalFormat {
    /// The first four bytes of every segment file.
    static let segmentMagic: [UInt8] = Array("SBXJ".utf8)
    /// The first four bytes of every snapshot file.
    static let snapshotMagic: [UInt8] = Array("SBXS".utf8)
    /// The format version this code writes and reads.
    static let version: UInt16 = 1
    /// The size of a record's framing before its payload: length, crc32c, seq.
    static let recordHeaderLength = 16
    /// The largest payload a record may carry. Larger length fields are treated as damage when reading.
    static let maximumPayloadLength = 16 << 20
    /// The longest lineage string accepted in a header.
    static let maximumLineageLength = 255

    // MARK: Segment header

    /// A decoded segment header.
    struct SegmentHeader: Equatable {
        /// The journal lineage the segment belongs to.
        var lineage: String
        /// The seq of the segment's first record (whether or not it has one yet).
        var firstSeq: UInt64
        /// The header's size in bytes; records start here.
        var length: Int
    }

    /// Why a header (segment or snapshot) could not be decoded.
    enum HeaderProblem: Error, Equatable {
        /// The file is shorter than the header (or, for a snapshot, than the header says it is).
        case truncated
        /// The magic bytes are wrong: not a sandboxd journal file.
        case badMagic
        /// A version this code does not know.
        case unsupportedVersion(UInt16)
        /// The lineage is empty, too long or not ASCII.
        case badLineage
        /// The stored checksum does not match the bytes.
        case checksumMismatch
        /// A snapshot file is longer than its header says.
        case trailingBytes

        /// A short phrase for messages.
        var phrase: String {
            switch self {
            case .truncated: "it is shorter than its header says"
            case .badMagic: "it does not start with the sandboxd journal magic"
            case .unsupportedVersion(let version): "it has format version \(version)"
            case .badLineage: "its lineage field is malformed"
            case .checksumMismatch: "its checksum does not match"
            case .trailingBytes: "it has bytes after its checksum"
            }
        }
    }

    /// Encodes a segment header.
    ///
    /// - Parameters:
    ///   - lineage: The journal's lineage (ASCII, at most ``maximumLineageLength`` bytes).
    ///   - firstSeq: The seq the segment's first record will have.
    static func encodeSegmentHeader(lineage: String, firstSeq: UInt64) -> [UInt8] {
        var bytes = segmentMagic
        appendLittleEndian(version, to: &bytes)
        let lineageBytes = Array(lineage.utf8)
        appendLittleEndian(UInt16(lineageBytes.count), to: &bytes)
        bytes += lineageBytes
        appendLittleEndian(firstSeq, to: &bytes)
        appendLittleEndian(CRC32C.checksum(bytes), to: &bytes)
        return bytes
    }

    /// Decodes the segment header at the start of `bytes`.
    static func decodeSegmentHeader(_ bytes: [UInt8]) -> Result<SegmentHeader, HeaderProblem> {
        var cursor = 0
        let lineage: String
        switch decodePrelude(bytes, magic: segmentMagic, cursor: &cursor) {
        case .success(let value): lineage = value
        case .failure(let problem): return .failure(problem)
        }
        guard bytes.count >= cursor + 12 else { return .failure(.truncated) }
        let firstSeq: UInt64 = loadLittleEndian(bytes, at: cursor)
        let stored: UInt32 = loadLittleEndian(bytes, at: cursor + 8)
        guard CRC32C.checksum(bytes[0..<(cursor + 8)]) == stored else { return .failure(.checksumMismatch) }
        return .success(SegmentHeader(lineage: lineage, firstSeq: firstSeq, length: cursor + 12))
    }

    // MARK: Records

    /// Encodes one record: framing and payload, ready for a single `write()`.
    ///
    /// - Parameters:
    ///   - seq: The record's sequence number.
    ///   - payload: At most ``maximumPayloadLength`` bytes.
    static func encodeRecord(seq: UInt64, payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(recordHeaderLength + payload.count)
        appendLittleEndian(UInt32(payload.count), to: &bytes)
        appendLittleEndian(UInt32(0), to: &bytes)
        appendLittleEndian(seq, to: &bytes)
        bytes += payload
        var crc = CRC32C()
        crc.update(bytes[0..<4])
        crc.update(bytes[8...])
        storeLittleEndian(crc.value, in: &bytes, at: 4)
        return bytes
    }

    /// The result of decoding the bytes at one offset as a record.
    enum RecordDecoding: Equatable {
        /// A record whose checksum matches: its seq, where its payload lies, and where the next record starts.
        case record(seq: UInt64, payload: Range<Int>, end: Int)
        /// Not a valid record.
        case invalid(RecordProblem)
    }

    /// Why the bytes at an offset are not a valid record. (A value, not a string: the torn-tail check decodes at
    /// every offset of a damaged tail, so failing must be cheap.)
    enum RecordProblem: Equatable {
        /// Fewer than ``recordHeaderLength`` bytes are left.
        case headerCutShort
        /// The length field exceeds ``maximumPayloadLength``.
        case lengthTooLarge(Int)
        /// The file ends before the payload does.
        case payloadCutShort
        /// The stored checksum does not match.
        case checksumMismatch

        /// A short phrase for messages.
        var phrase: String {
            switch self {
            case .headerCutShort: "the record header is cut short"
            case .lengthTooLarge(let length):
                "the length field (\(length)) exceeds the \(maximumPayloadLength)-byte limit"
            case .payloadCutShort: "the payload is cut short"
            case .checksumMismatch: "the checksum does not match"
            }
        }
    }

    /// Decodes the record starting at `offset` in `bytes`.
    static func decodeRecord(_ bytes: [UInt8], at offset: Int) -> RecordDecoding {
        let available = bytes.count - offset
        guard available >= recordHeaderLength else {
            return .invalid(.headerCutShort)
        }
        let length = Int(loadLittleEndian(bytes, at: offset) as UInt32)
        guard length <= maximumPayloadLength else {
            return .invalid(.lengthTooLarge(length))
        }
        guard available - recordHeaderLength >= length else {
            return .invalid(.payloadCutShort)
        }
        let stored: UInt32 = loadLittleEndian(bytes, at: offset + 4)
        let end = offset + recordHeaderLength + length
        var crc = CRC32C()
        crc.update(bytes[offset..<(offset + 4)])
        crc.update(bytes[(offset + 8)..<end])
        guard crc.value == stored else {
            return .invalid(.checksumMismatch)
        }
        let seq: UInt64 = loadLittleEndian(bytes, at: offset + 8)
        return .record(seq: seq, payload: (offset + recordHeaderLength)..<end, end: end)
    }

    // MARK: Snapshot

    /// Encodes a whole snapshot file.
    ///
    /// - Parameters:
    ///   - lineage: The journal's lineage.
    ///   - seq: The seq of the last record the snapshot covers.
    ///   - payload: The snapshot's payload.
    static func encodeSnapshot(lineage: String, seq: UInt64, payload: [UInt8]) -> [UInt8] {
        var bytes = snapshotMagic
        appendLittleEndian(version, to: &bytes)
        let lineageBytes = Array(lineage.utf8)
        appendLittleEndian(UInt16(lineageBytes.count), to: &bytes)
        bytes += lineageBytes
        appendLittleEndian(seq, to: &bytes)
        appendLittleEndian(UInt64(payload.count), to: &bytes)
        bytes += payload
        appendLittleEndian(CRC32C.checksum(bytes), to: &bytes)
        return bytes
    }

    /// Decodes a whole snapshot file, returning its lineage and contents. The payload is the file's own buffer
    /// with the header and checksum cut off, not a copy, when `bytes` is passed on (`consume`): a snapshot of
    /// 100,000 requests is 77 MB.
    static func decodeSnapshot(
        _ bytes: consuming [UInt8]
    ) -> Result<(lineage: String, snapshot: JournalSnapshot), HeaderProblem> {
        var cursor = 0
        let lineage: String
        switch decodePrelude(bytes, magic: snapshotMagic, cursor: &cursor) {
        case .success(let value): lineage = value
        case .failure(let problem): return .failure(problem)
        }
        guard bytes.count >= cursor + 16 else { return .failure(.truncated) }
        let seq: UInt64 = loadLittleEndian(bytes, at: cursor)
        let payloadLength: UInt64 = loadLittleEndian(bytes, at: cursor + 8)
        cursor += 16
        guard payloadLength <= UInt64(bytes.count - cursor), bytes.count - cursor - Int(payloadLength) >= 4 else {
            return .failure(.truncated)
        }
        let payloadEnd = cursor + Int(payloadLength)
        let stored: UInt32 = loadLittleEndian(bytes, at: payloadEnd)
        guard CRC32C.checksum(bytes[0..<payloadEnd]) == stored else { return .failure(.checksumMismatch) }
        guard bytes.count == payloadEnd + 4 else { return .failure(.trailingBytes) }
        var payload = consume bytes
        payload.removeSubrange(payloadEnd...)
        payload.removeSubrange(0..<cursor)
        return .success((lineage, JournalSnapshot(seq: seq, payload: payload)))
    }

    // MARK: Helpers

    /// Decodes magic, version and lineage, the start shared by segment headers and snapshots.
    private static func decodePrelude(
        _ bytes: [UInt8],
        magic: [UInt8],
        cursor: inout Int
    ) -> Result<String, HeaderProblem> {
        guard bytes.count >= 8 else {
            return bytes.starts(with: magic.prefix(bytes.count)) ? .failure(.truncated) : .failure(.badMagic)
        }
        guard bytes[0..<4].elementsEqual(magic) else { return .failure(.badMagic) }
        let version: UInt16 = loadLittleEndian(bytes, at: 4)
        guard version == Self.version else { return .failure(.unsupportedVersion(version)) }
        let lineageLength = Int(loadLittleEndian(bytes, at: 6) as UInt16)
        guard lineageLength > 0, lineageLength <= maximumLineageLength else { return .failure(.badLineage) }
        guard bytes.count >= 8 + lineageLength else { return .failure(.truncated) }
        let lineageBytes = bytes[8..<(8 + lineageLength)]
        guard lineageBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return .failure(.badLineage) }
        cursor = 8 + lineageLength
        return .success(String(decoding: lineageBytes, as: UTF8.self))
    }

    /// Appends `value` in little-endian byte order.
    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        var remaining = value.littleEndian
        withUnsafeBytes(of: &remaining) { bytes.append(contentsOf: $0) }
    }

    /// Overwrites `MemoryLayout<T>.size` bytes at `offset` with `value` in little-endian byte order.
    static func storeLittleEndian<T: FixedWidthInteger>(_ value: T, in bytes: inout [UInt8], at offset: Int) {
        var remaining = value.littleEndian
        withUnsafeBytes(of: &remaining) { raw in
            for (index, byte) in raw.enumerated() { bytes[offset + index] = byte }
        }
    }

    /// Reads a little-endian integer at `offset`.
    static func loadLittleEndian<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int) -> T {
        precondition(offset >= 0 && offset + MemoryLayout<T>.size <= bytes.count, "read past the end")
        return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}
