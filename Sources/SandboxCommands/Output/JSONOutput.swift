import Foundation

/// A JSON value written in the order it was built, with explicit `null`s (command output).
enum JSONOutput {
    case null
    case bool(Bool)
    case number(Int)
    case string(String)
    case array([JSONOutput])
    case object([(String, JSONOutput)])

    static func optional(_ text: String?) -> JSONOutput { text.map(JSONOutput.string) ?? .null }
    static func optional(_ number: Int?) -> JSONOutput { number.map(JSONOutput.number) ?? .null }

    /// The value as JSON text; `indent` pretty-prints.
    func serialized(indent: Int? = 2, level: Int = 0) -> String {
        let pad = indent.map { String(repeating: " ", count: $0 * (level + 1)) } ?? ""
        let closePad = indent.map { String(repeating: " ", count: $0 * level) } ?? ""
        let newline = indent == nil ? "" : "\n"
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let value): return String(value)
        case .string(let value): return Self.quote(value)
        case .array(let items):
            if items.isEmpty { return "[]" }
            let inner = items.map { pad + $0.serialized(indent: indent, level: level + 1) }
            return "[" + newline + inner.joined(separator: "," + newline) + newline + closePad + "]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            let separator = indent == nil ? ":" : ": "
            let inner = members.map {
                pad + Self.quote($0.0) + separator + $0.1.serialized(indent: indent, level: level + 1)
            }
            return "{" + newline + inner.joined(separator: "," + newline) + newline + closePad + "}"
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
