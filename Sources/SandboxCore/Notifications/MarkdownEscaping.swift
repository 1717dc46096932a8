/// Makes text sandboxd did not write safe to put in a GitHub comment (docs/behaviour.md §6).
///
/// Untrusted text is everything from a request file (purpose, requester login), from product
/// outputs (keys, values, descriptions) and from reasons (which may quote GitHub or AWS). After
/// escaping, such text renders as the same visible characters, and it can no longer:
///
/// - **@-mention** anyone (`@user`, `@org/team`, `@everyone`): every `@` (and fullwidth `＠`) is
///   followed by a ZERO WIDTH SPACE (U+200B), as Dependabot and Renovate do. GitHub only links
///   an `@` directly followed by a login character, and the zero-width space is not one. (A
///   zero-width *joiner* is not used: regex engines count it as a word character.) Wrapping
///   mentions in code spans is not enough, because email replies quote the body as plain text.
/// - **Inject HTML** or **forge a marker**: `&`, `<` and `>` become `&amp;`, `&lt;` and `&gt;`,
///   so `<img …>` renders as text and no `<!--` ever comes out of untrusted text. Escaping `&`
///   also stops `&#64;everyone` from turning into an `@` after rendering.
/// - **Break the Markdown**: the inline punctuation `\` `` ` `` `*` `_` `[` `]` `(` `)` `!` `|`
///   `~` `$` gets a backslash (emphasis, code, links, images, tables, strikethrough, math).
///   Block markers only count at the start of a line, and untrusted text never starts a line
///   except at its own start, so `#`, `-`, `+`, `=` and `1.` are escaped there only (`#123`,
///   `eu-west-1` and `a.b` stay readable). A line break inside the text becomes a space inline,
///   and `<br>` in a table cell, so it can neither end a table row nor start a heading or list.
///   `|` is escaped as `\|`, which GitHub's tables read as a pipe inside the cell.
/// - **Hide or reorder text**: control characters (C0, DEL, C1) are removed, a tab becomes a
///   space, and the bidirectional controls U+061C, U+200E, U+200F, U+202A–U+202E and
///   U+2066–U+2069 are removed.
///
/// `#123` issue references are left alone: they link but do not notify anyone.
///
/// Every result is a concatenation of per-character pieces, so a prefix of the pieces is still
/// safe: the renderer truncates untrusted text piece by piece and never cuts inside an escape.
public enum MarkdownEscaping {
    /// Where escaped text is placed.
    public enum Placement: Sendable, Hashable {
        /// In running text: a paragraph, heading, list item or blockquote line.
        case inline
        /// Inside one cell of a GitHub table row.
        case tableCell
        /// Inside a fenced code block opened by `length` (3 or more) of `fence` (`` ` `` or `~`), where Markdown
        /// is not read: nothing gets a backslash or an entity, so a JSON value stays valid JSON. Only what could
        /// end the block or hide text is changed (docs/behaviour.md §6.5): a line break becomes a space, a run of
        /// `fence` characters as long as the fence is broken by a ZERO WIDTH SPACE, controls are removed, and
        /// `@` is still followed by a ZERO WIDTH SPACE (email replies quote the block as plain text).
        case fencedCode(fence: Unicode.Scalar, length: Int)
    }

    /// What follows every `@` so that it mentions no one: U+200B ZERO WIDTH SPACE.
    public static let mentionBreaker: Unicode.Scalar = "\u{200B}"

    /// Escapes untrusted `text` for running Markdown text (see ``MarkdownEscaping``).
    public static func escapeInline(_ text: String) -> String {
        pieces(of: text, placement: .inline).joined()
    }

    /// Escapes untrusted `text` for one cell of a GitHub table row (see ``MarkdownEscaping``).
    public static func escapeTableCell(_ text: String) -> String {
        pieces(of: text, placement: .tableCell).joined()
    }

