public import Foundation
import SandboxCore
import SandboxLocking
#if canImport(Glibc)
import Glibc
#endif

/// A small structured logger: constant messages, data in dotted metadata keys (`request.id`).
public struct Logger: Sendable {
    /// Severity, with its syslog priority.
    public enum Level: Int, Sendable, Comparable, CustomStringConvertible {
        case debug = 7
        case info = 6
        case notice = 5
        case warning = 4
        case error = 3

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue > rhs.rawValue }

        public var description: String {
            switch self {
            case .debug: return "debug"
            case .info: return "info"
            case .notice: return "notice"
            case .warning: return "warning"
            case .error: return "error"
            }
        }

        /// The level `--log-level` / `SANDBOXD_LOG_LEVEL` names (`error`, `warning`, `notice`, `info`, `debug`;
        /// docs/behaviour.md §7), or `nil` for any other word.
        public init?(name: String) {
            guard let level = Self.byName.first(where: { $0.description == name }) else { return nil }
            self = level
        }

        /// Every level, most severe first, as `--log-level` lists them.
        public static let byName: [Level] = [.error, .warning, .notice, .info, .debug]
    }

    /// Where log lines go.
    public let sink: any LogSink
    /// Metadata added to every line (`reconcile.id`).
    public var metadata: [String: String]
    public var minimumLevel: Level

    public init(sink: any LogSink, metadata: [String: String] = [:], minimumLevel: Level = .info) {
        self.sink = sink
        self.metadata = metadata
        self.minimumLevel = minimumLevel
    }

    /// A logger that writes nothing.
    public static var silent: Logger { Logger(sink: MemoryLogSink(), minimumLevel: .error) }

    public func log(_ level: Level, _ message: String, _ metadata: [String: String] = [:]) {
        guard level >= minimumLevel else { return }
        sink.write(LogEntry(level: level, message: message, metadata: self.metadata.merging(metadata) { $1 }))
    }

    public func debug(_ message: String, _ metadata: [String: String] = [:]) { log(.debug, message, metadata) }
    public func info(_ message: String, _ metadata: [String: String] = [:]) { log(.info, message, metadata) }
    public func notice(_ message: String, _ metadata: [String: String] = [:]) { log(.notice, message, metadata) }
    public func warning(_ message: String, _ metadata: [String: String] = [:]) { log(.warning, message, metadata) }
    public func error(_ message: String, _ metadata: [String: String] = [:]) { log(.error, message, metadata) }

    /// The same logger with more metadata.
    public func with(_ metadata: [String: String]) -> Logger {
        var copy = self
        copy.metadata.merge(metadata) { $1 }
        return copy
    }
}

/// One log line.
public struct LogEntry: Sendable, Hashable {
    public var level: Logger.Level
    public var message: String
    public var metadata: [String: String]

    /// `message key=value …`, values quoted when they hold spaces; always one line, whatever the message
    /// or a value held (``PrintableText``: a file name with a newline cannot forge a log line).
    public var formatted: String {
        let pairs = metadata.sorted { $0.key < $1.key }.map { key, value in
            let needsQuotes = value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" })
            let shown = needsQuotes ? "\"" + value.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : value
            return "\(key)=\(shown)"
        }
        return PrintableText.visible(([message] + pairs).joined(separator: " "))
    }
}

/// Where a ``Logger`` writes.
public protocol LogSink: Sendable {
    func write(_ entry: LogEntry)
}

/// Writes to standard error, one event per line; with the `<N>` syslog prefix when journald reads it.
public struct StandardErrorLogSink: LogSink {
    public let journald: Bool

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        journald = environment["JOURNAL_STREAM"] != nil
    }

    public func write(_ entry: LogEntry) {
        let line =
            journald
            ? "<\(entry.level.rawValue)>\(entry.formatted)\n"
            : "\(entry.level): \(entry.formatted)\n"
        StandardStream.write(line, to: 2)
    }
}

/// Keeps log entries in memory, for tests.
public final class MemoryLogSink: LogSink {
    private let stored = Locked<[LogEntry]>([])

    public init() {}

    public func write(_ entry: LogEntry) { stored.withLock { $0.append(entry) } }

    public var entries: [LogEntry] { stored.withLock { $0 } }
}
