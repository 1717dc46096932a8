/// The commit checked out in the git work tree that holds the desired-state directory.
public struct GitWorkTreeCommit: Hashable, Sendable {
    /// `HEAD`'s object name: 40 lowercase hexadecimal digits.
    public var id: String
    /// Whether the directory has changes not committed: modified, staged, deleted or new files.
    public var dirty: Bool

    /// Creates the description.
    /// - Parameters:
    ///   - id: `HEAD`'s object name.
    ///   - dirty: Whether the directory differs from it.
    public init(id: String, dirty: Bool) {
        self.id = id
        self.dirty = dirty
    }

    /// The first 12 digits of ``id``.
    public var shortID: String { String(id.prefix(12)) }
}
