/// Writes the body of a notification comment (docs/behaviour.md §6). Pure: everything comes in as values.
///
/// A body is either the default text for the event or the operator's template
/// (`templates/<event>.md`) with its placeholders filled in, followed by the event's
/// ``NotificationMarker`` on the last line. The renderer always appends the marker itself, and
/// neutralizes anything before it that looks like one, so neither a template nor untrusted text
/// can drop or forge it.
///
/// Untrusted text (``NotificationContext``) is escaped with ``MarkdownEscaping``. The body stays
/// within GitHub's limit (``maximumBodyBytes``): untrusted parts are shortened first, with `…`.
///
/// ## Template placeholders
///
/// | placeholder | filled with |
/// |---|---|
/// | `{{requester}}` | the requester's login, escaped (never a mention, even after a literal `@`) |
/// | `{{request}}` | the request id |
/// | `{{expires}}` | the lease end, RFC 3339 UTC (`2026-11-29T12:00:00Z`) |
/// | `{{position}}` | the queue position (1 is next) |
/// | `{{reason}}` | the reason, escaped (`invalid`: the first problem) |
/// | `{{problems}}` | `invalid`: the file's problems, one escaped list item each (at most 5, then a count) |
/// | `{{outputs.KEY}}` | the value of output `KEY` (exact, case-sensitive key), escaped |
///
/// Inside a fenced code block (``CodeFenceTracker``), untrusted values are escaped for the fence, not for Markdown
/// (``MarkdownEscaping/Placement/fencedCode(fence:length:)``), so that a JSON snippet stays valid.
///
/// Spaces just inside the braces are allowed (`{{ request }}`). A value that is absent (no lease
/// end yet, not queued, no reason, no such output, an empty login) renders as `—` (U+2014 EM
/// DASH), so a sentence never reads as if something were cut out. An unknown placeholder is
/// left as is. Substitution is a single pass: text that was filled in is never read as a
/// placeholder again.
public enum NotificationRenderer {
    /// The most UTF-8 bytes a body may have, marker included.
    ///
    /// GitHub's documented limit is 65,536 characters; measurements put it at 262,144 bytes
    /// (reference/github.md §5.4). 65,536 bytes satisfies every reading: it also bounds the
    /// count of Unicode scalars and of UTF-16 code units to 65,536.
    public static let maximumBodyBytes = 65_536

    /// The most Unicode scalars a body may have; implied by ``maximumBodyBytes``.
    public static let maximumBodyScalars = 65_536

    /// What an absent value renders as in a template.
    public static let absentValue = "—"

    /// The comment body for `context`.
    ///
    /// - Parameters:
    ///   - context: What happened, to whom, with every value already decided.
    ///   - template: The operator's `templates/<event>.md`, or `nil` for the default text.
    /// - Returns: Markdown of at most ``maximumBodyBytes`` bytes whose last line is
    ///   `context.marker.text`.
    public static func render(_ context: NotificationContext, template: String?) -> String {
        var body = NotificationBody()
        if let template {
            fill(template, from: context, into: &body)
        } else {
            writeDefaultText(for: context, into: &body)
        }
        return body.rendered(marker: context.marker, maximumBytes: maximumBodyBytes)
    }

    // MARK: - Templates

    private static func fill(_ template: String, from context: NotificationContext, into body: inout NotificationBody) {
        var literal = ""
        var rest = Substring(template)
        var fences = CodeFenceTracker(template: template)
        while let open = rest.firstRange(of: "{{") {
            literal += rest[..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.firstRange(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let name = afterOpen[..<close.lowerBound].trimmingSpaces()
            guard let value = placeholderValue(name, in: context) else {
                // Unknown: keep one `{` and look again from the next character.
                literal += "{"
                rest = rest[rest.index(after: open.lowerBound)...]
                continue
            }
            body.append(literal)
            fences.consume(literal)
            literal = ""
            switch value {
            case .trusted(let text):
                body.append(text)
                fences.consume(text)
            case .untrusted(let text):
                // Inside a fenced code block, escaped for the fence only (docs/behaviour.md §6.6).
                let placement = fences.placement ?? .inline
                body.append(escaping: text, for: placement)
                fences.consume(MarkdownEscaping.escape(text, for: placement))
            case .problems:
                body.appendProblems(context)
                fences.consume("-\n")
            }
            rest = afterOpen[close.upperBound...]
        }
        literal += rest
        body.append(literal)
    }

    private enum PlaceholderValue {
        case trusted(String)
        case untrusted(String)
        /// The problems of an invalid file, one escaped list item each (docs/behaviour.md §6.6).
        case problems
    }

    private static func placeholderValue(_ name: Substring, in context: NotificationContext) -> PlaceholderValue? {
        switch name {
        case "requester":
            return context.requester.isEmpty ? .trusted(absentValue) : .untrusted(context.requester)
        case "request":
            return .trusted(context.request.rawValue)
        case "expires":
            return .trusted(context.leaseEnd.map(NotificationDateFormat.rfc3339) ?? absentValue)
        case "position":
            return .trusted(context.queuePosition.map(String.init) ?? absentValue)
        case "reason":
            return context.reason.map(PlaceholderValue.untrusted) ?? .trusted(absentValue)
        case "problems":
            return .problems
        default:
            guard name.hasPrefix("outputs.") else { return nil }
            let key = name.dropFirst("outputs.".count)
            guard !key.isEmpty else { return nil }
            return context.outputs.first { $0.key == key }.map { .untrusted($0.value) } ?? .trusted(absentValue)
        }
    }
}

extension Substring {
    /// Without leading and trailing ASCII spaces.
    fileprivate func trimmingSpaces() -> Substring {
        var result = self
        while result.first == " " { result.removeFirst() }
        while result.last == " " { result.removeLast() }
        return result
    }
}
