/// A value in a shared AWS file: a plain string, or a nested block (`s3 =` followed by indented `key = value` lines).
enum AWSINIValue: Hashable, Sendable {
    case string(String)
    case nested([String: String])

    /// The value if it is a plain string.
    var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The block if it is a nested one.
    var nested: [String: String]? {
        if case .nested(let value) = self { value } else { nil }
    }
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

    /// Parses a file's text.
    ///
    /// - Parameters:
    ///   - text: The file's contents.
    ///   - path: The file's path, for error messages.
    /// - Throws: ``AWSConfigurationError/Code/malformedFile`` with the line number.
    init(parsing text: String, path: String) throws(AWSConfigurationError) {
        var parser = Parser(path: path)
        for (index, line) in Self.lines(of: text).enumerated() {
            try parser.consume(line, number: index + 1)
        }
        sections = try parser.finish()
    }

    /// The section with this exact name.
    subscript(name: String) -> AWSINISection? {
        sections.first { $0.name == name }
    }

    /// Splits on `\n`, `\r\n` and `\r`, like Python's universal newlines.
    private static func lines(of text: String) -> [Substring] {
        var lines: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            // "\r\n" is a single Character in Swift.
            if character == "\n" || character == "\r" || character == "\r\n" {
                lines.append(text[start..<index])
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        if start < text.endIndex {
            lines.append(text[start...])
        }
        return lines
    }
}

extension AWSINIFile {
    /// The line-by-line state machine of `RawConfigParser._read`.
    private struct Parser {
        let path: String
        /// Section names in order, and each section's options as lists of lines (joined at the end).
        var sectionOrder: [String] = []
        var sections: [String: [(key: String, lines: [String])]] = [:]
        var defaults: [(key: String, lines: [String])] = []
        var current: String?
        var currentIsDefault = false
        var option: String?
        var indentLevel = 0

        init(path: String) {
            self.path = path
        }

        mutating func consume(_ line: Substring, number: Int) throws(AWSConfigurationError) {
            let stripped = line.trimmingPythonWhitespace()
            let isComment = stripped.hasPrefix("#") || stripped.hasPrefix(";")
            if stripped.isEmpty || isComment {
                // A blank line (not a comment) inside a value is kept, so nested blocks may contain blank lines.
                if !isComment, option != nil {
                    appendToCurrentOption("")
                }
                return
            }

            let indent = line.prefix { $0.isPythonWhitespace }.count
            if current != nil || currentIsDefault, option != nil, indent > indentLevel {
                appendToCurrentOption(String(stripped))
                return
            }
            indentLevel = indent

            if let header = Self.sectionHeader(in: stripped) {
                option = nil
                if header == "DEFAULT" {
                    currentIsDefault = true
                    current = nil
                    return
                }
                guard sections[header] == nil else {
                    throw error(line: number, "section [\(header)] appears twice")
                }
                sectionOrder.append(header)
                sections[header] = []
                current = header
                currentIsDefault = false
                return
            }

            guard current != nil || currentIsDefault else {
                throw error(line: number, "\"\(stripped)\" comes before any [section] header")
            }
            guard let delimiter = stripped.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw error(line: number, "\"\(stripped)\" is not a section header, a key = value line or a comment")
            }
            let key = stripped[..<delimiter].trimmingPythonWhitespace().lowercased()
            let value = stripped[stripped.index(after: delimiter)...].trimmingPythonWhitespace()
            guard !key.isEmpty else {
                throw error(line: number, "\"\(stripped)\" has no key before the \"\(stripped[delimiter])\"")
            }
            let existing = currentIsDefault ? defaults : sections[current!]!
            guard !existing.contains(where: { $0.key == key }) else {
                let section = currentIsDefault ? "DEFAULT" : current!
                throw error(line: number, "key \"\(key)\" appears twice in section [\(section)]")
            }
            if currentIsDefault {
                defaults.append((key, [String(value)]))
            } else {
                sections[current!]!.append((key, [String(value)]))
            }
            option = key
        }

        mutating func finish() throws(AWSConfigurationError) -> [AWSINISection] {
            var defaultValues: [String: AWSINIValue] = [:]
            for (key, lines) in defaults {
                defaultValues[key] = try value(of: lines, key: key, section: "DEFAULT")
            }
            var result: [AWSINISection] = []
            for name in sectionOrder {
                var values = defaultValues
                for (key, lines) in sections[name]! {
                    values[key] = try value(of: lines, key: key, section: name)
                }
                result.append(AWSINISection(name: name, values: values))
            }
            return result
        }

        private mutating func appendToCurrentOption(_ text: String) {
            guard let option else { return }
            if currentIsDefault {
                if let index = defaults.lastIndex(where: { $0.key == option }) { defaults[index].lines.append(text) }
            } else if let current, let index = sections[current]!.lastIndex(where: { $0.key == option }) {
                sections[current]![index].lines.append(text)
            }
        }

        /// `'\n'.join(lines).rstrip()`, then a nested block if the value started empty and continued.
        private func value(
            of lines: [String],
            key: String,
            section: String
        ) throws(AWSConfigurationError)
            -> AWSINIValue
        {
            var joined = lines.joined(separator: "\n")
            while let last = joined.last, last.isPythonWhitespace { joined.removeLast() }
            guard joined.hasPrefix("\n") else { return .string(joined) }
            var nested: [String: String] = [:]
            for line in joined.split(separator: "\n") {
                let stripped = line.trimmingPythonWhitespace()
                if stripped.isEmpty { continue }
                guard let equals = stripped.firstIndex(of: "=") else {
                    throw AWSConfigurationError(
                        .malformedFile,
                        "\(path): in [\(section)], the nested line \"\(stripped)\" under \"\(key) =\" has no \"=\""
                    )
                }
                nested[String(stripped[..<equals].trimmingPythonWhitespace())] = String(
                    stripped[stripped.index(after: equals)...].trimmingPythonWhitespace()
                )
            }
            return .nested(nested)
        }

        /// `\[(?P<header>.+)\]` matched at the start: the text between the first `[` and the last `]`.
        private static func sectionHeader(in line: Substring) -> String? {
            guard line.first == "[", let close = line.lastIndex(of: "]") else { return nil }
            let header = line[line.index(after: line.startIndex)..<close]
            return header.isEmpty ? nil : String(header)
        }

        private func error(line: Int, _ message: String) -> AWSConfigurationError {
            AWSConfigurationError(.malformedFile, "\(path), line \(line): \(message)")
        }
    }
}

extension Character {
    /// Python's `str.isspace()` for the characters that matter in INI files (ASCII whitespace plus the
    /// Unicode white-space characters Swift knows).
    var isPythonWhitespace: Bool {
        isWhitespace || ("\u{1C}"..."\u{1F}").contains(self)
    }
}

extension StringProtocol {
    /// Python's `str.strip()` with no arguments.
    func trimmingPythonWhitespace() -> Substring {
        let text = Substring(String(self))
        guard let first = text.firstIndex(where: { !$0.isPythonWhitespace }) else { return text[text.endIndex...] }
        let last = text.lastIndex(where: { !$0.isPythonWhitespace })!
        return text[first...last]
    }
}
