/// JSON text from a ``JSONValue``, members in their order, `null`s written out (command output).
extension JSONValue {
    /// The value as JSON text.
    ///
    /// - Parameters:
    ///   - indent: Spaces per level, pretty-printed one member or element a line; `nil` writes it on one line.
    ///   - level: The nesting level the value starts at.
    public func serialized(indent: Int? = 2, level: Int = 0) -> String {
        let pad = indent.map { String(repeating: " ", count: $0 * (level + 1)) } ?? ""
        let closePad = indent.map { String(repeating: " ", count: $0 * level) } ?? ""
        let newline = indent == nil ? "" : "\n"
        switch kind {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .integer(let value): return String(value)
        case .number(let value): return value.isFinite ? String(value) : "null"
        case .string(let value): return Self.serializedString(value)
        case .array(let items):
            if items.isEmpty { return "[]" }
            let inner = items.map { pad + $0.serialized(indent: indent, level: level + 1) }
            return "[" + newline + inner.joined(separator: "," + newline) + newline + closePad + "]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            let separator = indent == nil ? ":" : ": "
            let inner = members.map {
                pad + Self.serializedString($0.key) + separator + $0.value.serialized(indent: indent, level: level + 1)
            }
            return "{" + newline + inner.joined(separator: "," + newline) + newline + closePad + "}"
        }
    }

    /// `text` as a JSON string: `"`, `\` and control characters below U+0020 escaped, nothing cut.
    static func serializedString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
