import SandboxCore

/// One GitHub Actions workflow command that annotates a file (docs/behaviour.md §4.1):
/// `::error file=PATH,line=L,col=C,title=TITLE::MESSAGE`, or `::warning …`.
///
/// The message and the path come from contributors' pull requests, so they are escaped as the
/// runner unescapes them, and a line of ours is always exactly one command: GitHub reads a command
/// only at the start of a line, and no newline, carriage return or other line break gets through.
/// - In the message, `%` is `%25`, CR `%0D`, LF `%0A`.
/// - In a property value, also `:` is `%3A` and `,` is `%2C`, so the properties end at the first `::`.
/// - Every other control character (C0, DEL, C1), the Unicode line and paragraph separators and the
///   bidirectional controls are written as `%XX` of their UTF-8 bytes; the runner leaves those as
///   they are, so they show as text and never act.
struct GitHubAnnotation: Hashable, Sendable {
    /// The workflow command: `error` or `warning`.
    var severity: Diagnostic.Severity
    /// The file, relative to the repository's root.
    var file: String
    /// The position, when the problem has one (1-based; the column counts Unicode scalars).
    var line: Int?
    var column: Int?
    /// The annotation's heading.
    var title: String
    var message: String

    /// The annotation for one diagnostic of `validate`, at `file`.
    init(_ diagnostic: Diagnostic, file: String) {
        severity = diagnostic.severity
        self.file = file
        line = diagnostic.line
        column = diagnostic.column
        title = "sandboxd validate"
        message = diagnostic.detail
    }

    /// The workflow command, one line without its newline.
    var command: String {
        var properties = ["file=\(Self.escapedProperty(file))"]
        if let line, let column { properties += ["line=\(line)", "col=\(column)"] }
        properties.append("title=\(Self.escapedProperty(title))")
        return "::\(severity.rawValue) \(properties.joined(separator: ","))::\(Self.escapedMessage(message))"
    }

    /// `text` as a command's message: `%`, CR and LF escaped, and the characters no command may hold.
    static func escapedMessage(_ text: String) -> String {
        escaped(text, property: false)
    }

    /// `text` as a property's value: as a message, and `:` and `,` too.
    static func escapedProperty(_ text: String) -> String {
        escaped(text, property: true)
    }

    private static func escaped(_ text: String, property: Bool) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": result += "%25"
            case "\r": result += "%0D"
            case "\n": result += "%0A"
            case ":" where property: result += "%3A"
            case "," where property: result += "%2C"
            case _ where PrintableText.mustBeEscaped(scalar): result += percentEncoded(scalar)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `%XX` for each UTF-8 byte of the scalar.
    private static func percentEncoded(_ scalar: Unicode.Scalar) -> String {
        var result = ""
        for byte in String(scalar).utf8 {
            let hex = String(byte, radix: 16, uppercase: true)
            result += "%" + (hex.count == 1 ? "0" + hex : hex)
        }
        return result
    }
}
