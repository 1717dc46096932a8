/// Follows a template's text as it is rendered, to tell whether a placeholder stands inside a fenced code block
/// (docs/behaviour.md §6.6).
///
/// A fence is a line of at most three spaces, then three or more `` ` `` or `~` (a backtick fence's info string
/// has no backtick), and opens only at the start of the text or after a blank line or another code block; it is
/// closed by a line of at most three spaces, then at least as many of the same character, then only spaces. A
/// fence inside a block quote or a list item is not followed (values there are escaped as Markdown, which is
/// always safe). A template that holds a raw HTML block that could contain a fence (`<pre`, `<script`, `<style`,
/// `<textarea`) is never taken to be inside a code block.
struct CodeFenceTracker {
    /// The fence of the open code block: its character and length.
    private(set) var open: (fence: Unicode.Scalar, length: Int)?
    /// The text of the line being read.
    private var line = String.UnicodeScalarView()
    /// Whether a fence may open on the line being read.
    private var mayOpen = true
    /// Whether fences are followed at all (no raw HTML block in the template).
    private let enabled: Bool

    init(template: String) {
        let lowered = template.lowercased()
        enabled = !["<pre", "<script", "<style", "<textarea"].contains { lowered.contains($0) }
    }

    /// Where a value placed now goes: inside the open code block (`nil` when outside, or on its fence line).
    var placement: MarkdownEscaping.Placement? {
        guard enabled, let open else { return nil }
        return .fencedCode(fence: open.fence, length: open.length)
    }

    /// Reads rendered text.
    mutating func consume(_ text: String) {
        guard enabled else { return }
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                endLine()
            } else if scalar != "\r" {
                line.append(scalar)
            }
        }
    }

    private mutating func endLine() {
        let text = String(line)
        line = String.UnicodeScalarView()
        let isBlank = text.unicodeScalars.allSatisfy { $0 == " " || $0 == "\t" }
        if let open {
            if let fence = Self.fence(in: text), fence.fence == open.fence, fence.length >= open.length,
                fence.rest.unicodeScalars.allSatisfy({ $0 == " " || $0 == "\t" })
            {
                self.open = nil
                mayOpen = true
            }
            return
        }
        if mayOpen, let fence = Self.fence(in: text),
            fence.fence == "~" || !fence.rest.unicodeScalars.contains("`")
        {
            open = (fence.fence, fence.length)
            return
        }
        mayOpen = isBlank
    }

    /// The fence that starts `line` (after at most three spaces), and what follows it.
    private static func fence(in line: String) -> (fence: Unicode.Scalar, length: Int, rest: Substring)? {
        var rest = Substring(line)
        var indent = 0
        while rest.first == " ", indent < 4 {
            rest.removeFirst()
            indent += 1
        }
        guard indent <= 3, let first = rest.unicodeScalars.first, first == "`" || first == "~" else { return nil }
        let length = rest.unicodeScalars.prefix { $0 == first }.count
        guard length >= 3 else { return nil }
        return (first, length, rest.dropFirst(length))
    }
}
