import SandboxCore
import Testing

@Suite("Markdown escaping of untrusted text")
struct MarkdownEscapingTests {
    static let zwsp = "\u{200B}"

    @Test(
        "inline text renders as itself and cannot mention, link, inject HTML or forge a marker",
        arguments: [
            ("plain words", "plain words"),
            ("@everyone", "@\u{200B}everyone"),
            ("@org/team and @user", "@\u{200B}org/team and @\u{200B}user"),
            ("mail me: a@b.example", "mail me: a@\u{200B}b.example"),
            ("\u{FF20}user", "\u{FF20}\u{200B}user"),
            ("&#64;everyone", "&amp;#64;everyone"),
            ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert\\(1\\)&gt;"),
            ("<!-- sandboxd:other:ready -->", "&lt;\\!-- sandboxd:other:ready --&gt;"),
            ("**bold** _it_ ~~s~~ `code`", "\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\`code\\`"),
            ("[x](https://evil.example) ![i](y)", "\\[x\\]\\(https://evil.example\\) \\!\\[i\\]\\(y\\)"),
            ("a | b", "a \\| b"),
            ("back\\slash", "back\\\\slash"),
            ("costs $5 or $x$", "costs \\$5 or \\$x\\$"),
            ("see #123", "see #123"),
            ("eu-west-1 a.b c+d", "eu-west-1 a.b c+d"),
            ("# heading", "\\# heading"),
            ("- item", "\\- item"),
            ("  + item", "  \\+ item"),
            ("===", "\\==="),
            ("12. ordered", "12\\. ordered"),
            ("v1.2", "v1.2"),
            ("line one\n# two\r\n- three", "line one # two - three"),
            ("tab\there", "tab here"),
            ("bell\u{07}nul\u{00}del\u{7F}c1\u{85}x", "bellnuldelc1 x"),
            ("a\u{202E}b\u{2066}c\u{2069}d\u{200F}e\u{061C}f", "abcdef"),
            ("@\u{0}everyone", "@\u{200B}everyone"),
            ("café 🧪👩‍🔬", "café 🧪👩‍🔬"),
        ]
    )
    func inline(input: String, expected: String) {
        #expect(MarkdownEscaping.escapeInline(input) == expected)
    }

    @Test(
        "a table cell keeps its pipes inside and turns line breaks into <br>",
        arguments: [
            ("| x |\n|---|", "\\| x \\|<br>\\|---\\|"),
            ("a\r\nb", "a<br>b"),
            ("- a\n- b", "\\- a<br>- b"),
        ]
    )
    func tableCell(input: String, expected: String) {
        #expect(MarkdownEscaping.escapeTableCell(input) == expected)
        #expect(MarkdownEscaping.escape(input, for: .tableCell) == expected)
    }

    @Test(
        "no escaped text has an unescaped pipe, a `<`, or an @ before a word character",
        arguments: [
            "| x |\n|---|", "\\|", "\\\\|", "@@everyone", "@\\@x", "<!--", "<<!---->>", "x@y@z", "@\u{200D}a",
        ]
    )
    func invariants(input: String) {
        for placement in [MarkdownEscaping.Placement.inline, .tableCell] {
            let escaped = MarkdownEscaping.escape(input, for: placement)
            #expect(!escaped.contains("<!--"))
            #expect(Self.unescapedPipes(in: escaped) == 0)
            #expect(!Self.hasMention(escaped))
            #expect(!escaped.contains("\n"))
        }
    }

    @Test("removing controls keeps line breaks and text, drops control and bidi characters")
    func removingControls() {
        #expect(MarkdownEscaping.removingControls("a\u{1B}[31mb\r\nc\u{202D}d\te") == "a[31mb\ncd e")
    }

    /// Pipes not preceded by an odd number of backslashes: the ones a table would split on.
    static func unescapedPipes(in text: String) -> Int {
        var count = 0
        var backslashes = 0
        for scalar in text.unicodeScalars {
            if scalar == "|", backslashes % 2 == 0 { count += 1 }
            backslashes = scalar == "\\" ? backslashes + 1 : 0
        }
        return count
    }

    /// Whether an `@` is directly followed by a letter, digit or `_` (what GitHub would link).
    static func hasMention(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() where scalar == "@" || scalar == "\u{FF20}" {
            guard index + 1 < scalars.count else { continue }
            let next = scalars[index + 1]
            if next == "_" || next.properties.isAlphabetic || next.properties.numericType != nil
                || next.properties.generalCategory == .decimalNumber || next == "\u{200D}"
            {
                return true
            }
        }
        return false
    }
}