    /// Escapes untrusted `text` for `placement`.
    public static func escape(_ text: String, for placement: Placement) -> String {
        pieces(of: text, placement: placement).joined()
    }

    /// Removes control characters and bidirectional controls from `text` and turns tabs into
    /// spaces, without escaping anything else. Line breaks are kept.
    public static func removingControls(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for character in text {
            if character.isNewline {
                result.append("\n")
                continue
            }
            for scalar in character.unicodeScalars {
                if scalar == "\t" {
                    result.append(" ")
                } else if !isRemoved(scalar) {
                    result.append(scalar)
                }
            }
        }
        return String(result)
    }

    /// The escaped form of `text`, one piece per character of `text` (an empty piece for a
    /// removed one). Any prefix of the pieces, joined, is safe Markdown.
    static func pieces(of text: String, placement: Placement) -> [String] {
        if case .fencedCode(let fence, let length) = placement {
            return fencedPieces(of: text, fence: fence, length: length)
        }
        var pieces: [String] = []
        pieces.reserveCapacity(text.count)
        // Block markers matter only before the first visible character (see the type's documentation).
        var atLineStart = true
        var inLeadingDigits = false
        for character in text {
            if character.isNewline {
                pieces.append(placement == .tableCell ? "<br>" : " ")
                continue
            }
            var piece = ""
            for scalar in character.unicodeScalars {
                if isRemoved(scalar) { continue }
                if scalar == "\t" || scalar == " " {
                    piece.unicodeScalars.append(" ")
                    inLeadingDigits = false
                    continue
                }
                if atLineStart {
                    atLineStart = false
                    if "#-+=".unicodeScalars.contains(scalar) {
                        piece += "\\" + String(scalar)
                        continue
                    }
                    inLeadingDigits = ("0"..."9").contains(scalar)
                } else if inLeadingDigits {
                    if scalar == "." {
                        inLeadingDigits = false
                        piece += "\\."
                        continue
                    }
                    inLeadingDigits = ("0"..."9").contains(scalar)
                }
                piece += escaped(scalar)
            }
            pieces.append(piece)
        }
        return pieces
    }

    /// The pieces of `text` inside a fenced code block (see ``Placement/fencedCode(fence:length:)``).
    private static func fencedPieces(of text: String, fence: Unicode.Scalar, length: Int) -> [String] {
        var pieces: [String] = []
        pieces.reserveCapacity(text.count)
        // The text next to the value is not known here: a fence character at either end is kept apart from it.
        var run = max(length, 2) - 1
        for character in text {
            if character.isNewline {
                pieces.append(" ")
                run = 0
                continue
            }
            var piece = ""
            for scalar in character.unicodeScalars {
                if isRemoved(scalar) { continue }
                if scalar == fence {
                    // A run as long as the fence could close the block: break it before it gets there.
                    if run + 1 >= max(length, 2) {
                        piece.unicodeScalars.append(mentionBreaker)
                        run = 0
                    }
                    run += 1
                    piece.unicodeScalars.append(scalar)
                    continue
                }
                run = 0
                switch scalar {
                case "\t": piece.unicodeScalars.append(" ")
                case "@", "\u{FF20}": piece += String(scalar) + String(mentionBreaker)
                default: piece.unicodeScalars.append(scalar)
                }
            }
            pieces.append(piece)
        }
        if run > 0, let last = pieces.indices.last { pieces[last].unicodeScalars.append(mentionBreaker) }
        return pieces
    }

    private static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "&": return "&amp;"
        case "<": return "&lt;"
        case ">": return "&gt;"
        case "@", "\u{FF20}": return String(scalar) + String(mentionBreaker)
        case "\\", "`", "*", "_", "[", "]", "(", ")", "!", "|", "~", "$": return "\\" + String(scalar)
        default: return String(scalar)
        }
    }

    /// Control characters (a tab is handled before) and bidirectional controls.
    private static func isRemoved(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" { return false }
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
