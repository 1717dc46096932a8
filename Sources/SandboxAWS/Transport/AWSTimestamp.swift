import Foundation

/// The timestamps AWS writes and reads, without `DateFormatter` (locale- and platform-dependent): ISO 8601 from
/// credential endpoints, SigV4's `yyyyMMddTHHmmssZ`, and HTTP `Date` headers. All UTC, proleptic Gregorian.
enum AWSTimestamp {
    /// Parses ISO 8601 as AWS writes it: `2024-01-15T09:30:00Z`, with optional fractional seconds and a `Z` or
    /// `±HH:MM` offset.
    static func parseISO8601(_ text: String) -> Date? {
        let bytes = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(bytes[10]),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = number(bytes, 0..<4), let month = number(bytes, 5..<7), let day = number(bytes, 8..<10),
            let hour = number(bytes, 11..<13), let minute = number(bytes, 14..<16),
            let second = number(bytes, 17..<19),
            let base = date(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < bytes.count, let digit = number(bytes, index..<(index + 1)) {
                fraction += Double(digit) * scale
                scale /= 10
                index += 1
            }
            guard index > 20, index < bytes.count else { return nil }
        }
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return nil }
            return base.addingTimeInterval(fraction)
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard bytes.count == index + 6, bytes[index + 3] == UInt8(ascii: ":"),
                let hours = number(bytes, (index + 1)..<(index + 3)),
                let minutes = number(bytes, (index + 4)..<(index + 6))
            else { return nil }
            let offset = (hours * 60 + minutes) * 60 * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
            return base.addingTimeInterval(fraction - Double(offset))
        default:
            return nil
        }
    }

    /// Parses SigV4's `yyyyMMddTHHmmssZ` (16 bytes).
    static func parseSigV4(_ bytes: ArraySlice<UInt8>) -> Date? {
        let bytes = Array(bytes)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z"),
            let year = number(bytes, 0..<4), let month = number(bytes, 4..<6), let day = number(bytes, 6..<8),
            let hour = number(bytes, 9..<11), let minute = number(bytes, 11..<13), let second = number(bytes, 13..<15)
        else { return nil }
        return date(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form HTTP `Date` headers take.
    static func parseHTTPDate(_ text: String) -> Date? {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]),
            let month = months.firstIndex(of: String(parts[2])), let year = Int(parts[3])
        else { return nil }
        let time = parts[4].split(separator: ":").compactMap { Int($0) }
        guard time.count == 3 else { return nil }
        return date(year: year, month: month + 1, day: day, hour: time[0], minute: time[1], second: time[2])
    }

    /// The instant of a UTC date and time (Howard Hinnant's `days_from_civil`).
    static func date(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date? {
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let days = era * 146_097 + yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3600 + minute * 60 + second))
    }

    /// `20240115T093000Z`: whole seconds, UTC.
    static func sigV4(_ date: Date) -> String {
        let (year, month, day, second) = civil(date)
        return pad(year, 4) + pad(month, 2) + pad(day, 2) + "T" + pad(second / 3600, 2) + pad(second % 3600 / 60, 2)
            + pad(second % 60, 2) + "Z"
    }

    /// `2024-01-15T09:30:00Z`.
    static func iso8601(_ date: Date) -> String {
        let (year, month, day, second) = civil(date)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(second / 3600, 2)):\(pad(second % 3600 / 60, 2)):"
            + "\(pad(second % 60, 2))Z"
    }

    /// Year, month, day and second of the day (Howard Hinnant's `civil_from_days`).
    private static func civil(_ date: Date) -> (Int, Int, Int, Int) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day, seconds - days * 86_400)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The decimal number in `bytes[range]`, if it is all digits.
    private static func number(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        guard range.upperBound <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[range] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
