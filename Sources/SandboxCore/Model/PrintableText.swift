/// Text made safe for a terminal or a log (docs/behaviour.md §4.1): a file name, a JSON key or an
/// error from the outside that holds a line break, an escape sequence or a bidirectional control is
/// printed with that character as `\u{…}`, so it can neither start a line of its own (a forged
/// `::error` workflow command, a fake "valid" line) nor recolour or reorder what follows.
public enum PrintableText {
    /// `text` with every character ``mustBeEscaped(_:)`` says as `\u{XX}`: one line, always.
    public static func visible(_ text: String) -> String {
        escaped(text) { mustBeEscaped($0) }
    }

    /// `text` as ``visible(_:)``, except that its newlines stay: for output of several lines (a table, a
    /// comment's body) whose values were each made visible, or are our own.
    public static func visibleLines(_ text: String) -> String {
        escaped(text) { $0 != "\n" && mustBeEscaped($0) }
    }

    /// Control characters (C0, DEL, C1), the line and paragraph separators, and bidirectional controls.
    public static func mustBeEscaped(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        default: return scalar.properties.isBidiControl
        }
    }

    private static func escaped(_ text: String, where escape: (Unicode.Scalar) -> Bool) -> String {
        guard text.unicodeScalars.contains(where: escape) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if escape(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
