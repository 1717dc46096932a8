/// The desired-state directory as read from disk, before any parsing (docs/behaviour.md §2).
///
/// ``DesiredStateParser`` turns it into a ``DesiredState`` without touching the file system, so
/// every rule can be tested on values. The runtime's `DesiredStateLoader` fills it in.
public struct DesiredStateSnapshot: Hashable, Sendable {
    /// The directory as the user named it (`desired-state`, `./x/ds`); diagnostics' paths start with it.
    public var displayPath: String
    /// The directory's path inside its git work tree, or `desired-state` outside one (docs/behaviour.md §5).
    public var repositoryPathPrefix: String
    /// Whether the directory itself is there.
    public var directory: DirectoryStatus
    /// `pool.json`, or `nil` when there is no such file.
    public var poolFile: FileContent?
    /// Whether `requests/` is there and a real directory.
    public var requestsDirectory: DirectoryStatus
    /// Every entry of `requests/` (dot files included: the parser skips them).
    public var requestFiles: [FileEntry]
    /// Whether `templates/` is there (it is optional).
    public var templatesDirectory: DirectoryStatus
    /// Every entry of `templates/`.
    public var templateFiles: [FileEntry]

    public init(
        displayPath: String = "desired-state",
        repositoryPathPrefix: String = "desired-state",
        directory: DirectoryStatus = .present,
        poolFile: FileContent?,
        requestsDirectory: DirectoryStatus = .present,
        requestFiles: [FileEntry] = [],
        templatesDirectory: DirectoryStatus = .missing,
        templateFiles: [FileEntry] = []
    ) {
        self.displayPath = displayPath
        self.repositoryPathPrefix = repositoryPathPrefix
        self.directory = directory
        self.poolFile = poolFile
        self.requestsDirectory = requestsDirectory
        self.requestFiles = requestFiles
        self.templatesDirectory = templatesDirectory
        self.templateFiles = templateFiles
    }

    /// `relativePath` under the directory as the user named it: `desired-state/requests/a.json`.
    public func displayPath(for relativePath: String) -> String {
        if displayPath.isEmpty { return relativePath }
        return displayPath.hasSuffix("/") ? displayPath + relativePath : displayPath + "/" + relativePath
    }
}

/// One entry of a directory: its name and its bytes, or why it cannot be read as a file.
public struct FileEntry: Hashable, Sendable {
    /// The name inside its directory (`a.json`).
    public var name: String
    public var content: FileContent

    public init(name: String, content: FileContent) {
        self.name = name
        self.content = content
    }
}

/// What is at a file's path.
public enum FileContent: Hashable, Sendable {
    /// A regular file of at most 64 KiB, read whole.
    case bytes([UInt8])
    /// A symbolic link: never followed.
    case symbolicLink
    /// Something else than a regular file; `kind` reads in a sentence (`a directory`, `a socket`).
    case notRegularFile(kind: String)
    /// A regular file over the size limit; it was not read.
    case tooLarge(size: Int)
    /// It could not be read; `reason` is the system's (`Permission denied`).
    case unreadable(reason: String)
}

/// What is at a directory's path.
public enum DirectoryStatus: Hashable, Sendable {
    case present
    case missing
    /// A symbolic link: never followed.
    case symbolicLink
    /// Something that is not a directory.
    case notADirectory
    /// It could not be listed; `reason` is the system's.
    case unreadable(reason: String)
}
