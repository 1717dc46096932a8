/// A duration written as in the desired state: `^[1-9][0-9]{0,8}[smhd]$` (`90s`, `15m`, `36h`, `7d`), at
/// most ``longest`` (docs/behaviour.md §2), so that every time it moves gives a time RFC 3339 can write.
public struct LeaseDuration: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The longest duration: 3650 days, ten years.
    public static let longest: Int64 = 3_650 * 86_400

    /// The length in seconds.
    public let seconds: Int64
    /// The text it was written as, kept for messages.
    public let text: String

    /// Parses `text`, or returns `nil` when it is not of the form `^[1-9][0-9]{0,8}[smhd]$` or is longer
    /// than ``longest``.
    public init?(_ text: String) {
        let scalars = Array(text.unicodeScalars)
        guard (2...10).contains(scalars.count), let unit = scalars.last else { return nil }
        let digits = scalars.dropLast()
        guard let first = digits.first, ("1"..."9").contains(first),
            digits.allSatisfy({ ("0"..."9").contains($0) }),
            let value = Int64(String(String.UnicodeScalarView(digits)))
        else { return nil }
        let factor: Int64
        switch unit {
        case "s": factor = 1
        case "m": factor = 60
        case "h": factor = 3_600
        case "d": factor = 86_400
        default: return nil
        }
        guard value * factor <= Self.longest else { return nil }
        self.seconds = value * factor
        self.text = text
    }

    /// A duration of exactly `seconds`, written in the largest unit that divides it.
    public init(seconds: Int64) {
        precondition(seconds > 0 && seconds <= Self.longest, "a LeaseDuration is positive and at most 3650 days")
        self.seconds = seconds
        if seconds % 86_400 == 0 {
            text = "\(seconds / 86_400)d"
        } else if seconds % 3_600 == 0 {
            text = "\(seconds / 3_600)h"
        } else if seconds % 60 == 0 {
            text = "\(seconds / 60)m"
        } else {
            text = "\(seconds)s"
        }
    }

    /// The length as a Foundation time interval.
    public var timeInterval: Double { Double(seconds) }

    public var description: String { text }

    public static func < (lhs: LeaseDuration, rhs: LeaseDuration) -> Bool { lhs.seconds < rhs.seconds }

    public static func == (lhs: LeaseDuration, rhs: LeaseDuration) -> Bool { lhs.seconds == rhs.seconds }

    public func hash(into hasher: inout Hasher) { hasher.combine(seconds) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = LeaseDuration(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad duration"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
