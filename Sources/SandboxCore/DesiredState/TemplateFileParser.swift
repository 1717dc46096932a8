/// Checks one notification template, `templates/<event>.md` (docs/behaviour.md §6).
///
/// A template is UTF-8 text of at most 64 KiB (a leading byte order mark is dropped) whose
/// `{{…}}` placeholders are among `{{requester}}`, `{{request}}`, `{{expires}}`, `{{position}}`,
/// `{{reason}}` and `{{outputs.KEY}}`. A `{{` with no `}}` after it is plain text.
public enum TemplateFileParser {
    /// Parses a template.
    ///
    /// - Parameters:
    ///   - bytes: The file's content.
    ///   - path: The file as shown in diagnostics (`desired-state/templates/ready.md`).
    /// - Returns: The text when it is valid, and every diagnostic.
    public static func parse(_ bytes: [UInt8], path: String) -> FileParseResult<String> {
        var reader = FieldReader(path: path)
        guard bytes.count <= DesiredStateLimits.maximumFileSize else {
            reader.error(nil, at: nil, DesiredStateParser.tooLargeMessage(size: bytes.count))
            return FileParseResult(value: nil, diagnostics: reader.diagnostics)
        }
        let text: String
        do {
            text = try UTF8Text.decode(bytes)
        } catch {
            reader.error(nil, at: error.position, error.message)
            return FileParseResult(value: nil, diagnostics: reader.diagnostics)
        }
        var unknown: [String] = []
        for occurrence in Placeholders.occurrences(in: text)
        where !Placeholders.isTemplateName(occurrence.name) && !unknown.contains(occurrence.text) {
            unknown.append(occurrence.text)
        }
        if !unknown.isEmpty {
            reader.error(
                nil,
                at: nil,
                "unknown placeholder \(unknown.joined(separator: ", ")); a template may use {{requester}}, {{request}},"
                    + " {{expires}}, {{position}}, {{reason}}, {{problems}} and {{outputs.KEY}}"
            )
            return FileParseResult(value: nil, diagnostics: reader.diagnostics)
        }
        return FileParseResult(value: text, diagnostics: reader.diagnostics)
    }
}
