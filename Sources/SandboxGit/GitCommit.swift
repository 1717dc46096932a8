public import Foundation

/// One commit of the remote's branch, as read from the clone.
public struct GitCommit: Hashable, Sendable {
    /// The commit's object name: 40 lowercase hexadecimal digits.
    public var id: String
    /// When it was committed (the committer's time, not the author's).
    public var committedAt: Date
    /// The first line of its message.
    public var subject: String
    /// The author's name as recorded, without the address; `nil` when empty.
    public var author: String?

    /// Creates a commit's description.
    /// - Parameters:
    ///   - id: The object name.
    ///   - committedAt: The committer's time.
    ///   - subject: The first line of the message.
    ///   - author: The author's name, or `nil`.
    public init(id: String, committedAt: Date, subject: String, author: String?) {
        self.id = id
        self.committedAt = committedAt
        self.subject = subject
        self.author = author
    }

    /// The first 12 digits of ``id``, as status lines and logs show a commit.
    public var shortID: String { String(id.prefix(12)) }
}
