/// A JSON value as read by ``JSONReader``, with the position where it starts.
///
/// Integers written without a fraction or exponent are kept exactly as ``Kind/integer(_:)``;
/// every other number is a ``Kind/number(_:)``, so a schema can tell `2` from `2.5` (and from `2.0`).
/// Object members keep the order of the file.
public struct JSONValue: Hashable, Sendable {
    /// The value itself.
    public enum Kind: Hashable, Sendable {
        case null
        case bool(Bool)
        /// A number written as an integer (`-?[0-9]+`) that fits in 64 bits.
        case integer(Int64)
        /// Any other number (`2.5`, `1e3`, `2.0`).
        case number(Double)
        case string(String)
        case array([JSONValue])
        /// Members in file order; keys are unique (the reader rejects duplicates).
        case object([Member])
    }

    /// One `"key": value` pair of an object.
    public struct Member: Hashable, Sendable {
        public var key: String
        /// Where the key's opening quote is.
        public var keyPosition: SourcePosition
        public var value: JSONValue

        public init(key: String, keyPosition: SourcePosition, value: JSONValue) {
            self.key = key
            self.keyPosition = keyPosition
            self.value = value
        }
    }

    public var kind: Kind
    /// Where the value's first character is.
    public var position: SourcePosition

    public init(_ kind: Kind, at position: SourcePosition) {
        self.kind = kind
        self.position = position
    }

    /// The members when the value is an object.
    public var members: [Member]? {
        if case .object(let members) = kind { return members }
        return nil
    }

    /// The elements when the value is an array.
    public var elements: [JSONValue]? {
        if case .array(let elements) = kind { return elements }
        return nil
    }

    /// The text when the value is a string.
    public var stringValue: String? {
        if case .string(let text) = kind { return text }
        return nil
    }

    /// The value when it is a number written as an integer.
    public var integerValue: Int64? {
        if case .integer(let value) = kind { return value }
        return nil
    }

    /// The member named `key` when the value is an object.
    public subscript(key: String) -> JSONValue? {
        members?.first { $0.key == key }?.value
    }

    /// A short phrase for messages: `the string "abc"`, `the number 2.5`, `an object`.
    public var summary: String {
        switch kind {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .integer(let value): return "the integer \(value)"
        case .number(let value): return "the number \(value)"
        case .string(let text): return "the string \(JSONValue.quoted(text, limit: 40))"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// `text` in double quotes with `"`, `\` and control characters escaped, cut to `limit` scalars.
    public static func quoted(_ text: String, limit: Int = 80) -> String {
        var result = "\""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                result += "…"
                break
            }
            count += 1
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
