/// Why following the git remote failed: the kind of fault and what to do about it
/// (docs/behaviour.md §4.9).
///
/// The message never holds a token: git's own words are cut short and scrubbed of anything that looks
/// like a credential before they are quoted.
public struct GitError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of fault it is; each says where to look.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The `git` program is not in `PATH`, or could not be started.
        case gitMissing = "git-missing"
        /// The remote did not answer: a network fault, a host or repository not found, or git timed out.
        case unreachable
        /// The remote refused the credentials, or asked for some and sandboxd had none.
        case authentication
        /// The branch is not on the remote (deleted, never pushed), or the remote names no default branch.
        case branchMissing = "branch-missing"
        /// The clone under the state directory is broken; it is removed and cloned again on the next fetch.
        case damaged
        /// The remote's settings are not usable (`--git-remote`, `--git-branch`, `--git-path`).
        case invalidSettings = "invalid-settings"
        /// The desired state at a commit is over what sandboxd reads (docs/behaviour.md §9.1).
        case tooLarge = "too-large"
        /// git failed in a way sandboxd does not recognize; the message quotes it.
        case failed
    }

    /// What kind of fault it is.
    public var kind: Kind
    /// What went wrong and what to do.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - kind: What kind of fault it is.
    ///   - message: What went wrong and what to do; it must hold no secret.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
