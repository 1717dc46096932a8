import Foundation

/// The timestamps AWS writes and reads, all UTC: ISO 8601 from credential endpoints, SigV4's `yyyyMMddTHHmmssZ`, and
/// HTTP `Date` headers. Foundation's ISO 8601 styles are locale-independent; `DateFormatter` is not used.
enum AWSTimestamp {
    /// `20240115T093000Z`.
    private static let sigV4Style = Date.ISO8601FormatStyle(
        dateSeparator: .omitted,
        dateTimeSeparator: .standard,
        timeSeparator: .omitted,
        timeZone: .gmt
    )

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }()

    /// `2024-01-15T09:30:00Z`, with optional fractional seconds and a `Z` or `±HH:MM` offset.
    static func parseISO8601(_ text: String) -> Date? {
        try? Date(text.trimmingCharacters(in: .whitespaces), strategy: .iso8601)
    }

    static func parseSigV4(_ text: String) -> Date? {
        try? Date(text, strategy: sigV4Style)
    }

    /// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form HTTP `Date` headers take.
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

    static func date(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date? {
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        return calendar.date(
            from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        )
    }

    /// Whole seconds, truncated.
    static func sigV4(_ date: Date) -> String {
        date.formatted(sigV4Style)
    }

    static func iso8601(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
