#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
public import SandboxCore

/// Reads the desired-state directory from disk into a ``DesiredStateSnapshot`` and parses it.
///
/// The loader never follows a symbolic link inside the directory: every entry is examined with
/// `lstat`, opened with `O_NOFOLLOW` and checked again with `fstat`, so a link is reported, never
/// read. A file's size is checked before it is read, and at most 64 KiB + 1 bytes are read.
/// The directory itself may be a link (the user named it).
///
/// - Important: Loading only reads. It never creates, repairs or rewrites anything.
public struct DesiredStateLoader: Sendable {
    /// The directory as the user named it (`desired-state`, `./x/ds`, `/srv/pool/desired-state`).
    public var directory: String

    /// Creates a loader for `directory`, as the user named it; diagnostics' paths start with it.
    public init(directory: String) {
        self.directory = directory
    }

    /// Reads the directory and parses it: the desired state with every diagnostic.
    public func load() -> DesiredState {
        DesiredStateParser.parse(snapshot())
    }

    /// Reads the directory without parsing it.
    public func snapshot() -> DesiredStateSnapshot {
        let root = directoryStatus(directory, followLink: true)
        var snapshot = DesiredStateSnapshot(
            displayPath: directory,
            repositoryPathPrefix: DesiredStateLoader.repositoryPathPrefix(of: directory),
            directory: root,
            poolFile: nil,
            requestsDirectory: .missing,
            templatesDirectory: .missing
        )
        guard root == .present else { return snapshot }
        let poolPath = join(directory, "pool.json")
        if exists(poolPath) { snapshot.poolFile = DesiredStateLoader.readFile(at: poolPath) }
        (snapshot.requestsDirectory, snapshot.requestFiles) = readDirectory(join(directory, "requests"))
        (snapshot.templatesDirectory, snapshot.templateFiles) = readDirectory(join(directory, "templates"))
        return snapshot
    }

    /// The desired-state directory's path inside the git work tree holding it (docs/behaviour.md §5).
    ///
    /// Walks up from the directory (after resolving links, as git sees it) to the first one holding
    /// `.git` (a directory, or a file in a linked work tree or submodule).
    ///
    /// - Returns: The relative path (`desired-state`, `deploy/pool-a`), the empty string when the
    ///   directory is the work tree's root, or `desired-state` when it is not inside a work tree.
    public static func repositoryPathPrefix(of directory: String) -> String {
        workTreePath(of: directory) ?? "desired-state"
    }

    /// The directory's path inside the git work tree holding it, as ``repositoryPathPrefix(of:)``
    /// finds it, or `nil` when no directory above it holds `.git`.
    public static func workTreePath(of directory: String) -> String? {
        let absolute = resolvedAbsolutePath(directory)
        let components = absolute.split(separator: "/").map(String.init)
        for count in stride(from: components.count, through: 0, by: -1) {
            let candidate = "/" + components[..<count].joined(separator: "/")
            var info = stat()
            if lstat(join(candidate, ".git"), &info) == 0 {
                return components[count...].joined(separator: "/")
            }
        }
        return nil
    }

    /// Reads one entry without following links: its bytes, or why it cannot be read as a file.
    public static func readFile(at path: String, maximumSize: Int = DesiredStateLimits.maximumFileSize) -> FileContent {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .unreadable(reason: errorText(errno)) }
        if let problem = problem(mode: info.st_mode, size: Int(info.st_size), maximumSize: maximumSize) {
            return problem
        }
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            return errno == ELOOP ? .symbolicLink : .unreadable(reason: errorText(errno))
        }
        defer { close(descriptor) }
        // The entry may have been swapped between lstat and open: check what was opened.
        guard fstat(descriptor, &info) == 0 else { return .unreadable(reason: errorText(errno)) }
        if let problem = problem(mode: info.st_mode, size: Int(info.st_size), maximumSize: maximumSize) {
            return problem
        }
        var bytes: [UInt8] = []
        // A chunk the file's size and one more byte (to see the end in one read): a request file is small,
        // and 100,000 of them are read per pass.
        var chunk = [UInt8](repeating: 0, count: min(16_384, max(Int(info.st_size), 0) + 1))
        while bytes.count <= maximumSize {
            let wanted = min(chunk.count, maximumSize + 1 - bytes.count)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, wanted) }
            if count < 0 {
                if errno == EINTR { continue }
                return .unreadable(reason: errorText(errno))
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        // A file that grew after fstat: its size is at least what was read.
        guard bytes.count <= maximumSize else { return .tooLarge(size: max(bytes.count, Int(info.st_size))) }
        return .bytes(bytes)
    }

    // MARK: - Helpers

    private static func problem(mode: mode_t, size: Int, maximumSize: Int) -> FileContent? {
        switch mode & S_IFMT {
        case S_IFREG: return size > maximumSize ? .tooLarge(size: size) : nil
        case S_IFLNK: return .symbolicLink
        case S_IFDIR: return .notRegularFile(kind: "a directory")
        case S_IFIFO: return .notRegularFile(kind: "a named pipe")
        case S_IFSOCK: return .notRegularFile(kind: "a socket")
        case S_IFCHR, S_IFBLK: return .notRegularFile(kind: "a device")
        default: return .notRegularFile(kind: "a special file")
        }
    }

    private func readDirectory(_ path: String) -> (DirectoryStatus, [FileEntry]) {
        let status = directoryStatus(path, followLink: false)
        guard status == .present else { return (status, []) }
        guard let stream = opendir(path) else {
            return (.unreadable(reason: DesiredStateLoader.errorText(errno)), [])
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { buffer in
                String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        let entries = names.sorted().map { name in
            // Dot files are ignored by the parser: do not read them at all.
            let content: FileContent =
                name.hasPrefix(".") ? .bytes([]) : DesiredStateLoader.readFile(at: join(path, name))
            return FileEntry(name: name, content: content)
        }
        return (.present, entries)
    }

    private func directoryStatus(_ path: String, followLink: Bool) -> DirectoryStatus {
        var info = stat()
        let result = followLink ? stat(path, &info) : lstat(path, &info)
        guard result == 0 else {
            return errno == ENOENT || errno == ENOTDIR
                ? .missing : .unreadable(reason: DesiredStateLoader.errorText(errno))
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .present
        case S_IFLNK: return .symbolicLink
        default: return .notADirectory
        }
    }

    private func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 || errno != ENOENT
    }

    private func join(_ directory: String, _ name: String) -> String {
        DesiredStateLoader.join(directory, name)
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func resolvedAbsolutePath(_ path: String) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        let absolute = path.hasPrefix("/") ? path : join(FileManager.default.currentDirectoryPath, path)
        var components: [Substring] = []
        for component in absolute.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": _ = components.popLast()
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }

    private static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
