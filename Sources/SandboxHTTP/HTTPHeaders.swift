/// An ordered list of HTTP header fields with case-insensitive lookup by name.
///
/// Fields keep the order they were added in and the spelling of their names, so a test server
/// can record headers exactly as they arrived and a client can send them exactly as it built them.
/// Lookup (``subscript(_:)``, ``values(for:)``, ``contains(_:)``) ignores ASCII case, as HTTP does.
///
/// Equality is exact: two header lists are equal when they hold the same fields, spelled the same,
/// in the same order.
///
/// ```swift
/// var headers: HTTPHeaders = ["Accept": "application/json"]
/// headers.add(name: "X-Trace", value: "a")
/// headers["content-type"] = "application/x-amz-json-1.1"
/// headers["ACCEPT"]  // "application/json"
/// ```
public struct HTTPHeaders: Sendable, Hashable {
    /// One header field: a name as spelled and its value.
    public struct Field: Sendable, Hashable {
        /// The field name, as spelled by whoever added it.
        public var name: String
        /// The field value, without surrounding whitespace.
        public var value: String

        /// Creates a field.
        /// - Parameters:
        ///   - name: The field name.
        ///   - value: The field value.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// All fields, in order.
    public private(set) var fields: [Field]

    /// Creates an empty header list.
    public init() {
        fields = []
    }

    /// Creates a header list from `(name, value)` pairs, keeping their order and any repeated names.
    /// - Parameter pairs: The fields, in order.
    public init(_ pairs: [(name: String, value: String)]) {
        fields = pairs.map { Field(name: $0.name, value: $0.value) }
    }

    /// The number of fields (a repeated name counts once per field).
    public var count: Int { fields.count }

    /// Whether there are no fields.
    public var isEmpty: Bool { fields.isEmpty }

    /// The value of the first field named `name` (ignoring case), or `nil` if there is none.
    ///
    /// Setting a value replaces every field with that name by one field (see ``set(name:value:)``);
    /// setting `nil` removes them all (see ``remove(name:)``).
    public subscript(name: String) -> String? {
        get { fields.first { Self.namesMatch($0.name, name) }?.value }
        set {
            if let newValue {
                set(name: name, value: newValue)
            } else {
                remove(name: name)
            }
        }
    }

    /// The values of every field named `name` (ignoring case), in order.
    /// - Parameter name: The field name.
    /// - Returns: The values; empty if there is no such field.
    public func values(for name: String) -> [String] {
        fields.filter { Self.namesMatch($0.name, name) }.map(\.value)
    }

    /// Whether at least one field is named `name` (ignoring case).
    /// - Parameter name: The field name.
    public func contains(_ name: String) -> Bool {
        fields.contains { Self.namesMatch($0.name, name) }
    }

    /// Appends a field, keeping any existing fields with the same name.
    /// - Parameters:
    ///   - name: The field name.
    ///   - value: The field value.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field named `name` (ignoring case) by one field with `value`.
    ///
    /// The new field takes the position of the first field it replaces, or goes at the end if
    /// there was none; its name is spelled as given here.
    /// - Parameters:
    ///   - name: The field name.
    ///   - value: The new value.
    public mutating func set(name: String, value: String) {
        let field = Field(name: name, value: value)
        guard let first = fields.firstIndex(where: { Self.namesMatch($0.name, name) }) else {
            fields.append(field)
            return
        }
        fields[first] = field
        var index = fields.index(after: first)
        while index < fields.endIndex {
            if Self.namesMatch(fields[index].name, name) {
                fields.remove(at: index)
            } else {
                index += 1
            }
        }
    }

    /// Removes every field named `name` (ignoring case).
    /// - Parameter name: The field name.
    public mutating func remove(name: String) {
        fields.removeAll { Self.namesMatch($0.name, name) }
    }

    /// Whether two field names are equal ignoring ASCII case (HTTP field names are ASCII tokens).
    static func namesMatch(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count
            && zip(lhs.utf8, rhs.utf8).allSatisfy { asciiLowercase($0) == asciiLowercase($1) }
    }

    private static func asciiLowercase(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
    }
}

extension HTTPHeaders: ExpressibleByDictionaryLiteral {
    /// Creates a header list from a literal, keeping the literal's order.
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { Field(name: $0.0, value: $0.1) }
    }
}

extension HTTPHeaders: Sequence {
    /// Iterates over the fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> {
        fields.makeIterator()
    }
}

extension HTTPHeaders: CustomStringConvertible {
    /// The fields as `Name: value` lines, for debugging, with the values of credential-bearing
    /// fields (`Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie`,
    /// `X-Amz-Security-Token`) replaced by `<redacted>`.
    public var description: String {
        fields.map { field in
            let redacted = Self.secretNames.contains { Self.namesMatch($0, field.name) }
            return "\(field.name): \(redacted ? "<redacted>" : field.value)"
        }
        .joined(separator: "\n")
    }

    private static let secretNames = [
        "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Amz-Security-Token",
    ]
}
