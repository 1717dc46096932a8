/// The git remote sandboxd follows, and where the desired state lies in it (docs/behaviour.md §4.9).
///
/// Every value is checked when it is made, so a ``GitMirror`` never hands git a URL it could read as an
/// option, a branch it could read as a revision expression, or a path that leaves the repository.
public struct GitRemote: Hashable, Sendable {
    /// The desired state's folder inside the repository when none is given.
    public static let defaultPath = "desired-state"

    /// The remote's URL as given: `https://HOST/OWNER/REPO.git`, `ssh://[USER@]HOST[:PORT]/PATH`,
    /// `[USER@]HOST:PATH` (scp-like) or `file:///PATH` (no host); `http://` only to the loopback address.
    public let url: String
    /// The branch followed, without `refs/heads/`; `nil` follows the remote's default branch.
    public let branch: String?
    /// The desired state's folder inside the repository, normalized: `desired-state`, `deploy/pool-a`,
    /// or the empty string for the repository's root.
    public let path: String
    /// How git reaches the remote, which decides whether credentials are offered.
    let transport: GitTransport

    /// Checks and normalizes the settings.
    /// - Parameters:
    ///   - url: The remote's URL. It may not hold credentials: an https remote gets sandboxd's GitHub
    ///     token through git's askpass (docs/behaviour.md §4.9).
    ///   - branch: The branch to follow (`main`, or `refs/heads/main`); `nil` or empty for the default branch.
    ///   - path: The desired state's folder, relative to the repository's root; `""` or `"."` for the root.
    /// - Throws: ``GitError`` of kind ``GitError/Kind/invalidSettings`` saying which setting is wrong.
    public init(url: String, branch: String? = nil, path: String = GitRemote.defaultPath) throws(GitError) {
        transport = try GitRemote.transport(of: url)
        self.url = url
        self.branch = try GitRemote.normalizedBranch(branch)
        self.path = try GitRemote.normalizedPath(path)
    }

    /// Whether git may be handed a token for this remote: https, or http to the loopback address.
    public var takesCredentials: Bool {
        transport == .https || transport == .loopbackHTTP
    }
}

/// How git reaches a remote.
enum GitTransport: Hashable, Sendable {
    /// `https://`.
    case https
    /// `http://` to `127.0.0.1`, `[::1]` or `localhost`: a git server on the same machine, or a test's.
    case loopbackHTTP
    /// `ssh://` or scp-like `[USER@]HOST:PATH`: the host's ssh and its configuration.
    case ssh
    /// `file://`: a repository on this machine.
    case file
}
