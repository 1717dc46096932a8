import SandboxCore

/// One line of `git ls-tree -z -l`: a name in a tree and what it is.
struct GitTreeEntry: Hashable, Sendable {
    /// What an entry is, by its mode.
    enum Kind: Hashable, Sendable {
        /// `040000`: a tree.
        case directory
        /// `100644` or `100755`: a blob read as a regular file.
        case file
        /// `120000`: a blob holding a link's target.
        case symbolicLink
        /// `160000`: a commit of another repository.
        case submodule
        /// Any other mode.
        case other
    }

    /// The name inside its tree.
    var name: String
    /// What it is.
    var kind: Kind
    /// The object's name.
    var id: String
    /// A blob's size in bytes; `nil` for a tree or a submodule.
    var size: Int?

    /// Reads `git ls-tree -z -l`: `MODE TYPE ID SIZE<TAB>NAME<NUL>` per entry, `SIZE` `-` for trees.
    /// - Returns: The entries, or `nil` when the output is not of that form.
    static func parse(_ output: [UInt8]) -> [GitTreeEntry]? {
        var entries: [GitTreeEntry] = []
        for record in output.split(separator: 0) {
            guard let tab = record.firstIndex(of: 0x09) else { return nil }
            let fields = record[..<tab].split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
            guard fields.count == 4, GitObjectID.isValid(fields[2]) else { return nil }
            let kind: Kind =
                switch fields[0] {
                case "040000": .directory
                case "100644", "100755", "100664": .file
                case "120000": .symbolicLink
                case "160000": .submodule
                default: .other
                }
            let name = String(decoding: record[record.index(after: tab)...], as: UTF8.self)
            entries.append(GitTreeEntry(name: name, kind: kind, id: fields[2], size: Int(fields[3])))
        }
        return entries
    }

    /// What `DesiredStateLoader` reports for a directory with this entry.
    var directoryStatus: DirectoryStatus {
        switch kind {
        case .directory: .present
        case .symbolicLink: .symbolicLink
        case .file, .submodule, .other: .notADirectory
        }
    }

    /// What `DesiredStateLoader` reports for a file with this entry, or the blob to read for it.
    func file(maximumSize: Int) -> GitTreeFile {
        switch kind {
        case .file:
            let size = size ?? 0
            return size > maximumSize ? .content(.tooLarge(size: size)) : .blob(id: id, size: size)
        case .symbolicLink: return .content(.symbolicLink)
        case .directory: return .content(.notRegularFile(kind: "a directory"))
        case .submodule: return .content(.notRegularFile(kind: "a git submodule"))
        case .other: return .content(.notRegularFile(kind: "a special file"))
        }
    }
}

/// A file of the desired state as its tree entry tells: known already, or a blob still to be read.
enum GitTreeFile: Hashable, Sendable {
    /// Known without reading: a link, a directory, a file over the limit, or an ignored dot file.
    case content(FileContent)
    /// A regular file's blob and its size.
    case blob(id: String, size: Int)
}

/// A folder of the desired state as its tree tells: its status, and its files sorted by name.
struct GitTreeFolder: Sendable {
    /// What the directory loader reports for the folder.
    var status: DirectoryStatus
    /// Its entries, each known or still to be read; empty unless ``status`` is present.
    var files: [(name: String, file: GitTreeFile)] = []
}
