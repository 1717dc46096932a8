import Foundation

/// Reads the JSON that ``JournalCodec`` writes (Foundation's `JSONEncoder`, dates as seconds since 2001) into
/// `Decodable` values, several times faster than Foundation's `JSONDecoder` and without building a tree of the
/// whole document: an object's members are found by scanning it once when its container is made, and each
/// value is read straight from the bytes when it is asked for. A snapshot of 100,000 requests is decoded in a
/// fraction of the memory (docs/BENCHMARKS.md).
///
/// Strict where it matters: a missing key, a value of the wrong type, a number that does not fit, malformed
/// JSON or UTF-8 all throw. Its errors carry no coding path: ``JournalCodec`` decodes again with Foundation's
/// decoder whenever this one throws, so what is read and what an error says stay Foundation's.
enum JournalJSONDecoder {
    /// Decodes one `T` from the whole of `bytes`.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try bytes.withUnsafeBufferPointer { buffer in
            let scanner = JSONBytes(buffer)
            let start = scanner.skipWhitespace(0)
            let end = try scanner.skipValue(start)
            guard scanner.skipWhitespace(end) == buffer.count else { throw scanner.malformed(end) }
            return try FastJSONDecoder(scanner, at: start).decodeValue(T.self)
        }
    }
}

/// The error of the fast decoder (only ever seen by ``JournalCodec``, which then asks Foundation).
struct FastJSONError: Error {
    var offset: Int
    var message: String
}

/// A JSON member of an object: where its key's text and its value are.
struct JSONMember {
    var keyStart: Int
    var keyEnd: Int
    var keyEscaped: Bool
    var value: Int
}

/// Scanning over the bytes of one JSON document (valid for as long as the buffer is).
struct JSONBytes {
    let bytes: UnsafeBufferPointer<UInt8>

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    func malformed(_ offset: Int, _ message: String = "malformed JSON") -> FastJSONError {
        FastJSONError(offset: offset, message: message)
    }

    func byte(_ index: Int) -> UInt8 {
        index < bytes.count ? bytes[index] : 0
    }

