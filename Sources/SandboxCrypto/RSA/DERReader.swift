/// A strict reader of DER (X.690's distinguished encoding), one element at a time, for the few structures of
/// PKCS#1, PKCS#8 and X.509's SubjectPublicKeyInfo.
///
/// Strict: single-byte tags, definite lengths in their shortest form, contents within the enclosing element, and
/// ``expectEnd(_:)`` refuses trailing bytes. One leniency: an INTEGER may carry more leading zero bytes than the
/// one a positive number with its top bit set needs (some old tools wrote them); negative INTEGERs are refused.
/// Errors name the element and the byte offset, never the bytes.
struct DERReader {
    /// The universal tags read here.
    enum Tag: UInt8 {
        case integer = 0x02
        case bitString = 0x03
        case octetString = 0x04
        case null = 0x05
        case objectIdentifier = 0x06
        case sequence = 0x30
    }

    private let bytes: [UInt8]
    /// The offset of the next element.
    private(set) var offset: Int
    private let end: Int

    /// A reader of a whole DER document.
    init(_ bytes: [UInt8]) {
        self.init(bytes, from: 0, to: bytes.count)
    }

    private init(_ bytes: [UInt8], from start: Int, to end: Int) {
        self.bytes = bytes
        offset = start
        self.end = end
    }

    /// Whether every element has been read.
    var isAtEnd: Bool { offset == end }

    /// The tag byte of the next element, if there is one.
    var nextTag: UInt8? { offset < end ? bytes[offset] : nil }

    /// Reads the next element, which must have the tag `tag`, and returns the range of its contents.
    mutating func read(_ tag: UInt8, _ what: String) throws(RSAKeyError) -> Range<Int> {
        guard let found = nextTag else { throw .malformed("\(what) is missing (the data ends at byte \(offset))") }
        guard found == tag else {
            throw .malformed(
                "\(what) has tag 0x\(Hex.encode([found])) at byte \(offset), expected 0x\(Hex.encode([tag]))"
            )
        }
        guard found & 0x1f != 0x1f else { throw .malformed("\(what) uses a multi-byte tag at byte \(offset)") }
        var position = offset + 1
        guard position < end else { throw .malformed("\(what) is truncated at byte \(position)") }
        let first = bytes[position]
        position += 1
        var length = Int(first)
        if first & 0x80 != 0 {
            let lengthByteCount = Int(first & 0x7f)
            guard lengthByteCount != 0 else { throw .malformed("\(what) has an indefinite length (not DER)") }
            guard lengthByteCount <= 4, position + lengthByteCount <= end else {
                throw .malformed("\(what) has a bad length at byte \(offset + 1)")
            }
            length = 0
            for index in 0..<lengthByteCount { length = length << 8 | Int(bytes[position + index]) }
            position += lengthByteCount
            guard length >= 0x80, length >> (8 * (lengthByteCount - 1)) != 0 else {
                throw .malformed("\(what) has a length not in its shortest form at byte \(offset + 1) (not DER)")
            }
        }
        guard length <= end - position else {
            throw .malformed("\(what) is truncated: \(length) bytes at byte \(position), \(end - position) left")
        }
        offset = position + length
        return position..<(position + length)
    }

    /// Reads a SEQUENCE and returns a reader of its elements.
    mutating func readSequence(_ what: String) throws(RSAKeyError) -> DERReader {
        let contents = try read(Tag.sequence.rawValue, what)
        return DERReader(bytes, from: contents.lowerBound, to: contents.upperBound)
    }

    /// Reads a non-negative INTEGER and returns its big-endian magnitude without leading zero bytes (empty for 0).
    mutating func readUnsignedInteger(_ what: String) throws(RSAKeyError) -> [UInt8] {
        let contents = try read(Tag.integer.rawValue, what)
        guard !contents.isEmpty else { throw .malformed("\(what) is an empty INTEGER") }
        guard bytes[contents.lowerBound] & 0x80 == 0 else { throw .malformed("\(what) is negative") }
        // Stripping zeros branches on the leading bytes only, i.e. on the number's length, not its other bits.
        var start = contents.lowerBound
        while start < contents.upperBound && bytes[start] == 0 { start += 1 }
        return Array(bytes[start..<contents.upperBound])
    }

    /// Reads a small non-negative INTEGER (a version number).
    mutating func readSmallInteger(_ what: String) throws(RSAKeyError) -> Int {
        let magnitude = try readUnsignedInteger(what)
        guard magnitude.count <= 4 else { throw .malformed("\(what) is too large") }
        return magnitude.reduce(0) { $0 << 8 | Int($1) }
    }

    /// Reads an OCTET STRING and returns its contents.
    mutating func readOctetString(_ what: String) throws(RSAKeyError) -> [UInt8] {
        let contents = try read(Tag.octetString.rawValue, what)
        return Array(bytes[contents])
    }

    /// Reads a BIT STRING of whole bytes (no unused bits) and returns its contents.
    mutating func readBitString(_ what: String) throws(RSAKeyError) -> [UInt8] {
        let contents = try read(Tag.bitString.rawValue, what)
        guard let unusedBits = contents.first.map({ bytes[$0] }), unusedBits == 0 else {
            throw .malformed("\(what) is not a BIT STRING of whole bytes")
        }
        return Array(bytes[(contents.lowerBound + 1)..<contents.upperBound])
    }

    /// Reads a NULL.
    mutating func readNull(_ what: String) throws(RSAKeyError) {
        guard try read(Tag.null.rawValue, what).isEmpty else { throw .malformed("\(what) is a NULL with contents") }
    }

    /// Reads an OBJECT IDENTIFIER and returns it in dotted form, such as `1.2.840.113549.1.1.1`.
    mutating func readObjectIdentifier(_ what: String) throws(RSAKeyError) -> String {
        let contents = try read(Tag.objectIdentifier.rawValue, what)
        var arcs: [UInt64] = []
        var arc: UInt64 = 0
        var arcLength = 0
        for index in contents {
            let byte = bytes[index]
            guard arcLength > 0 || byte != 0x80, arc >> 57 == 0 else { throw .malformed("\(what) is not a valid OID") }
            arc = arc << 7 | UInt64(byte & 0x7f)
            arcLength += 1
            if byte & 0x80 == 0 {
                arcs.append(arc)
                (arc, arcLength) = (0, 0)
            }
        }
        guard let first = arcs.first, arcLength == 0 else { throw .malformed("\(what) is not a valid OID") }
        let head: [UInt64] = first < 80 ? [first / 40, first % 40] : [2, first - 80]
        return (head + arcs.dropFirst()).map(String.init).joined(separator: ".")
    }

    /// Skips the next element, whatever its tag.
    mutating func skipElement(_ what: String) throws(RSAKeyError) {
        guard let tag = nextTag else { throw .malformed("\(what) is missing") }
        _ = try read(tag, what)
    }

    /// Throws unless every element has been read.
    func expectEnd(_ what: String) throws(RSAKeyError) {
        guard isAtEnd else { throw .malformed("\(end - offset) unexpected bytes follow \(what) at byte \(offset)") }
    }
}
