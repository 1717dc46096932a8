/// A comment body being assembled from trusted text and escaped untrusted text, then fitted
/// under GitHub's size limit with the marker appended.
struct NotificationBody {
    private enum Part {
        /// Text sandboxd (or the operator's template) wrote.
        case trusted(String)
        /// Escaped untrusted text, one piece per original character: any prefix is safe to cut at.
        case untrusted([String])
    }

    private var parts: [Part] = []
    /// The last scalar appended, to keep a trusted `@` from joining the untrusted text after it.
    private var lastScalar: Unicode.Scalar?

    /// Appends text sandboxd wrote, as is.
    mutating func append(_ text: String) {
        guard !text.isEmpty else { return }
        parts.append(.trusted(text))
        lastScalar = text.unicodeScalars.last
    }

    /// Appends untrusted text, escaped for `placement` (``MarkdownEscaping``).
    mutating func append(escaping text: String, for placement: MarkdownEscaping.Placement = .inline) {
        var pieces = MarkdownEscaping.pieces(of: text, placement: placement)
        if lastScalar == "@" || lastScalar == "\u{FF20}", !pieces.isEmpty {
            // A template's `@{{requester}}` must not become a mention either.
            pieces[0] = String(MarkdownEscaping.mentionBreaker) + pieces[0]
        }
        guard !pieces.isEmpty else { return }
        parts.append(.untrusted(pieces))
        if let last = pieces.last(where: { !$0.isEmpty }) { lastScalar = last.unicodeScalars.last }
    }

    /// The body, at most `maximumBytes` UTF-8 bytes (hence at most as many scalars), ending with
    /// `marker` on its own line.
    ///
    /// When it is too long, untrusted parts are shortened first, the longest first (each cut one
    /// gets `…`); only if that is not enough is the trusted text cut too. The marker is never cut,
    /// and a marker-like HTML comment anywhere before it is neutralized.
    func rendered(marker: NotificationMarker, maximumBytes: Int) -> String {
        rendered(markerText: marker.text, maximumBytes: maximumBytes)
    }

    /// The body ending with `markerText` (a marker sandboxd wrote, such as the forecast's), as
    /// ``rendered(marker:maximumBytes:)``.
    func rendered(markerText: String, maximumBytes: Int) -> String {
        let suffix = "\n\n" + markerText
        let budget = maximumBytes - suffix.utf8.count
        precondition(budget > 0, "the size limit leaves no room for the marker")

        let layout = Layout(parts: parts)
        var text: String
        if layout.bytes(cap: nil) <= budget {
            text = layout.joined(cap: nil)
        } else if layout.bytes(cap: 0) <= budget {
            text = layout.joined(cap: layout.largestCap(within: budget))
        } else {
            text = Self.truncated(layout.joined(cap: 0), toBytes: budget)
        }
        text = Self.neutralizingMarkers(in: text)
        if text.utf8.count > budget { text = Self.truncated(text, toBytes: budget) }
        while text.last?.isWhitespace == true { text.removeLast() }
        return text.isEmpty ? markerText : text + suffix
    }

    // MARK: - Fitting

    static let ellipsis = "…"

    /// Byte sizes of the parts, and how they shrink when every untrusted part is capped.
    private struct Layout {
        let parts: [Part]
        /// For each part: the running byte count after 0, 1, … pieces (one entry for trusted text).
        let prefixBytes: [[Int]]

        init(parts: [Part]) {
            self.parts = parts
            prefixBytes = parts.map { part in
                switch part {
                case .trusted(let text):
                    return [text.utf8.count]
                case .untrusted(let pieces):
                    var sums = [0]
                    sums.reserveCapacity(pieces.count + 1)
                    for piece in pieces { sums.append(sums[sums.count - 1] + piece.utf8.count) }
                    return sums
                }
            }
        }

        /// How many pieces of untrusted part `index` fit in `cap` bytes, and whether it was cut.
        func kept(_ index: Int, cap: Int?) -> (pieces: Int, cut: Bool) {
            let sums = prefixBytes[index]
            let full = sums.count - 1
            guard let cap, sums[full] > cap else { return (full, false) }
            let room = cap - NotificationBody.ellipsis.utf8.count
            guard room >= 0 else { return (0, true) }
            // The largest k with sums[k] <= room (sums is non-decreasing).
            var low = 0
            var high = full
            while low < high {
                let middle = (low + high + 1) / 2
                if sums[middle] <= room { low = middle } else { high = middle - 1 }
            }
            return (low, true)
        }

        func bytes(cap: Int?) -> Int {
            var total = 0
            for (index, part) in parts.enumerated() {
                switch part {
                case .trusted:
                    total += prefixBytes[index][0]
                case .untrusted:
                    let (pieces, cut) = kept(index, cap: cap)
                    total += prefixBytes[index][pieces]
                    if cut, cap.map({ $0 >= NotificationBody.ellipsis.utf8.count }) == true {
                        total += NotificationBody.ellipsis.utf8.count
                    }
                }
            }
            return total
        }

        /// The largest per-part cap under which everything fits in `budget` (`bytes(cap: 0)` must fit).
        func largestCap(within budget: Int) -> Int {
            var low = 0
            var high = prefixBytes.map { $0[$0.count - 1] }.max() ?? 0
            while low < high {
                let middle = (low + high + 1) / 2
                if bytes(cap: middle) <= budget { low = middle } else { high = middle - 1 }
            }
            return low
        }

        func joined(cap: Int?) -> String {
            var result = ""
            for (index, part) in parts.enumerated() {
                switch part {
                case .trusted(let text):
                    result += text
                case .untrusted(let pieces):
                    let (kept, cut) = kept(index, cap: cap)
                    for piece in pieces[..<kept] { result += piece }
                    if cut, cap.map({ $0 >= NotificationBody.ellipsis.utf8.count }) == true {
                        result += NotificationBody.ellipsis
                    }
                }
            }
            return result
        }
    }

    /// `text` cut at a character boundary to at most `maximumBytes` UTF-8 bytes, ending with `…`
    /// when cut.
    static func truncated(_ text: String, toBytes maximumBytes: Int) -> String {
        guard text.utf8.count > maximumBytes else { return text }
        let room = maximumBytes - ellipsis.utf8.count
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            if used + size > room { break }
            result.append(character)
            used += size
        }
        return result + ellipsis
    }

    /// Turns every `<!--` that opens something like a sandboxd marker (`<!-- sandboxd…`, any case
    /// and spacing) into `&lt;!--`, so that nothing but the appended marker can be found.
    static func neutralizingMarkers(in text: String) -> String {
        let bytes = Array(text.utf8)
        let opening = Array("<!--".utf8)
        let keyword = Array("sandboxd".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == opening[0], bytes.count - index >= opening.count,
                Array(bytes[index..<index + opening.count]) == opening
            {
                var next = index + opening.count
                while next < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[next]) { next += 1 }
                if bytes.count - next >= keyword.count,
                    zip(bytes[next..<next + keyword.count], keyword).allSatisfy({ $0 | 0x20 == $1 })
                {
                    output.append(contentsOf: Array("&lt;".utf8))
                    index += 1
                    continue
                }
            }
            output.append(bytes[index])
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }
}
