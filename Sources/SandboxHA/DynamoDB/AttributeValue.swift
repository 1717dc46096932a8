import Foundation

/// One attribute of a DynamoDB item, of the three types sandboxd stores: `S`, `N` (kept as the decimal text DynamoDB
/// sends) and `B` (base64 on the wire).
public enum AttributeValue: Sendable, Hashable {
    case string(String)
    case number(String)
    case binary([UInt8])

    /// A whole number.
    public static func integer(_ value: UInt64) -> AttributeValue { .number(String(value)) }

    /// The attribute in the wire's shape: `{"S": "…"}`, `{"N": "…"}`, `{"B": "<base64>"}`.
    public var json: JSONValue {
        switch self {
        case .string(let value): return .object(["S": .string(value)])
        case .number(let value): return .object(["N": .string(value)])
        case .binary(let value): return .object(["B": .string(Data(value).base64EncodedString())])
        }
    }

    /// Reads an attribute of the wire; `nil` for a type sandboxd never writes.
    public init?(json: JSONValue) {
        if let value = json["S"]?.stringValue {
            self = .string(value)
        } else if let value = json["N"]?.stringValue {
            self = .number(value)
        } else if let text = json["B"]?.stringValue, let data = Data(base64Encoded: text) {
            self = .binary(Array(data))
        } else {
            return nil
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var integerValue: UInt64? {
        if case .number(let value) = self { return UInt64(value) }
        return nil
    }

    public var binaryValue: [UInt8]? {
        if case .binary(let value) = self { return value }
        return nil
    }
}

/// A DynamoDB item (or key): attribute name to value.
public typealias DynamoDBItem = [String: AttributeValue]

extension Dictionary where Key == String, Value == AttributeValue {
    /// The item in the wire's shape.
    public var json: JSONValue { .object(mapValues(\.json)) }

    /// Reads an item of the wire, skipping attributes of types sandboxd never writes.
    public init?(json: JSONValue?) {
        guard let members = json?.objectValue else { return nil }
        self = members.compactMapValues(AttributeValue.init(json:))
    }
}
