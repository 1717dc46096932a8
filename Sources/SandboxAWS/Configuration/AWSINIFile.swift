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
    /// The sections in the order they first appear.
    var sections: [AWSINISection]

    /// - Throws: ``AWSConfigurationError/Code/malformedFile`` with the line number.
    init(parsing text: String, path: String) throws(AWSConfigurationError) {
        // Entry 0 is [DEFAULT]; each option keeps its lines until the end, when they are joined.
        var raw: [(name: String, options: [(key: String, lines: [String])])] = [("DEFAULT", [])]
        var current: Int?
        var inOption = false
        var indentLevel = 0
        func error(_ line: Int, _ message: String) -> AWSConfigurationError {
            AWSConfigurationError(.malformedFile, "\(path), line \(line): \(message)")
        }
        // Python's universal newlines; "\r\n" is one Character.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        for (index, line) in lines.enumerated() {
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
            if let header = Self.sectionHeader(in: stripped) {
                inOption = false
                if header == "DEFAULT" {
                    current = 0
                    continue
                }
                guard !raw.contains(where: { $0.name == header }) else {
                    throw error(index + 1, "section [\(header)] appears twice")
                }
                raw.append((header, []))
                current = raw.count - 1
                continue
            }
            guard let section = current else {
                throw error(index + 1, "\"\(stripped)\" comes before any [section] header")
            }
            guard let delimiter = stripped.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw error(index + 1, "\"\(stripped)\" is not a section header, a key = value line or a comment")
            }
            let key = stripped[..<delimiter].trimmingPythonWhitespace().lowercased()
            guard !key.isEmpty else {
                throw error(index + 1, "\"\(stripped)\" has no key before the \"\(stripped[delimiter])\"")
            }
            guard !raw[section].options.contains(where: { $0.key == key }) else {
                throw error(index + 1, "key \"\(key)\" appears twice in section [\(raw[section].name)]")
            }
            let value = stripped[stripped.index(after: delimiter)...].trimmingPythonWhitespace()
            raw[section].options.append((key, [String(value)]))
            inOption = true
        }
        var defaults: [String: AWSINIValue] = [:]
        for (key, lines) in raw[0].options {
            defaults[key] = try Self.value(of: lines, key: key, section: "DEFAULT", path: path)
        }
        sections = []
        for section in raw.dropFirst() {
            var values = defaults
            for (key, lines) in section.options {
                values[key] = try Self.value(of: lines, key: key, section: section.name, path: path)
            }
            sections.append(AWSINISection(name: section.name, values: values))
        }
    }

    /// The section with this exact name.
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

    /// `\[(?P<header>.+)\]` matched at the start: the text between the first `[` and the last `]`.
    private static func sectionHeader(in line: Substring) -> String? {
        guard line.first == "[", let close = line.lastIndex(of: "]") else { return nil }
        let header = line[line.index(after: line.startIndex)..<close]
        return header.isEmpty ? nil : String(header)
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
