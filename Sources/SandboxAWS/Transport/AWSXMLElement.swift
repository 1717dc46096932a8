import Foundation

/// A very small XML reader for the AWS query protocol (STS): elements, text, entities, CDATA.
///
/// It ignores attributes, namespaces, comments, processing instructions and the doctype, which STS responses
/// use only for the `xmlns` of the root. It does not validate beyond matching tags, and needs no libxml2
/// (Foundation's `XMLParser` lives in `FoundationXML` on Linux, which links it).
struct AWSXMLElement: Sendable, Hashable {
    /// The element name without any namespace prefix.
    var name: String
    /// The element's children, in order.
    var children: [AWSXMLElement]
    /// The text directly inside the element, entities decoded, trimmed of surrounding whitespace.
    var text: String

    /// The first child named `name`.
    func child(_ name: String) -> AWSXMLElement? {
        children.first { $0.name == name }
    }

    /// The first descendant reached by following `path` from this element.
    func first(path: [String]) -> AWSXMLElement? {
        var element = self
        for name in path {
            guard let next = element.child(name) else { return nil }
            element = next
        }
        return element
    }

    /// Parses a document and returns its root element, or `nil` if it is not well-formed enough to read.
    static func parse(_ data: Data) -> AWSXMLElement? {
        var parser = Parser(bytes: Array(data))
        return parser.document()
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func document() -> AWSXMLElement? {
            skipMisc()
            guard let root = element() else { return nil }
            skipMisc()
            return index == bytes.count ? root : nil
        }

        /// Skips whitespace, `<?…?>`, `<!--…-->` and `<!DOCTYPE…>`.
        mutating func skipMisc() {
            while true {
                while index < bytes.count, isSpace(bytes[index]) { index += 1 }
                if starts(with: "<?") {
                    guard skip(past: "?>") else { return }
                } else if starts(with: "<!--") {
                    guard skip(past: "-->") else { return }
                } else if starts(with: "<!") && !starts(with: "<![CDATA[") {
                    guard skip(past: ">") else { return }
                } else {
                    return
                }
            }
        }

        mutating func element() -> AWSXMLElement? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "<") else { return nil }
            index += 1
            let nameStart = index
            while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">"),
                bytes[index] != UInt8(ascii: "/")
            {
                index += 1
            }
            let qualified = String(decoding: bytes[nameStart..<index], as: UTF8.self)
            guard !qualified.isEmpty else { return nil }
            // Attributes: skip to the end of the tag, honouring quotes.
            var quote: UInt8?
            while index < bytes.count {
                let byte = bytes[index]
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: ">") {
                    break
                }
                index += 1
            }
            guard index < bytes.count else { return nil }
            let selfClosing = bytes[index - 1] == UInt8(ascii: "/")
            index += 1
            let name = localName(qualified)
            if selfClosing {
                return AWSXMLElement(name: name, children: [], text: "")
            }
            var children: [AWSXMLElement] = []
            var text: [UInt8] = []
            while index < bytes.count {
                if starts(with: "</") {
                    index += 2
                    let closeStart = index
                    while index < bytes.count, bytes[index] != UInt8(ascii: ">") { index += 1 }
                    guard index < bytes.count else { return nil }
                    let closing = String(decoding: bytes[closeStart..<index], as: UTF8.self)
                        .trimmingCharacters(in: .whitespaces)
                    index += 1
                    guard closing == qualified else { return nil }
                    let decoded = String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                    return AWSXMLElement(name: name, children: children, text: decoded)
                } else if starts(with: "<![CDATA[") {
                    index += 9
                    let start = index
                    guard skip(past: "]]>") else { return nil }
                    text.append(contentsOf: bytes[start..<(index - 3)])
                } else if starts(with: "<!--") || starts(with: "<?") {
                    guard skip(past: starts(with: "<?") ? "?>" : "-->") else { return nil }
                } else if bytes[index] == UInt8(ascii: "<") {
                    guard let child = element() else { return nil }
                    children.append(child)
                } else if bytes[index] == UInt8(ascii: "&") {
                    guard let decoded = entity() else { return nil }
                    text.append(contentsOf: decoded)
                } else {
                    text.append(bytes[index])
                    index += 1
                }
            }
            return nil
        }

        /// Decodes `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#N;` and `&#xH;` at the cursor.
        mutating func entity() -> [UInt8]? {
            guard let end = bytes[index...].firstIndex(of: UInt8(ascii: ";")), end - index <= 12 else { return nil }
            let name = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
            index = end + 1
            switch name {
            case "amp": return Array("&".utf8)
            case "lt": return Array("<".utf8)
            case "gt": return Array(">".utf8)
            case "quot": return Array("\"".utf8)
            case "apos": return Array("'".utf8)
            default:
                let value: UInt32?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    value = UInt32(name.dropFirst(2), radix: 16)
                } else if name.hasPrefix("#") {
                    value = UInt32(name.dropFirst(), radix: 10)
                } else {
                    value = nil
                }
                guard let value, let scalar = Unicode.Scalar(value) else { return nil }
                return Array(String(Character(scalar)).utf8)
            }
        }

        func starts(with prefix: String) -> Bool {
            let prefixBytes = Array(prefix.utf8)
            guard index + prefixBytes.count <= bytes.count else { return false }
            return Array(bytes[index..<(index + prefixBytes.count)]) == prefixBytes
        }

        /// Moves the cursor past the next occurrence of `terminator`; false if there is none.
        mutating func skip(past terminator: String) -> Bool {
            while index < bytes.count {
                if starts(with: terminator) {
                    index += terminator.utf8.count
                    return true
                }
                index += 1
            }
            return false
        }

        func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
        }

        func localName(_ qualified: String) -> String {
            qualified.split(separator: ":").last.map(String.init) ?? qualified
        }
    }
}
