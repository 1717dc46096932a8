/// Text from the desired state made safe for a terminal or a CI log: a file name or a JSON key that
/// holds a line break, an escape sequence or a bidirectional control is printed with that character as
/// `\u{…}`, so it can neither start a line of its own (a forged `::error` workflow command, a fake
/// "valid" line) nor recolour or reorder what follows.
enum PrintableText {
    /// `text` with every control character, line or paragraph separator and bidirectional control as `\u{XX}`.
    static func visible(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if GitHubAnnotation.mustBeEncoded(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
