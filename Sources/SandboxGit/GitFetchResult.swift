/// What one ``GitMirror/fetch()`` found: the branch's head and how it relates to the one fetched before.
public struct GitFetchResult: Hashable, Sendable {
    /// The branch's head now: the commit a pass reads the desired state from.
    public var commit: GitCommit
    /// The branch fetched: the configured one, or the remote's default branch.
    public var branch: String
    /// The head the previous fetch of the same remote and branch found, or `nil` on the first fetch.
    public var previousCommitID: String?
    /// Whether the head is not a descendant of ``previousCommitID``: the branch was force-pushed (or
    /// reset), so commits sandboxd saw are no longer on it.
    public var rewritten: Bool
    /// Why the clone was removed and cloned again during this fetch (what git said of the damage), or
    /// `nil` when it was not.
    public var recloneReason: String?

    /// Creates a result.
    /// - Parameters:
    ///   - commit: The branch's head.
    ///   - branch: The branch fetched.
    ///   - previousCommitID: The head of the previous fetch, or `nil`.
    ///   - rewritten: Whether the head is not a descendant of the previous one.
    ///   - recloneReason: Why the clone was made again, or `nil`.
    public init(
        commit: GitCommit,
        branch: String,
        previousCommitID: String?,
        rewritten: Bool,
        recloneReason: String?
    ) {
        self.commit = commit
        self.branch = branch
        self.previousCommitID = previousCommitID
        self.rewritten = rewritten
        self.recloneReason = recloneReason
    }

    /// Whether the clone was found damaged and was removed and cloned again during this fetch.
    public var recloned: Bool { recloneReason != nil }

    /// Whether the head moved since the previous fetch (or this is the first).
    public var changed: Bool { previousCommitID != commit.id }
}
