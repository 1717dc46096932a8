/// A value in a shared AWS file: a plain string, or a nested block (`s3 =` followed by indented `key = value` lines).
enum AWSINIValue: Hashable, Sendable {
    case string(String)
    case nested([String: String])

    var string: String? { if case .string(let value) = self { value } else { nil } }
    var nested: [String: String]? { if case .nested(let value) = self { value } else { nil } }
}

/// One section of a shared file: its name exactly as written between the brackets, and its keys.
struct AWSINISection: Hashable, Sendable {
    var name: String
    var values: [String: AWSINIValue]
}

/// A shared `config` or `credentials` file parsed the way botocore parses it (`configloader.raw_config_parse`, i.e.
/// Python's `RawConfigParser` with its defaults, then one level of nested blocks).
///
/// The rules, all from `configparser` 3.11:
/// - Section headers are `[name]`; the name is everything between the first `[` and the last `]`, not trimmed and
///   case-sensitive. Text after the last `]` is ignored.
/// - Options are `key = value` or `key: value`, split at the first `=` or `:`. Keys are lowercased and trimmed;
///   values are trimmed. A line with neither delimiter is an error.
/// - Only whole-line comments exist (`#` or `;` after optional indentation). `region = x # note` keeps the `# note`.
/// - A line indented deeper than its option's line continues the value. A value that starts empty and continues
///   (`s3 =` + indented lines) is a nested block of `key = value` lines (split at the first `=`; nested keys keep
///   their case).
/// - A section or an option repeated within one file is an error, as is an option before any section.
/// - `[DEFAULT]` is not a section: its options are inherited by every section.
struct AWSINIFile: Hashable, Sendable {
    /// Where it is, for messages.
    var path: String
    /// In the order they first appear.
    var sections: [AWSINISection]

    /// A file that does not exist: no sections.
    init(path: String) { (self.path, sections) = (path, []) }

    init(parsing text: String, path: String) throws(AWSConfigurationError) {
        self.path = path
        // Entry 0 is [DEFAULT]; each option keeps its lines until the end, when they are joined.
        var raw: [(name: String, options: [(key: String, lines: [String])])] = [("DEFAULT", [])]
        var current: Int?
        var (inOption, indentLevel) = (false, 0)
        // Python's universal newlines; "\r\n" is one Character.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        for (number, line) in zip(1..., lines) {
            func error(_ message: String) -> AWSConfigurationError {
                AWSConfigurationError(.malformedFile, "\(path), line \(number): \(message)")
            }
            let stripped = line.trimmingPythonWhitespace()
            let isComment = stripped.hasPrefix("#") || stripped.hasPrefix(";")
            let indent = line.prefix(while: \.isPythonWhitespace).count
            // A blank line (not a comment) inside a value is kept, so nested blocks may contain blank lines.
            if let section = current, inOption, !isComment, stripped.isEmpty || indent > indentLevel {
                raw[section].options[raw[section].options.count - 1].lines.append(String(stripped))
                continue
            }
            if stripped.isEmpty || isComment { continue }
            indentLevel = indent
            // `\[(?P<header>.+)\]` matched at the start.
            if stripped.first == "[", let close = stripped.lastIndex(of: "]"), close > stripped.startIndex {
                let header = String(stripped[stripped.index(after: stripped.startIndex)..<close])
                if !header.isEmpty {
                    inOption = false
                    if header != "DEFAULT" {
                        guard !raw.contains(where: { $0.name == header }) else {
                            throw error("section [\(header)] appears twice")
                        }
                        raw.append((header, []))
                    }
                    current = header == "DEFAULT" ? 0 : raw.count - 1
                    continue
                }
            }
            guard let section = current else { throw error("\"\(stripped)\" comes before any [section] header") }
            guard let delimiter = stripped.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw error("\"\(stripped)\" is not a section header, a key = value line or a comment")
            }
            let key = stripped[..<delimiter].trimmingPythonWhitespace().lowercased()
            guard !key.isEmpty else { throw error("\"\(stripped)\" has no key before the \"\(stripped[delimiter])\"") }
            guard !raw[section].options.contains(where: { $0.key == key }) else {
                throw error("key \"\(key)\" appears twice in section [\(raw[section].name)]")
            }
            let value = stripped[stripped.index(after: delimiter)...].trimmingPythonWhitespace()
            raw[section].options.append((key, [String(value)]))
            inOption = true
        }
        var defaults: [String: AWSINIValue] = [:]
        sections = []
        for (index, section) in raw.enumerated() {
            var values = defaults
            for (key, lines) in section.options {
                values[key] = try Self.value(of: lines, key: key, section: section.name, path: path)
            }
            if index == 0 {
                defaults = values
            } else {
                sections.append(AWSINISection(name: section.name, values: values))
            }
        }
    }

    subscript(name: String) -> AWSINISection? {
        sections.first { $0.name == name }
    }

    /// `'\n'.join(lines).rstrip()`, then a nested block if the value started empty and continued.
    private static func value(
        of lines: [String],
        key: String,
        section: String,
        path: String
    ) throws(AWSConfigurationError) -> AWSINIValue {
        var joined = lines.joined(separator: "\n")
        while let last = joined.last, last.isPythonWhitespace { joined.removeLast() }
        guard joined.hasPrefix("\n") else { return .string(joined) }
        var nested: [String: String] = [:]
        for line in joined.split(separator: "\n") where !line.trimmingPythonWhitespace().isEmpty {
            let stripped = line.trimmingPythonWhitespace()
            guard let equals = stripped.firstIndex(of: "=") else {
                throw AWSConfigurationError(
                    .malformedFile,
                    "\(path): in [\(section)], the nested line \"\(stripped)\" under \"\(key) =\" has no \"=\""
                )
            }
            let value = stripped[stripped.index(after: equals)...].trimmingPythonWhitespace()
            nested[String(stripped[..<equals].trimmingPythonWhitespace())] = String(value)
        }
        return .nested(nested)
    }
}

extension Character {
    /// Python's `str.isspace()` for the characters that matter in INI files (ASCII whitespace plus the Unicode
    /// white-space characters Swift knows).
    var isPythonWhitespace: Bool {
        isWhitespace || ("\u{1C}"..."\u{1F}").contains(self)
    }
}

extension StringProtocol {
    /// Python's `str.strip()` with no arguments.
    func trimmingPythonWhitespace() -> Substring {
        let text = Substring(String(self))
        guard let first = text.firstIndex(where: { !$0.isPythonWhitespace }) else { return text[text.endIndex...] }
        return text[first...text.lastIndex(where: { !$0.isPythonWhitespace })!]
    }
}
