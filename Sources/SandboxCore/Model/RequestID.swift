/// The identity of a sandbox request: its file name in `requests/` without `.json`.
///
/// Valid ids match `^[a-z0-9][a-z0-9-]{0,62}$` (docs/behaviour.md §2), so an id is also safe inside a
/// Service Catalog product name and a comment marker.
public struct RequestID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The id as written in the file name.
    public let rawValue: String

    /// Creates an id, or returns `nil` when `rawValue` is not a valid request id.
    public init?(_ rawValue: String) {
        guard RequestID.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// Whether `text` matches `^[a-z0-9][a-z0-9-]{0,62}$`.
    public static func isValid(_ text: String) -> Bool {
        // By UTF-8 byte, without a copy (the journal reads one id a record): every byte allowed is ASCII, so
        // counting bytes is counting characters.
        let utf8 = text.utf8
        guard (1...63).contains(utf8.count) else { return false }
        for (index, byte) in utf8.enumerated() {
            let isLowerOrDigit =
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            if index == 0 ? !isLowerOrDigit : !(isLowerOrDigit || byte == UInt8(ascii: "-")) { return false }
        }
        return true
    }

    public var description: String { rawValue }

    public static func < (lhs: RequestID, rhs: RequestID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = RequestID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad request id"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
