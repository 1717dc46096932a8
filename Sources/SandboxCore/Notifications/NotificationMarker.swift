/// The hidden key that identifies one notification comment (docs/behaviour.md §6).
///
/// The first occurrence of an event for a request is `<!-- sandboxd:<request-id>:<event> -->`;
/// the n-th occurrence, n ≥ 2, is `<!-- sandboxd:<request-id>:<event>:<n> -->`. After a crash
/// between posting a comment and recording it, sandboxd looks for the marker among its own
/// comments before posting again.
///
/// Matching is exact: `<!-- sandboxd:a:expiring -->` is not found in a body that only holds
/// `<!-- sandboxd:a:expiring:2 -->`, and vice versa. Because every marker ends with ` -->`, a
/// plain substring search for ``text`` is exact as well.
///
/// - Important: Only markers in comments written by sandboxd's own account count. The renderer
///   escapes untrusted text so that it can never produce a marker (see ``MarkdownEscaping``).
public struct NotificationMarker: Hashable, Sendable, CustomStringConvertible {
    /// The request the comment is about.
    public let request: RequestID
    /// What happened.
    public let event: NotificationEvent
    /// Which time this event happens for this request, from 1.
    public let occurrence: Int

    /// Creates the marker of the `occurrence`-th `event` of `request`.
    ///
    /// - Parameters:
    ///   - request: The request the comment is about.
    ///   - event: What happened.
    ///   - occurrence: 1 for the first time the event happens for this request, 2 for the second, …
    /// - Important: `occurrence` must be at least 1.
    public init(request: RequestID, event: NotificationEvent, occurrence: Int = 1) {
        precondition(occurrence >= 1, "a notification occurrence counts from 1")
        self.request = request
        self.event = event
        self.occurrence = occurrence
    }

    /// Parses exactly one marker, `text` holding nothing else (no surrounding spaces or newlines).
    ///
    /// Returns `nil` for anything that ``text`` would not produce: an unknown event, an invalid
    /// request id, a counter of `1`, `0`, with a leading zero or a sign, or different spacing.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard let (marker, end) = Self.parse(bytes, at: 0), end == bytes.count else { return nil }
        self = marker
    }

    /// The marker as it appears in a comment body: `<!-- sandboxd:<request-id>:<event>[:<n>] -->`.
    public var text: String {
        let counter = occurrence == 1 ? "" : ":\(occurrence)"
        return "\(Self.opening)\(request.rawValue):\(event.rawValue)\(counter)\(Self.closing)"
    }

    public var description: String { text }

    /// Every well-formed marker in `body`, in the order they appear.
    ///
    /// A comment sandboxd rendered holds exactly one, at its end.
    public static func markers(in body: String) -> [NotificationMarker] {
        let bytes = Array(body.utf8)
        let opening = Array(Self.opening.utf8)
        var found: [NotificationMarker] = []
        var index = 0
        while let start = firstIndex(of: opening, in: bytes, from: index) {
            if let (marker, end) = parse(bytes, at: start) {
                found.append(marker)
                index = end
            } else {
                index = start + 1
            }
        }
        return found
    }

    /// Whether `body` holds this exact marker (not one with another counter, event or request).
    public func isPresent(in body: String) -> Bool {
        Self.markers(in: body).contains(self)
    }

    // MARK: - Parsing

    static let opening = "<!-- sandboxd:"
    static let closing = " -->"

    /// Parses a marker starting at `start`; returns it and the index just past its end.
    private static func parse(_ bytes: [UInt8], at start: Int) -> (NotificationMarker, Int)? {
        let opening = Array(Self.opening.utf8)
        let closing = Array(Self.closing.utf8)
        guard bytes.count - start >= opening.count, Array(bytes[start..<start + opening.count]) == opening else {
            return nil
        }
        let innerStart = start + opening.count
        // The inner part is short and made of `[a-z0-9:-]`; stop at the first byte that cannot belong to it.
        var innerEnd = innerStart
        while innerEnd < bytes.count, isInnerByte(bytes[innerEnd]) { innerEnd += 1 }
        guard bytes.count - innerEnd >= closing.count,
            Array(bytes[innerEnd..<innerEnd + closing.count]) == closing
        else { return nil }

        let fields = bytes[innerStart..<innerEnd].split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard fields.count == 2 || fields.count == 3,
            let request = RequestID(String(decoding: fields[0], as: UTF8.self)),
            let event = NotificationEvent(rawValue: String(decoding: fields[1], as: UTF8.self))
        else { return nil }

        var occurrence = 1
        if fields.count == 3 {
            let digits = fields[2]
            // Canonical decimal only: no leading zero, at most 9 digits, and never 1 (that is the bare form).
            guard let first = digits.first, first != UInt8(ascii: "0"), digits.count <= 9,
                digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                let value = Int(String(decoding: digits, as: UTF8.self)), value >= 2
            else { return nil }
            occurrence = value
        }
        return (NotificationMarker(request: request, event: event, occurrence: occurrence), innerEnd + closing.count)
    }

    private static func isInnerByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":")
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else {
            return nil
        }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], Array(haystack[index..<index + needle.count]) == needle { return index }
            index += 1
        }
        return nil
    }
}
