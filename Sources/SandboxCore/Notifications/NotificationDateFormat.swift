public import Foundation

/// How notification comments write dates: always UTC, always in English, whatever the machine's
/// locale and time zone.
public enum NotificationDateFormat {
    /// RFC 3339 in UTC with whole seconds: `2026-11-29T12:00:00Z`.
    public static func rfc3339(_ date: Date) -> String {
        formatter("yyyy-MM-dd'T'HH:mm:ss'Z'").string(from: date)
    }

    /// A form people read at a glance: `Sunday 29 November 2026, 12:00 UTC`.
    public static func humanReadable(_ date: Date) -> String {
        formatter("EEEE d MMMM yyyy, HH:mm 'UTC'").string(from: date)
    }

    /// A fresh formatter each time: `DateFormatter` is neither `Sendable` nor cheap to share
    /// safely, and comments are rare.
    private static func formatter(_ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = format
        return formatter
    }
}
