/// A small, strict JSON reader (RFC 8259) whose values and errors carry line and column.
///
/// Foundation's decoders neither report positions nor reject duplicate keys (docs/behaviour.md §2), so the
/// desired state is read with this reader. It refuses:
/// - input larger than ``maximumSize`` bytes, or nested deeper than ``maximumDepth`` arrays and objects;
/// - bytes that are not well-formed UTF-8 (with the position of the first bad byte);
/// - an object with the same key twice (naming the key, at the second one);
/// - anything after the one top-level value, comments, trailing commas, single quotes,
///   unescaped control characters in strings, lone UTF-16 surrogates in `\u` escapes,
///   leading zeros, and numbers outside the range of `Int64` (integers) or `Double` (others).
///
/// A UTF-8 byte order mark at the very start is accepted and skipped (RFC 8259 §8.1 allows it,
/// and some Windows editors write one); it does not count as a column.
///
/// Integers written without fraction or exponent become ``JSONValue/Kind/integer(_:)``,
/// every other number ``JSONValue/Kind/number(_:)``.
public struct JSONReader {
    /// The largest input accepted: 64 KiB.
    public static let maximumSize = 65_536
    /// The deepest nesting of arrays and objects accepted; the top-level object is depth 1.
    public static let maximumDepth = 64

    private let bytes: [UInt8]
    private let maximumDepth: Int
    private var index = 0
    private var tracker = PositionTracker()

    private init(bytes: [UInt8], maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    /// Reads one JSON value from UTF-8 `bytes`.
    ///
    /// - Parameters:
    ///   - bytes: The whole file.
    ///   - maximumSize: The largest input accepted, in bytes.
    ///   - maximumDepth: The deepest nesting of arrays and objects accepted.
    /// - Throws: ``JSONSyntaxError`` with the position of the first problem.
    public static func parse(
        _ bytes: [UInt8],
        maximumSize: Int = JSONReader.maximumSize,
        maximumDepth: Int = JSONReader.maximumDepth
    ) throws(JSONSyntaxError) -> JSONValue {
        guard bytes.count <= maximumSize else {
            throw JSONSyntaxError(
                .tooLarge,
                at: .start,
                "the file is \(bytes.count) bytes, over the limit of \(maximumSize) bytes; make it smaller"
            )
        }
        if let failure = UTF8Text.firstFailure(in: bytes) {
            throw JSONSyntaxError(.invalidUTF8, at: failure.position, failure.message)
        }
        var reader = JSONReader(bytes: bytes, maximumDepth: maximumDepth)
        if UTF8Text.hasByteOrderMark(bytes) { reader.index = 3 }
        reader.skipWhitespace()
        guard reader.index < bytes.count else {
            throw JSONSyntaxError(
                .unexpectedEndOfFile,
                at: reader.tracker.position,
                "the file is empty; expected a JSON object such as {}"
            )
        }
        let value = try reader.parseValue(depth: 0)
        reader.skipWhitespace()
        if reader.index < bytes.count {
            throw reader.error(
                .trailingContent,
                "unexpected \(reader.describeCurrent()) after the end of the JSON value;"
                    + " a file holds exactly one value: remove what follows it"
            )
        }
        return value
    }

    // MARK: - Values

    private mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        let start = tracker.position
        guard let byte = peek() else {
            throw error(.unexpectedEndOfFile, "unexpected end of file; expected a value")
        }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return JSONValue(.string(try parseString()), at: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try parseLiteral("null", .null)
        default:
            throw error(
                .unexpectedCharacter,
                "unexpected \(describeCurrent()); expected a value (an object, array, string, number,"
                    + " true, false or null)\(hint(for: byte))"
            )
        }
    }

    private mutating func parseLiteral(_ word: String, _ kind: JSONValue.Kind) throws(JSONSyntaxError) -> JSONValue {
        let start = tracker.position
        for expected in word.utf8 {
            guard peek() == expected else {
                throw error(
                    .unexpectedCharacter,
                    "unexpected \(describeCurrent()) while reading `\(word)`; check the spelling"
                        + " (JSON literals are lowercase: true, false, null)"
                )
            }
            advance()
        }
        if let next = peek(), isIdentifierByte(next) {
            throw error(.unexpectedCharacter, "unexpected \(describeCurrent()) after `\(word)`; check the spelling")
        }
        return JSONValue(kind, at: start)
    }

