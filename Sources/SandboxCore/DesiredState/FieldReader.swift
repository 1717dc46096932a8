/// Reads typed fields out of a ``JSONValue`` for one file, collecting a ``Diagnostic`` for every
/// problem instead of stopping at the first.
struct FieldReader {
    /// The file's display path.
    let path: String
    private var collected: [Diagnostic] = []

    /// Every diagnostic, in the order of the file (by line and column; those without a position last).
    var diagnostics: [Diagnostic] {
        collected.enumerated().sorted { left, right in
            let l = (left.element.line ?? Int.max, left.element.column ?? Int.max, left.offset)
            let r = (right.element.line ?? Int.max, right.element.column ?? Int.max, right.offset)
            return l < r
        }.map(\.element)
    }

    init(path: String) {
        self.path = path
    }

    /// Whether any error was reported (warnings do not count).
    var hasErrors: Bool { collected.contains { $0.severity == .error } }

    mutating func error(_ field: String?, at position: SourcePosition?, _ message: String) {
        collected.append(
            Diagnostic(
                .error,
                path: path,
                field: field,
                line: position?.line,
                column: position?.column,
                message: message
            )
        )
    }

    mutating func warning(_ field: String?, at position: SourcePosition?, _ message: String) {
        collected.append(
            Diagnostic(
                .warning,
                path: path,
                field: field,
                line: position?.line,
                column: position?.column,
                message: message
            )
        )
    }

    /// Reports a syntax error of the file as a whole.
    mutating func syntaxError(_ error: JSONSyntaxError) {
        self.error(nil, at: error.position, error.message)
    }

    /// Reads the file's bytes as one JSON value, reporting the syntax error when there is one.
    mutating func readJSON(_ bytes: [UInt8]) -> JSONValue? {
        do {
            return try JSONReader.parse(bytes)
        } catch {
            syntaxError(error)
            return nil
        }
    }

    /// The members of an object whose keys are all in `keys`, by key.
    ///
    /// Reports a wrong type and every unknown key; `forbiddenKeys` maps keys that are known to be
    /// wrong here to a message of their own. Unknown keys are left out of the result.
    mutating func object(
        _ value: JSONValue,
        field: String?,
        keys: [String],
        forbiddenKeys: [String: String] = [:],
        description: String = "an object"
    ) -> [String: JSONValue]? {
        guard let members = value.members else {
            wrongType(value, field: field, expected: description)
            return nil
        }
        var result: [String: JSONValue] = [:]
        for member in members {
            let memberField = FieldReader.join(field, member.key)
            if keys.contains(member.key) {
                result[member.key] = member.value
            } else if let message = forbiddenKeys[member.key] {
                error(memberField, at: member.keyPosition, message)
            } else {
                error(memberField, at: member.keyPosition, FieldReader.unknownKeyMessage(member.key, known: keys))
            }
        }
        return result
    }

    /// Reports that the required `key` of the object at `objectPosition` is missing.
    mutating func missing(_ field: String, at objectPosition: SourcePosition, _ hint: String) {
        error(field, at: objectPosition, "missing; \(hint)")
    }

    mutating func string(_ value: JSONValue, field: String, expected: String = "a string") -> String? {
        guard let text = value.stringValue else {
            wrongType(value, field: field, expected: expected)
            return nil
        }
        return text
    }

    mutating func integer(_ value: JSONValue, field: String, expected: String) -> Int64? {
        guard let integer = value.integerValue else {
            wrongType(value, field: field, expected: expected)
            return nil
        }
        return integer
    }

    /// A duration such as `7d` (docs/behaviour.md §2).
    mutating func duration(_ value: JSONValue, field: String) -> LeaseDuration? {
        guard let text = string(value, field: field, expected: "a duration string such as \"7d\"") else { return nil }
        guard let duration = LeaseDuration(text) else {
            error(
                field,
                at: value.position,
                "\(JSONValue.quoted(text)) is not a duration; write a whole number followed by s, m, h or d, at"
                    + " most 3650d (ten years), such as \"90s\", \"15m\", \"36h\" or \"7d\""
            )
            return nil
        }
        return duration
    }

    /// An array of strings; every element that is not a string is reported.
    mutating func stringArray(_ value: JSONValue, field: String, expected: String) -> [String]? {
        guard let elements = value.elements else {
            wrongType(value, field: field, expected: "an array of \(expected)")
            return nil
        }
        var result: [String] = []
        var ok = true
        for (index, element) in elements.enumerated() {
            if let text = string(element, field: "\(field)[\(index)]", expected: expected) {
                result.append(text)
            } else {
                ok = false
            }
        }
        return ok ? result : nil
    }

    /// Reports that `value` is not of the `expected` type, with a hint when the fix is obvious.
    mutating func wrongType(_ value: JSONValue, field: String?, expected: String) {
        var hint = ""
        switch value.kind {
        case .string(let text) where expected.contains("integer") && Int64(text) != nil:
            hint = "; write the number without quotes"
        case .integer, .number, .bool:
            if expected.contains("string") { hint = "; put the value in double quotes" }
        case .null:
            hint = "; to use the default, leave the key out"
        default:
            break
        }
        error(field, at: value.position, "expected \(expected), found \(value.summary)\(hint)")
    }

    /// `parent.key`, or `key` at the top.
    static func join(_ parent: String?, _ key: String) -> String {
        guard let parent, !parent.isEmpty else { return key }
        return "\(parent).\(key)"
    }

    /// `unknown key "x"; …`, suggesting the known key it most likely means.
    static func unknownKeyMessage(_ key: String, known: [String]) -> String {
        var message = "unknown key \(JSONValue.quoted(key));"
        if let suggestion = closest(to: key, in: known) {
            message += " did you mean \(JSONValue.quoted(suggestion))? Otherwise remove it."
            message += " The keys here are \(known.joined(separator: ", "))"
        } else {
            message += " remove it (the keys here are \(known.joined(separator: ", ")))"
        }
        return message
    }

    /// The key within a small edit distance of `key`, ignoring case.
    static func closest(to key: String, in known: [String]) -> String? {
        let lowered = Array(key.lowercased().unicodeScalars)
        var best: (key: String, distance: Int)?
        for candidate in known {
            let distance = editDistance(lowered, Array(candidate.lowercased().unicodeScalars))
            let allowed = max(1, min(3, candidate.count / 3))
            if distance <= allowed, distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        return best?.key
    }

    private static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// What parsing one desired-state file gave: the value when the file is valid, and every problem.
public struct FileParseResult<Value: Sendable & Hashable>: Sendable, Hashable {
    /// The parsed value; `nil` when any diagnostic is an error.
    public var value: Value?
    /// Errors and warnings, in the order of the file.
    public var diagnostics: [Diagnostic]

    public init(value: Value?, diagnostics: [Diagnostic]) {
        self.value = value
        self.diagnostics = diagnostics
    }
}

/// Limits shared by the desired-state files (docs/behaviour.md §2).
public enum DesiredStateLimits {
    /// The largest file accepted: 64 KiB.
    public static let maximumFileSize = 65_536
    /// The longest `purpose`, in Unicode scalars.
    public static let maximumPurposeLength = 500
    /// The largest `capacity` accepted: a sanity bound against typos such as 30000.
    public static let maximumCapacity = 1_000
}
