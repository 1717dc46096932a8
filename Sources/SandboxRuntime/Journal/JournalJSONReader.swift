/// Reads the journal's JSON straight from its UTF-8 bytes into values, one pass, no `Codable`, no tree: the
/// callers (``JournalJSONReader/event(_:)``, ``JournalJSONReader/state(at:)``) walk each object's members and
/// read each value as the type they expect.
///
/// As strict as Foundation's `JSONDecoder` where it matters (a missing key, a value of the wrong type, a number
/// that does not fit, malformed JSON or UTF-8, a lone surrogate all throw), and as lenient (unknown keys are
/// skipped, `null` is an absent optional). Whatever it refuses, ``JournalCodec`` gives to Foundation's decoder,
/// which reads it as every record was read before or says what is wrong, so the two can differ only in speed.
struct JournalJSONReader {
    /// What is wrong, and where (a byte offset into the document).
    struct Failure: Error, CustomStringConvertible {
        var offset: Int
        var message: String
        var description: String { "\(message) at byte \(offset)" }
    }

    /// An object's key: where its text is in the document.
    struct Key {
        var start: Int
        var count: Int
        var escaped: Bool
    }

    let bytes: UnsafeBufferPointer<UInt8>
    /// The next byte to read.
    var index: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int = 0) {
        self.bytes = bytes
        self.index = index
    }

    /// Reads one whole document with `body`, which must consume its one value.
    static func read<T>(
        _ bytes: [UInt8],
        _ body: (inout JournalJSONReader) throws(Failure) -> T
    ) throws(Failure) -> T {
        let result: Result<T, Failure> = bytes.withUnsafeBufferPointer { buffer in
            var reader = JournalJSONReader(buffer)
            return Result { () throws(Failure) -> T in
                let value = try body(&reader)
                reader.skipWhitespace()
                guard reader.index == buffer.count else { throw reader.failure("content after the value") }
                return value
            }
        }
        return try result.get()
    }

    func failure(_ message: String) -> Failure {
        Failure(offset: index, message: message)
    }

    @inline(__always)
    var byte: UInt8 { index < bytes.count ? bytes[index] : 0 }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    mutating func expect(_ character: UInt8) throws(Failure) {
        skipWhitespace()
        guard byte == character else {
            throw failure("expected '\(Character(Unicode.Scalar(character)))'")
        }
        index += 1
    }

    // MARK: Objects and arrays

    /// Starts reading an object; then ``nextKey(_:)`` until it returns `nil`.
    mutating func beginObject() throws(Failure) -> Bool {
        try expect(UInt8(ascii: "{"))
        return true
    }

    /// The next member's key, the reader at its value; `nil` after the object's `}`. `first` is the value
    /// ``beginObject()`` returned, kept by the caller.
    mutating func nextKey(_ first: inout Bool) throws(Failure) -> Key? {
        skipWhitespace()
        if byte == UInt8(ascii: "}") {
            index += 1
            return nil
        }
        if first {
            first = false
        } else {
            guard byte == UInt8(ascii: ",") else { throw failure("expected ',' or '}'") }
            index += 1
            skipWhitespace()
        }
        guard byte == UInt8(ascii: "\"") else { throw failure("expected a key") }
        let (start, end, escaped, _) = try scanString()
        try expect(UInt8(ascii: ":"))
        skipWhitespace()
        return Key(start: start, count: end - start, escaped: escaped)
    }

    /// Whether `key` is `name`.
    @inline(__always)
    func `is`(_ key: Key, _ name: StaticString) -> Bool {
        guard !key.escaped else { return (try? keyText(key)) == name.description }
        guard key.count == name.utf8CodeUnitCount else { return false }
        let base = bytes.baseAddress! + key.start
        let other = name.utf8Start
        for offset in 0..<key.count where base[offset] != other[offset] { return false }
        return true
    }

    /// The text of `key`, unescaped.
    func keyText(_ key: Key) throws(Failure) -> String {
        var reader = JournalJSONReader(bytes, at: key.start - 1)
        return try reader.string()
    }

    /// Starts reading an array; then ``nextElement(_:)`` until it returns `false`.
    mutating func beginArray() throws(Failure) -> Bool {
        try expect(UInt8(ascii: "["))
        return true
    }

    /// Whether another element follows (the reader then at it).
    mutating func nextElement(_ first: inout Bool) throws(Failure) -> Bool {
        skipWhitespace()
        if byte == UInt8(ascii: "]") {
            index += 1
            return false
        }
        if first {
            first = false
        } else {
            guard byte == UInt8(ascii: ",") else { throw failure("expected ',' or ']'") }
            index += 1
            skipWhitespace()
        }
        return true
    }

    /// The one member of an enum case's object (Swift's synthesized `Codable`): its key; the caller reads the
    /// value, then ``endCase(_:)``.
    mutating func beginCase() throws(Failure) -> Key {
        var first = try beginObject()
        guard let key = try nextKey(&first) else { throw failure("expected one key, the case") }
        return key
    }

    mutating func endCase() throws(Failure) {
        var first = false
        guard try nextKey(&first) == nil else { throw failure("more than one key for an enum case") }
    }

    /// Skips any one value, checking its syntax.
    mutating func skipValue() throws(Failure) {
        skipWhitespace()
        switch byte {
        case UInt8(ascii: "\""): _ = try scanString()
        case UInt8(ascii: "{"):
            var first = try beginObject()
            while try nextKey(&first) != nil { try skipValue() }
        case UInt8(ascii: "["):
            var first = try beginArray()
            while try nextElement(&first) { try skipValue() }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: _ = try scanNumber()
        }
    }

    mutating func literal(_ text: StaticString) throws(Failure) {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw failure("expected a value") }
        for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] {
            throw failure("expected a value")
        }
        index += count
    }

    /// Whether the value here is `null` (then read).
    mutating func null() throws(Failure) -> Bool {
        skipWhitespace()
        guard byte == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    mutating func bool() throws(Failure) -> Bool {
        skipWhitespace()
        if byte == UInt8(ascii: "t") {
            try literal("true")
            return true
        }
        guard byte == UInt8(ascii: "f") else { throw failure("expected a Bool") }
        try literal("false")
        return false
    }

    // MARK: Strings

    /// Scans the string at the reader (its opening quote): where its text starts and ends, whether it has
    /// escapes and whether it is all ASCII; the reader after its closing quote.
    mutating func scanString() throws(Failure) -> (start: Int, end: Int, escaped: Bool, ascii: Bool) {
        guard byte == UInt8(ascii: "\"") else { throw failure("expected a string") }
        let start = index + 1
        var cursor = start
        var escaped = false
        var high: UInt8 = 0
        let count = bytes.count
        while cursor < count {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "\"") {
                index = cursor + 1
                return (start, cursor, escaped, high < 0x80)
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                cursor += 2
                continue
            }
            if byte < 0x20 {
                index = cursor
                throw failure("a control character in a string")
            }
            high |= byte
            cursor += 1
        }
        throw failure("an unterminated string")
    }

    /// The string at the reader, unescaped.
    mutating func string() throws(Failure) -> String {
        skipWhitespace()
        let (start, end, escaped, ascii) = try scanString()
        let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
        if escaped { return try unescaped(text, at: start) }
        if ascii { return String(decoding: text, as: UTF8.self) }
        guard let value = String(validating: text, as: UTF8.self) else {
            index = start
            throw failure("a string that is not UTF-8")
        }
        return value
    }

    /// The string at the reader, or `nil` for `null`.
    mutating func optionalString() throws(Failure) -> String? {
        try null() ? nil : try string()
    }

    /// The text of a string with escapes (`\uXXXX` pairs joined into one scalar; a lone surrogate refused).
    func unescaped(_ text: UnsafeBufferPointer<UInt8>, at start: Int) throws(Failure) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        var cursor = 0
        let bad = Failure(offset: start, message: "a bad escape in a string")
        while cursor < text.count {
            let byte = text[cursor]
            cursor += 1
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                continue
            }
            guard cursor < text.count else { throw bad }
            let kind = text[cursor]
            cursor += 1
            switch kind {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(kind)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try Self.hex4(text, at: cursor, bad)
                cursor += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    guard cursor + 6 <= text.count, text[cursor] == UInt8(ascii: "\\"),
                        text[cursor + 1] == UInt8(ascii: "u")
                    else { throw bad }
                    let low = try Self.hex4(text, at: cursor + 2, bad)
                    guard (0xDC00..<0xE000).contains(low) else { throw bad }
                    cursor += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let value = Unicode.Scalar(scalar) else { throw bad }
                output.append(contentsOf: UTF8.encode(value)!)
            default: throw bad
            }
        }
        guard let value = String(validating: output, as: UTF8.self) else {
            throw Failure(offset: start, message: "a string that is not UTF-8")
        }
        return value
    }

    private static func hex4(
        _ text: UnsafeBufferPointer<UInt8>,
        at cursor: Int,
        _ bad: Failure
    ) throws(Failure)
        -> UInt32
    {
        guard cursor + 4 <= text.count else { throw bad }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let digit = text[cursor + offset]
            let nibble: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = digit - UInt8(ascii: "A") + 10
            default: throw bad
            }
            value = value << 4 | UInt32(nibble)
        }
        return value
    }

    // MARK: Numbers

    /// Scans the number at the reader, checked against JSON's grammar: its digits as an integer when it
    /// is one that fits 64 bits (and its sign), whether it has a fraction or exponent; the reader after it.
    mutating func scanNumber() throws(Failure) -> (negative: Bool, magnitude: UInt64?, integral: Bool, start: Int) {
        skipWhitespace()
        let start = index
        var negative = false
        if byte == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        let digits = index
        var magnitude: UInt64? = 0
        while byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
            let digit = byte
            if let value = magnitude {
                let (times, overflow) = value.multipliedReportingOverflow(by: 10)
                let (sum, carry) = times.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
                magnitude = overflow || carry ? nil : sum
            }
            index += 1
        }
        guard index > digits, bytes[digits] != UInt8(ascii: "0") || index == digits + 1 else {
            index = start
            throw failure("expected a number")
        }
        var integral = true
        if byte == UInt8(ascii: ".") {
            integral = false
            index += 1
            let fraction = index
            while byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { index += 1 }
            guard index > fraction else { throw failure("a number without fraction digits") }
        }
        if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            integral = false
            index += 1
            if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") { index += 1 }
            let exponent = index
            while byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { index += 1 }
            guard index > exponent else { throw failure("a number without exponent digits") }
        }
        return (negative, magnitude, integral, start)
    }

    /// The integer at the reader, if it is one that fits `T` (a fraction or an exponent is refused).
    mutating func integer<T: FixedWidthInteger>(_ type: T.Type = T.self) throws(Failure) -> T {
        let (negative, magnitude, integral, start) = try scanNumber()
        guard integral, let magnitude else {
            index = start
            throw failure(integral ? "an integer out of range" : "expected an integer")
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw failure("an integer out of range") }
            let value = magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
            guard let result = T(exactly: value) else { throw failure("an integer out of range") }
            return result
        }
        guard let result = T(exactly: magnitude) else {
            index = start
            throw failure("an integer out of range")
        }
        return result
    }

    /// The number at the reader as a `Double`, correctly rounded (as Swift reads a decimal literal).
    mutating func double() throws(Failure) -> Double {
        let (negative, magnitude, integral, start) = try scanNumber()
        if integral, let magnitude, magnitude < 1 << 53 {
            let value = Double(magnitude)
            return negative ? -value : value
        }
        if let value = Self.fastDouble(UnsafeBufferPointer(rebasing: bytes[start..<index])) { return value }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            index = start
            throw failure("a number out of range")
        }
        return value
    }

    /// Clinger's fast path: `digits.digits` with at most 15 significant digits and no exponent is an integer
    /// below 2^53 divided by an exact power of ten, so one IEEE division gives the correctly rounded result.
    static func fastDouble(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        var cursor = 0
        var negative = false
        if text.first == UInt8(ascii: "-") {
            negative = true
            cursor = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var inFraction = false
        while cursor < text.count {
            let byte = text[cursor]
            cursor += 1
            if byte == UInt8(ascii: ".") {
                inFraction = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            if mantissa > 0 || byte != UInt8(ascii: "0") {
                // 19 digits always fit 64 bits; a 20th might not.
                guard digits < 19 else { return nil }
                digits += 1
            }
            mantissa = mantissa * 10 + UInt64(byte - UInt8(ascii: "0"))
            if inFraction { fractionDigits += 1 }
        }
        guard fractionDigits <= 22 else { return nil }
        if digits > 15 { return extendedDouble(mantissa, fractionDigits, negative: negative) }
        let value = Double(mantissa) / powersOfTen[fractionDigits]
        return negative ? -value : value
    }

    /// 16 to 19 significant digits (a `Date()` has 16 or 17): the mantissa and the power of ten are exact in
    /// `Float80`, whose division is correctly rounded to 64 bits; rounding that to a `Double` is the correctly
    /// rounded result unless it falls on a halfway point between two `Double`s (then `nil`: the caller asks
    /// `strtod`).
    static func extendedDouble(_ mantissa: UInt64, _ fractionDigits: Int, negative: Bool) -> Double? {
        #if arch(x86_64) || arch(i386)
        let quotient = Float80(mantissa) / Float80(powersOfTen[fractionDigits])
        // The 11 bits below a Double's 52: exactly 100…0 is a halfway point.
        guard quotient.isNormal, quotient.significandBitPattern & 0x7FF != 0x400 else { return nil }
        let value = Double(quotient)
        return negative ? -value : value
        #else
        return nil
        #endif
    }

    static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }
}
