/// Strict UTF-8 decoding with the position of the first bad byte.
public enum UTF8Text {
    /// Where and why bytes are not UTF-8.
    public struct Failure: Error, Hashable, Sendable {
        /// The offset of the first byte of the bad sequence.
        public var offset: Int
        /// Its line and column, counting the valid text before it.
        public var position: SourcePosition
        /// `invalid UTF-8 (byte 0xFF at offset 12); save the file as UTF-8`.
        public var message: String
    }

    /// The three bytes of a UTF-8 byte order mark.
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Whether `bytes` starts with a byte order mark.
    public static func hasByteOrderMark(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    }

    /// Decodes `bytes`, refusing anything that is not well-formed UTF-8 (overlong forms, surrogates,
    /// values past U+10FFFF, truncated sequences). A leading byte order mark is dropped.
    public static func decode(_ bytes: [UInt8]) throws(Failure) -> String {
        if let failure = firstFailure(in: bytes) { throw failure }
        let start = hasByteOrderMark(bytes) ? 3 : 0
        return String(decoding: bytes[start...], as: UTF8.self)
    }

    /// The first ill-formed sequence in `bytes`, or `nil` when all of it is UTF-8.
    public static func firstFailure(in bytes: [UInt8]) -> Failure? {
        var tracker = PositionTracker()
        var index = 0
        while index < bytes.count {
            let length = sequenceLength(bytes, at: index)
            guard length > 0 else {
                let hex = String(bytes[index], radix: 16, uppercase: true)
                return Failure(
                    offset: index,
                    position: tracker.position,
                    message: "invalid UTF-8 (byte 0x\(hex.count == 1 ? "0" : "")\(hex) at offset \(index));"
                        + " save the file as UTF-8"
                )
            }
            for offset in 0..<length { tracker.consume(bytes[index + offset]) }
            index += length
        }
        return nil
    }

    /// The length of the well-formed sequence at `index`, or 0 when it is ill-formed (Unicode Table 3-7).
    private static func sequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        if lead < 0x80 { return 1 }
        let secondRange: ClosedRange<UInt8>
        let length: Int
        switch lead {
        case 0xC2...0xDF: (length, secondRange) = (2, 0x80...0xBF)
        case 0xE0: (length, secondRange) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, secondRange) = (3, 0x80...0xBF)
        case 0xED: (length, secondRange) = (3, 0x80...0x9F)
        case 0xF0: (length, secondRange) = (4, 0x90...0xBF)
        case 0xF1...0xF3: (length, secondRange) = (4, 0x80...0xBF)
        case 0xF4: (length, secondRange) = (4, 0x80...0x8F)
        default: return 0
        }
        guard index + length <= bytes.count, secondRange.contains(bytes[index + 1]) else { return 0 }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[index + offset]) { return 0 }
        return length
    }
}

/// Follows line and column through UTF-8 bytes: LF, CR LF and a lone CR each end a line, and
/// a column is one Unicode scalar (continuation bytes do not move it).
struct PositionTracker {
    private(set) var position = SourcePosition.start
    private var afterCarriageReturn = false

    mutating func consume(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\n"):
            if !afterCarriageReturn {
                position.line += 1
                position.column = 1
            }
        case UInt8(ascii: "\r"):
            position.line += 1
            position.column = 1
        case 0x80...0xBF:
            break
        default:
            position.column += 1
        }
        afterCarriageReturn = byte == UInt8(ascii: "\r")
    }
}
