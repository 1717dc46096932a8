/// One problem found in the desired state, reported as `PATH: message` (docs/behaviour.md §4).
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    /// How bad it is: errors make `validate` exit 1, warnings do not.
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    public var severity: Severity
    /// The file, as a path under the desired-state directory given by the user (`desired-state/requests/a.json`).
    public var path: String
    /// The field, as a dotted path (`verification.minAccountAge`), when the problem is in one.
    public var field: String?
    /// Position of a syntax problem (1-based).
    public var line: Int?
    public var column: Int?
    /// What is wrong and what to do about it.
    public var message: String

    public init(
        _ severity: Severity = .error,
        path: String,
        field: String? = nil,
        line: Int? = nil,
        column: Int? = nil,
        message: String
    ) {
        self.severity = severity
        self.path = path
        self.field = field
        self.line = line
        self.column = column
        self.message = message
    }

    /// `PATH[:LINE:COLUMN]: [warning: ][field: ]message`, always one line: what comes from the files (a
    /// name with a newline, a bidirectional control) is shown escaped (``PrintableText``).
    public var description: String {
        var location = path
        if let line, let column { location += ":\(line):\(column)" }
        let prefix = severity == .warning ? "warning: " : ""
        return PrintableText.visible("\(location): \(prefix)\(detail)")
    }

    /// `[field: ]message`: what is wrong, without where or how bad.
    public var detail: String {
        (field.map { "\($0): " } ?? "") + message
    }
}
