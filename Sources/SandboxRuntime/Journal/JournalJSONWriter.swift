/// Writes JSON bytes exactly as Foundation's `JSONEncoder` with `.sortedKeys` writes them (dates as seconds
/// since 2001, `/` escaped as `\/`, other controls as `\b \f \n \r \t` or `\u00xx`, non-ASCII as it is,
/// numbers as Swift prints them without a trailing `.0`), straight into a byte buffer: no `Codable`, no
/// intermediate value. The callers (``JournalJSONWriter/event(_:)``, ``JournalJSONWriter/snapshot(_:format:)``)
/// write each object's keys in sorted order; the tests compare every byte with `JSONEncoder`'s.
struct JournalJSONWriter {
    /// The bytes written so far.
    private(set) var bytes: [UInt8] = []
    /// Whether the next key or value follows another one at its level (and so needs a comma).
    private var needsComma = false

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// A number JSON cannot carry (`JSONEncoder` refuses it too).
    struct NotFinite: Error, CustomStringConvertible {
        var value: Double
        var description: String { "the journal cannot hold the number \(value)" }
    }

    private mutating func separator() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// `{`: the start of an object, as a value of its own.
    mutating func open() {
        separator()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// `}`.
    mutating func close() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// `[`: the start of an array, as a value of its own.
    mutating func openArray() {
        separator()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    /// `]`.
    mutating func closeArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// `"name":` (`name` needs no escape).
    mutating func key(_ name: StaticString) {
        separator()
        bytes.append(UInt8(ascii: "\""))
        append(name)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// `"name":` for a key that is data (a dictionary's).
    mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// `{"name":` — the start of an enum case as Swift's synthesized `Codable` writes it; ``close()`` ends it.
    mutating func openCase(_ name: StaticString) {
        open()
        key(name)
    }

    mutating func bool(_ value: Bool) {
        separator()
        if value { append("true") } else { append("false") }
        needsComma = true
    }

    mutating func integer<T: FixedWidthInteger>(_ value: T) {
        separator()
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = UInt64(value.magnitude)
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var start = buffer.count
            repeat {
                start -= 1
                buffer[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: buffer[start...])
        }
        needsComma = true
    }

    /// A number as `JSONEncoder` writes a `Double`: Swift's shortest round-trip text, `.0` dropped.
    mutating func double(_ value: Double) throws(NotFinite) {
        guard value.isFinite else { throw NotFinite(value: value) }
        if value.magnitude < 1e15, value == value.rounded(.towardZero), !(value == 0 && value.sign == .minus) {
            integer(Int64(value))
            return
        }
        separator()
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
        needsComma = true
    }

    /// A string, escaped as `JSONEncoder` escapes it.
    mutating func string(_ value: String) {
        separator()
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { text in
            var plainFrom = 0
            for index in 0..<text.count {
                let byte = text[index]
                guard
                    byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
                        || byte == UInt8(ascii: "/")
                else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[plainFrom..<index]))
                plainFrom = index + 1
                escape(byte)
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[plainFrom...]))
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    private mutating func escape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(byte)
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            let hex: StaticString = "0123456789abcdef"
            append("u00")
            bytes.append(hex.utf8Start[Int(byte >> 4)])
            bytes.append(hex.utf8Start[Int(byte & 0x0F)])
        }
    }

    /// A `[String: String]` as an object of sorted keys.
    mutating func stringDictionary(_ dictionary: [String: String]) {
        open()
        if dictionary.count == 1, let (key, value) = dictionary.first {
            self.key(key)
            string(value)
        } else {
            for (key, value) in dictionary.sorted(by: { $0.key < $1.key }) {
                self.key(key)
                string(value)
            }
        }
        close()
    }
}
