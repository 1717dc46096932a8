import Foundation

extension GitCommit {
    /// Reads `git cat-file commit ID`'s output: the headers, a blank line, the message.
    ///
    /// - Returns: The commit and its root tree's id, or `nil` when the text is not a commit.
    static func parse(id: String, text: [UInt8]) -> (commit: GitCommit, tree: String)? {
        let message = String(decoding: text, as: UTF8.self)
        // A commit without a message still has the blank line; be lenient when it has not.
        let headerEnd = message.range(of: "\n\n") ?? (message.endIndex..<message.endIndex)
        var tree: String?
        var committedAt: Date?
        var author: String?
        for line in message[..<headerEnd.lowerBound].split(separator: "\n") where !line.hasPrefix(" ") {
            if line.hasPrefix("tree ") {
                tree = String(line.dropFirst("tree ".count))
            } else if line.hasPrefix("committer ") {
                committedAt = time(ofIdentity: line)
            } else if line.hasPrefix("author ") {
                author = name(ofIdentity: line.dropFirst("author ".count))
            }
        }
        guard let tree, GitObjectID.isValid(tree), let committedAt else { return nil }
        let body = message[headerEnd.upperBound...]
        let subject = body.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return (GitCommit(id: id, committedAt: committedAt, subject: String(subject), author: author), tree)
    }

    /// `committer NAME <EMAIL> SECONDS ZONE`: the seconds, as a date.
    private static func time(ofIdentity line: Substring) -> Date? {
        guard let close = line.lastIndex(of: ">") else { return nil }
        let fields = line[line.index(after: close)...].split(separator: " ")
        guard let seconds = fields.first.flatMap({ Int64($0) }) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// `NAME <EMAIL> SECONDS ZONE`: the name, or `nil` when empty.
    private static func name(ofIdentity identity: Substring) -> String? {
        let name = identity.prefix { $0 != "<" }.trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? nil : name
    }
}

/// Object names as git prints them.
enum GitObjectID {
    /// Whether `text` is a full SHA-1 object name: 40 lowercase hexadecimal digits.
    static func isValid(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