    func skipWhitespace(_ index: Int) -> Int {
        var index = index
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return index
            }
        }
        return index
    }

    /// The index just after the value that starts at `index`.
    func skipValue(_ index: Int) throws(FastJSONError) -> Int {
        switch byte(index) {
        case UInt8(ascii: "\""): return try skipString(index).end
        case UInt8(ascii: "{"): return try members(index).end
        case UInt8(ascii: "["): return try elements(index).end
        case UInt8(ascii: "t"): return try literal("true", at: index)
        case UInt8(ascii: "f"): return try literal("false", at: index)
        case UInt8(ascii: "n"): return try literal("null", at: index)
        default: return try number(index).end
        }
    }

    func literal(_ text: StaticString, at index: Int) throws(FastJSONError) -> Int {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw malformed(index) }
        for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { throw malformed(index) }
        return index + count
    }

    func isNull(_ index: Int) -> Bool {
        byte(index) == UInt8(ascii: "n") && (try? literal("null", at: index)) != nil
    }

    /// The string starting at `index` (its opening quote): where its text ends, and whether it has escapes.
    func skipString(_ index: Int) throws(FastJSONError) -> (end: Int, escaped: Bool) {
        guard byte(index) == UInt8(ascii: "\"") else { throw malformed(index, "expected a string") }
        var cursor = index + 1
        var escaped = false
        while cursor < bytes.count {
            switch bytes[cursor] {
            case UInt8(ascii: "\""): return (cursor + 1, escaped)
            case UInt8(ascii: "\\"):
                escaped = true
                cursor += 2
            case 0..<0x20: throw malformed(cursor, "a control character in a string")
            default: cursor += 1
            }
        }
        throw malformed(index, "an unterminated string")
    }

    /// The members of the object starting at `index`, and the index after it.
    func members(_ index: Int) throws(FastJSONError) -> (members: [JSONMember], end: Int) {
        var members: [JSONMember] = []
        var cursor = skipWhitespace(index + 1)
        if byte(cursor) == UInt8(ascii: "}") { return (members, cursor + 1) }
        while true {
            let key = try skipString(cursor)
            let keyStart = cursor + 1
            cursor = skipWhitespace(key.end)
            guard byte(cursor) == UInt8(ascii: ":") else { throw malformed(cursor, "expected ':'") }
            let value = skipWhitespace(cursor + 1)
            members.append(JSONMember(keyStart: keyStart, keyEnd: key.end - 1, keyEscaped: key.escaped, value: value))
            cursor = skipWhitespace(try skipValue(value))
            switch byte(cursor) {
            case UInt8(ascii: ","): cursor = skipWhitespace(cursor + 1)
            case UInt8(ascii: "}"): return (members, cursor + 1)
            default: throw malformed(cursor, "expected ',' or '}'")
            }
        }
    }

    /// The elements' starts of the array starting at `index`, and the index after it.
    func elements(_ index: Int) throws(FastJSONError) -> (starts: [Int], end: Int) {
        var starts: [Int] = []
        var cursor = skipWhitespace(index + 1)
        if byte(cursor) == UInt8(ascii: "]") { return (starts, cursor + 1) }
        while true {
            starts.append(cursor)
            cursor = skipWhitespace(try skipValue(cursor))
            switch byte(cursor) {
            case UInt8(ascii: ","): cursor = skipWhitespace(cursor + 1)
            case UInt8(ascii: "]"): return (starts, cursor + 1)
            default: throw malformed(cursor, "expected ',' or ']'")
            }
        }
    }

    /// The number starting at `index`, checked against JSON's grammar: whether it is an integer (no
    /// fraction, no exponent), and the index after it.
    func number(_ index: Int) throws(FastJSONError) -> (integer: Bool, end: Int) {
        var cursor = index
        if byte(cursor) == UInt8(ascii: "-") { cursor += 1 }
        let digits = cursor
        while isDigit(byte(cursor)) { cursor += 1 }
        guard cursor > digits, byte(digits) != UInt8(ascii: "0") || cursor == digits + 1 else {
            throw malformed(index, "expected a value")
        }
        var integer = true
        if byte(cursor) == UInt8(ascii: ".") {
            integer = false
            cursor += 1
            let fraction = cursor
            while isDigit(byte(cursor)) { cursor += 1 }
            guard cursor > fraction else { throw malformed(index, "a number without fraction digits") }
        }
        if byte(cursor) == UInt8(ascii: "e") || byte(cursor) == UInt8(ascii: "E") {
            integer = false
            cursor += 1
            if byte(cursor) == UInt8(ascii: "+") || byte(cursor) == UInt8(ascii: "-") { cursor += 1 }
            let exponent = cursor
            while isDigit(byte(cursor)) { cursor += 1 }
            guard cursor > exponent else { throw malformed(index, "a number without exponent digits") }
        }
        return (integer, cursor)
    }

    func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// The integer at `index`, if it is one that fits `T`.
    func integer<T: FixedWidthInteger>(_ type: T.Type, at index: Int) throws(FastJSONError) -> T {
        let (isInteger, end) = try number(index)
        guard isInteger else { throw malformed(index, "expected an integer") }
        let negative = byte(index) == UInt8(ascii: "-")
        var magnitude: UInt64 = 0
        for cursor in (negative ? index + 1 : index)..<end {
            let (times, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times.addingReportingOverflow(UInt64(bytes[cursor] - UInt8(ascii: "0")))
            guard !overflow, !carry else { throw malformed(index, "an integer out of range") }
            magnitude = sum
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw malformed(index, "an integer out of range") }
            let value = magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
            guard let result = T(exactly: value) else { throw malformed(index, "an integer out of range") }
            return result
        }
        guard let result = T(exactly: magnitude) else { throw malformed(index, "an integer out of range") }
        return result
    }

    /// The number at `index` as a `Double` (read as Swift reads a decimal literal: correctly rounded).
    func double(at index: Int) throws(FastJSONError) -> Double {
        let end = try number(index).end
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw malformed(index, "a number out of range") }
        return value
    }

    /// The string at `index`, unescaped.
    func string(at index: Int) throws(FastJSONError) -> String {
        let (end, escaped) = try skipString(index)
        let text = UnsafeBufferPointer(rebasing: bytes[(index + 1)..<(end - 1)])
        if !escaped {
            guard let value = String(validating: text, as: UTF8.self) else { throw malformed(index, "bad UTF-8") }
            return value
        }
        return try unescaped(text, at: index)
    }

    /// The text of a string with escapes.
    func unescaped(_ text: UnsafeBufferPointer<UInt8>, at index: Int) throws(FastJSONError) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        var cursor = 0
        while cursor < text.count {
            let byte = text[cursor]
            cursor += 1
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                continue
            }
            guard cursor < text.count else { throw malformed(index, "a bad escape") }
            let escape = text[cursor]
            cursor += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                let scalar = try unicodeEscape(text, cursor: &cursor, at: index)
                output.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: throw malformed(index, "a bad escape")
            }
        }
        guard let value = String(validating: output, as: UTF8.self) else { throw malformed(index, "bad UTF-8") }
        return value
    }

    /// The scalar of a `\uXXXX` escape (a surrogate pair is two), `cursor` just after the `u`.
    func unicodeEscape(
        _ text: UnsafeBufferPointer<UInt8>,
        cursor: inout Int,
        at index: Int
    ) throws(FastJSONError) -> Unicode.Scalar {
        let first = try hex4(text, cursor: &cursor, at: index)
        if (0xD800..<0xDC00).contains(first) {
            guard cursor + 1 < text.count, text[cursor] == UInt8(ascii: "\\"), text[cursor + 1] == UInt8(ascii: "u")
            else { throw malformed(index, "a lone surrogate") }
            cursor += 2
            let second = try hex4(text, cursor: &cursor, at: index)
            guard (0xDC00..<0xE000).contains(second),
                let scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
            else { throw malformed(index, "a lone surrogate") }
            return scalar
        }
        guard let scalar = Unicode.Scalar(first) else { throw malformed(index, "a lone surrogate") }
        return scalar
    }

    func hex4(_ text: UnsafeBufferPointer<UInt8>, cursor: inout Int, at index: Int) throws(FastJSONError) -> UInt32 {
        guard cursor + 4 <= text.count else { throw malformed(index, "a bad \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = text[cursor]
            cursor += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw malformed(index, "a bad \\u escape")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    func bool(at index: Int) throws(FastJSONError) -> Bool {
        switch byte(index) {
        case UInt8(ascii: "t"):
            _ = try literal("true", at: index)
            return true
        case UInt8(ascii: "f"):
            _ = try literal("false", at: index)
            return false
        default: throw malformed(index, "expected a Boolean")
        }
    }

    /// Whether the key of `member` is `key`.
    func key(of member: JSONMember, is key: String) -> Bool {
        if member.keyEscaped { return (try? string(at: member.keyStart - 1)) == key }
        var key = key
        return key.withUTF8 { utf8 in
            utf8.count == member.keyEnd - member.keyStart
                && (utf8.isEmpty || memcmp(utf8.baseAddress!, bytes.baseAddress! + member.keyStart, utf8.count) == 0)
        }
    }
}

/// One value of the document, as a `Decoder` and as its own single-value container.
final class FastJSONDecoder: Decoder, SingleValueDecodingContainer {
    let scanner: JSONBytes
    let start: Int

    init(_ scanner: JSONBytes, at start: Int) {
        self.scanner = scanner
        self.start = start
    }

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard scanner.byte(start) == UInt8(ascii: "{") else { throw scanner.malformed(start, "expected an object") }
        return KeyedDecodingContainer(FastKeyedContainer<Key>(scanner, members: try scanner.members(start).members))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard scanner.byte(start) == UInt8(ascii: "[") else { throw scanner.malformed(start, "expected an array") }
        return FastUnkeyedContainer(scanner, starts: try scanner.elements(start).starts)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    /// Decodes a `T` here: the scalars and dates straight from the bytes, anything else through its
    /// `init(from:)` (dates as Foundation's `JSONEncoder` writes them by default: seconds since 2001).
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == String.self { return try scanner.string(at: start) as! T }
        if T.self == Date.self {
            return Date(timeIntervalSinceReferenceDate: try scanner.double(at: start)) as! T
        }
        if T.self == Int.self { return try scanner.integer(Int.self, at: start) as! T }
        if T.self == Bool.self { return try scanner.bool(at: start) as! T }
        return try T(from: self)
    }

    func decodeNil() -> Bool { scanner.isNull(start) }
    func decode(_ type: Bool.Type) throws -> Bool { try scanner.bool(at: start) }
    func decode(_ type: String.Type) throws -> String { try scanner.string(at: start) }
    func decode(_ type: Double.Type) throws -> Double { try scanner.double(at: start) }
    func decode(_ type: Float.Type) throws -> Float {
        let float = Float(try scanner.double(at: start))
        guard float.isFinite else { throw scanner.malformed(start, "a number out of range") }
        return float
    }
    func decode(_ type: Int.Type) throws -> Int { try scanner.integer(type, at: start) }
    func decode(_ type: Int8.Type) throws -> Int8 { try scanner.integer(type, at: start) }
    func decode(_ type: Int16.Type) throws -> Int16 { try scanner.integer(type, at: start) }
    func decode(_ type: Int32.Type) throws -> Int32 { try scanner.integer(type, at: start) }
    func decode(_ type: Int64.Type) throws -> Int64 { try scanner.integer(type, at: start) }
    func decode(_ type: UInt.Type) throws -> UInt { try scanner.integer(type, at: start) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try scanner.integer(type, at: start) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try scanner.integer(type, at: start) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try scanner.integer(type, at: start) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try scanner.integer(type, at: start) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(type) }
}

/// An object's members, looked up by key.
struct FastKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let scanner: JSONBytes
    let members: [JSONMember]

    init(_ scanner: JSONBytes, members: [JSONMember]) {
        self.scanner = scanner
        self.members = members
    }

    var codingPath: [any CodingKey] { [] }

    var allKeys: [Key] {
        members.compactMap { member in
            (try? scanner.string(at: member.keyStart - 1)).flatMap { Key(stringValue: $0) }
        }
    }

    /// Where the value of `key` starts (the last member of that name, as Foundation reads it).
    func value(of key: Key) -> Int? {
        let name = key.stringValue
        return members.last { scanner.key(of: $0, is: name) }?.value
    }

    func valueOrThrow(_ key: Key) throws -> Int {
        guard let value = value(of: key) else {
            throw FastJSONError(offset: 0, message: "no key \(key.stringValue)")
        }
        return value
    }

    func contains(_ key: Key) -> Bool { value(of: key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { scanner.isNull(try valueOrThrow(key)) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try FastJSONDecoder(scanner, at: try valueOrThrow(key)).decodeValue(type)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = value(of: key), !scanner.isNull(value) else { return nil }
        return try FastJSONDecoder(scanner, at: value).decodeValue(type)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try FastJSONDecoder(scanner, at: try valueOrThrow(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try FastJSONDecoder(scanner, at: try valueOrThrow(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        guard let value = members.last(where: { scanner.key(of: $0, is: "super") })?.value else {
            throw FastJSONError(offset: 0, message: "no key super")
        }
        return FastJSONDecoder(scanner, at: value)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        FastJSONDecoder(scanner, at: try valueOrThrow(key))
    }
}

/// An array's elements, in order.
struct FastUnkeyedContainer: UnkeyedDecodingContainer {
    let scanner: JSONBytes
    let starts: [Int]
    var currentIndex = 0

    init(_ scanner: JSONBytes, starts: [Int]) {
        self.scanner = scanner
        self.starts = starts
    }

    var codingPath: [any CodingKey] { [] }
    var count: Int? { starts.count }
    var isAtEnd: Bool { currentIndex >= starts.count }

    mutating func next() throws -> FastJSONDecoder {
        guard !isAtEnd else { throw FastJSONError(offset: 0, message: "the array ends here") }
        defer { currentIndex += 1 }
        return FastJSONDecoder(scanner, at: starts[currentIndex])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw FastJSONError(offset: 0, message: "the array ends here") }
        guard scanner.isNull(starts[currentIndex]) else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        guard !isAtEnd else { throw FastJSONError(offset: 0, message: "the array ends here") }
        let value = try FastJSONDecoder(scanner, at: starts[currentIndex]).decodeValue(type)
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { try next() }
}
