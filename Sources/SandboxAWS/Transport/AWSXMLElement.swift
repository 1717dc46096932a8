import Foundation

/// A very small XML reader for the AWS query protocol (STS): elements, text, entities, CDATA.
///
/// Attributes, namespaces, comments, processing instructions and the doctype are skipped (STS uses them only for
/// the root's `xmlns`); tags must match. It needs no libxml2, which Foundation's `XMLParser` links on Linux.
struct AWSXMLElement: Sendable, Hashable {
    /// Without any namespace prefix.
    var name: String
    var children: [AWSXMLElement]
    /// The text directly inside the element, entities decoded, trimmed.
    var text: String

    func child(_ name: String) -> AWSXMLElement? {
        children.first { $0.name == name }
    }

    /// The root element, or `nil` if the document is not well-formed enough to read.
    static func parse(_ data: Data) -> AWSXMLElement? {
        var parser = Parser(bytes: Array(data))
        parser.skipMisc()
        guard let root = parser.element() else { return nil }
        parser.skipMisc()
        return parser.index == parser.bytes.count ? root : nil
    }

    /// The deepest nesting read. STS's answers nest four deep; a deeper document is refused, not recursed
    /// into until the stack runs out (a hostile endpoint may send megabytes of `<a>`).
    static let maximumDepth = 32

    private struct Parser {
        let bytes: [UInt8]
        var index = 0
        var depth = 0

        /// Skips whitespace, `<?…?>`, `<!--…-->` and `<!DOCTYPE…>`.
        mutating func skipMisc() {
            while true {
                while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
                let terminator = starts("<?") ? "?>" : starts("<!--") ? "-->" : starts("<!") ? ">" : nil
                guard let terminator, skip(past: terminator) else { return }
            }
        }

        mutating func element() -> AWSXMLElement? {
            guard starts("<"), depth < AWSXMLElement.maximumDepth else { return nil }
            depth += 1
            defer { depth -= 1 }
            index += 1
            let nameStart = index
            while index < bytes.count,
                ![0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ">"), UInt8(ascii: "/")].contains(bytes[index])
            {
                index += 1
            }
            let qualified = String(decoding: bytes[nameStart..<index], as: UTF8.self)
            guard !qualified.isEmpty, skipAttributes() else { return nil }
            let name = qualified.split(separator: ":").last.map(String.init) ?? qualified
            if bytes[index - 2] == UInt8(ascii: "/") {
                return AWSXMLElement(name: name, children: [], text: "")
            }
            var children: [AWSXMLElement] = []
            var text: [UInt8] = []
            while index < bytes.count {
                if starts("</") {
                    let closeStart = index + 2
                    guard skip(past: ">") else { return nil }
                    let closing = String(decoding: bytes[closeStart..<(index - 1)], as: UTF8.self)
                    guard closing.trimmingCharacters(in: .whitespaces) == qualified else { return nil }
                    let decoded = String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                    return AWSXMLElement(name: name, children: children, text: decoded)
                } else if starts("<![CDATA[") {
                    let start = index + 9
                    guard skip(past: "]]>") else { return nil }
                    text += bytes[start..<(index - 3)]
                } else if starts("<!--") || starts("<?") {
                    guard skip(past: starts("<?") ? "?>" : "-->") else { return nil }
                } else if starts("<") {
                    guard let child = element() else { return nil }
                    children.append(child)
                } else if starts("&") {
                    guard let decoded = entity() else { return nil }
                    text += decoded
                } else {
                    text.append(bytes[index])
                    index += 1
                }
            }
            return nil
        }

        /// Moves past the tag's `>`, honouring quoted attribute values.
        mutating func skipAttributes() -> Bool {
            var quote: UInt8?
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: ">") {
                    return true
                }
            }
            return false
        }

        /// Decodes `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#N;` and `&#xH;`.
        mutating func entity() -> [UInt8]? {
            guard let end = bytes[index...].firstIndex(of: UInt8(ascii: ";")), end - index <= 12 else { return nil }
            let name = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
            index = end + 1
            let named = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"]
            if let character = named[name] { return Array(character.utf8) }
            let value =
                name.hasPrefix("#x") || name.hasPrefix("#X")
                ? UInt32(name.dropFirst(2), radix: 16) : name.hasPrefix("#") ? UInt32(name.dropFirst()) : nil
            guard let value, let scalar = Unicode.Scalar(value) else { return nil }
            return Array(String(Character(scalar)).utf8)
        }

        func starts(_ prefix: String) -> Bool {
            let prefix = Array(prefix.utf8)
            return index + prefix.count <= bytes.count && bytes[index..<(index + prefix.count)].elementsEqual(prefix)
        }

        /// Moves past the next `terminator`; false if there is none.
        mutating func skip(past terminator: String) -> Bool {
            while index < bytes.count {
                if starts(terminator) {
                    index += terminator.utf8.count
                    return true
                }
                index += 1
            }
            return false
        }
    }
}