    private mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        let start = tracker.position
        try checkDepth(depth)
        advance()  // {
        var members: [JSONValue.Member] = []
        var seen: [String: SourcePosition] = [:]
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            advance()
            return JSONValue(.object([]), at: start)
        }
        while true {
            skipWhitespace()
            guard let byte = peek() else { throw unclosed("object", at: start, expecting: "a key in double quotes") }
            guard byte == UInt8(ascii: "\"") else {
                let trailing =
                    byte == UInt8(ascii: "}") && !members.isEmpty
                    ? "; JSON does not allow a comma before '}': remove it" : hint(for: byte)
                throw error(
                    .unexpectedCharacter,
                    "unexpected \(describeCurrent()); expected a key in double quotes\(trailing)"
                )
            }
            let keyPosition = tracker.position
            let key = try parseString()
            if let first = seen[key] {
                throw JSONSyntaxError(
                    .duplicateKey,
                    at: keyPosition,
                    "duplicate key \(JSONValue.quoted(key)) (first at \(first)); keep only one of them"
                )
            }
            seen[key] = keyPosition
            skipWhitespace()
            guard let colon = peek() else { throw unclosed("object", at: start, expecting: "':'") }
            guard colon == UInt8(ascii: ":") else {
                throw error(
                    .unexpectedCharacter,
                    "unexpected \(describeCurrent()); expected ':' after the key \(JSONValue.quoted(key))"
                )
            }
            advance()
            skipWhitespace()
            guard peek() != nil else { throw unclosed("object", at: start, expecting: "a value") }
            let value = try parseValue(depth: depth)
            members.append(JSONValue.Member(key: key, keyPosition: keyPosition, value: value))
            skipWhitespace()
            guard let next = peek() else { throw unclosed("object", at: start, expecting: "',' or '}'") }
            switch next {
            case UInt8(ascii: ","): advance()
            case UInt8(ascii: "}"):
                advance()
                return JSONValue(.object(members), at: start)
            default:
                throw error(
                    .unexpectedCharacter,
                    "unexpected \(describeCurrent()); expected ',' or '}' after the value of"
                        + " \(JSONValue.quoted(key))\(next == UInt8(ascii: "\"") ? " (a comma is missing)" : "")"
                )
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        let start = tracker.position
        try checkDepth(depth)
        advance()  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            advance()
            return JSONValue(.array([]), at: start)
        }
        while true {
            skipWhitespace()
            guard let byte = peek() else { throw unclosed("array", at: start, expecting: "a value") }
            if byte == UInt8(ascii: "]") {
                throw error(
                    .unexpectedCharacter,
                    "unexpected ']'; expected a value: JSON does not allow a comma before ']': remove it"
                )
            }
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard let next = peek() else { throw unclosed("array", at: start, expecting: "',' or ']'") }
            switch next {
            case UInt8(ascii: ","): advance()
            case UInt8(ascii: "]"):
                advance()
                return JSONValue(.array(elements), at: start)
            default:
                throw error(.unexpectedCharacter, "unexpected \(describeCurrent()); expected ',' or ']' in the array")
            }
        }
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = tracker.position
        advance()  // "
        var buffer: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw JSONSyntaxError(
                    .unexpectedEndOfFile,
                    at: start,
                    "unexpected end of file in the string that starts here; close it with '\"'"
                )
            }
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &buffer)
            case 0x00..<0x20:
                let what =
                    byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") ? "a line break" : "a control character"
                throw error(
                    .invalidString,
                    "\(what) (\(scalarName(UInt32(byte)))) inside a string; a string must be on one line:"
                        + " close it with '\"' or write the character as an escape such as \\n or \\t"
                )
            default:
                buffer.append(byte)
                advance()
            }
        }
    }

    private mutating func parseEscape(into buffer: inout [UInt8]) throws(JSONSyntaxError) {
        let escapePosition = tracker.position
        advance()  // backslash
        guard let byte = peek() else {
            throw error(.unexpectedEndOfFile, "unexpected end of file after '\\' in a string")
        }
        let simple: UInt8?
        switch byte {
        case UInt8(ascii: "\""): simple = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): simple = UInt8(ascii: "\\")
        case UInt8(ascii: "/"): simple = UInt8(ascii: "/")
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"): simple = nil
        default:
            throw JSONSyntaxError(
                .invalidString,
                at: escapePosition,
                "invalid escape '\\\(describeCurrent(quoted: false))'; JSON escapes are"
                    + " \\\" \\\\ \\/ \\b \\f \\n \\r \\t"
                    + " and \\uXXXX (write a backslash as \\\\)"
            )
        }
        if let simple {
            buffer.append(simple)
            advance()
            return
        }
        advance()  // u
        let unit = try parseHexQuad(escapeAt: escapePosition)
        var scalarValue = UInt32(unit)
        switch unit {
        case 0xD800...0xDBFF:
            let lowPosition = tracker.position
            guard peek() == UInt8(ascii: "\\"), peek(offset: 1) == UInt8(ascii: "u") else {
                throw JSONSyntaxError(
                    .invalidString,
                    at: escapePosition,
                    "\\u\(hex4(unit)) is a lone high surrogate; a character above U+FFFF is written as a pair"
                        + " such as \\uD83D\\uDE00, or write the character itself"
                )
            }
            advance()
            advance()
            let low = try parseHexQuad(escapeAt: lowPosition)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw JSONSyntaxError(
                    .invalidString,
                    at: lowPosition,
                    "\\u\(hex4(low)) does not complete the surrogate pair started by \\u\(hex4(unit));"
                        + " the second half must be between \\uDC00 and \\uDFFF"
                )
            }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
        case 0xDC00...0xDFFF:
            throw JSONSyntaxError(
                .invalidString,
                at: escapePosition,
                "\\u\(hex4(unit)) is a lone low surrogate; it must follow a high surrogate (\\uD800-\\uDBFF)"
            )
        default:
            break
        }
        // Every value reaching here is a valid scalar: surrogates were combined or refused.
        let scalar = Unicode.Scalar(scalarValue)!
        buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    private mutating func parseHexQuad(escapeAt position: SourcePosition) throws(JSONSyntaxError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let byte = peek(), let digit = hexDigitValue(byte) else {
                throw JSONSyntaxError(
                    .invalidString,
                    at: position,
                    "invalid \\u escape; it needs exactly four hexadecimal digits, as in \\u00e9"
                )
            }
            value = value << 4 | UInt16(digit)
            advance()
        }
        return value
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = tracker.position
        let startIndex = index
        var isInteger = true
        if peek() == UInt8(ascii: "-") { advance() }
        guard let first = peek(), isDigit(first) else {
            throw error(.invalidNumber, "expected a digit after '-', found \(describeCurrent())")
        }
        advance()
        if first == UInt8(ascii: "0"), let next = peek(), isDigit(next) {
            throw JSONSyntaxError(
                .invalidNumber,
                at: start,
                "a number cannot start with 0 followed by digits; remove the leading zeros"
            )
        }
        while let byte = peek(), isDigit(byte) { advance() }
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            advance()
            guard let byte = peek(), isDigit(byte) else {
                throw error(.invalidNumber, "expected a digit after the decimal point, found \(describeCurrent())")
            }
            while let byte = peek(), isDigit(byte) { advance() }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            isInteger = false
            advance()
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { advance() }
            guard let byte = peek(), isDigit(byte) else {
                throw error(.invalidNumber, "expected a digit in the exponent, found \(describeCurrent())")
            }
            while let byte = peek(), isDigit(byte) { advance() }
        }
        let text = String(decoding: bytes[startIndex..<index], as: UTF8.self)
        if isInteger {
            guard let value = Int64(text) else {
                throw JSONSyntaxError(
                    .invalidNumber,
                    at: start,
                    "the integer \(text) is out of range; it must fit in 64 bits"
                )
            }
            return JSONValue(.integer(value), at: start)
        }
        guard let value = Double(text), value.isFinite else {
            throw JSONSyntaxError(.invalidNumber, at: start, "the number \(text) is out of range")
        }
        return JSONValue(.number(value), at: start)
    }

    // MARK: - Helpers

    private func checkDepth(_ depth: Int) throws(JSONSyntaxError) {
        if depth > maximumDepth {
            throw error(
                .tooDeep,
                "arrays and objects are nested more than \(maximumDepth) deep; flatten the structure"
            )
        }
    }

    private func peek(offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private mutating func advance() {
        tracker.consume(bytes[index])
        index += 1
    }

    private mutating func skipWhitespace() {
        while let byte = peek(),
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\r")
        {
            advance()
        }
    }

    private func error(_ code: JSONSyntaxError.Code, _ message: String) -> JSONSyntaxError {
        JSONSyntaxError(code, at: tracker.position, message)
    }

    private func unclosed(_ what: String, at start: SourcePosition, expecting: String) -> JSONSyntaxError {
        error(
            .unexpectedEndOfFile,
            "unexpected end of file; expected \(expecting): the \(what) opened at \(start) is not closed"
        )
    }

    /// `'x'`, `'é'`, `U+0001`, or `end of file` for the character at the current index.
    private func describeCurrent(quoted: Bool = true) -> String {
        guard index < bytes.count else { return "end of file" }
        let remaining = bytes[index..<min(bytes.count, index + 4)]
        guard let character = String(decoding: remaining, as: UTF8.self).unicodeScalars.first else {
            return "end of file"
        }
        if character.value < 0x20 || character.value == 0x7F { return scalarName(character.value) }
        return quoted ? "'\(character)'" : "\(character)"
    }

    private func hint(for byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "'"): return "; JSON strings and keys use double quotes"
        case UInt8(ascii: "/"), UInt8(ascii: "#"): return "; JSON does not allow comments: remove them"
        case UInt8(ascii: ","): return "; remove the extra comma"
        default:
            return isIdentifierByte(byte) ? "; strings and keys must be in double quotes" : ""
        }
    }

    private func scalarName(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    private func hex4(_ value: UInt16) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - hex.count) + hex
    }

    private func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private func isIdentifierByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || byte == UInt8(ascii: "_")
    }

    private func hexDigitValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
