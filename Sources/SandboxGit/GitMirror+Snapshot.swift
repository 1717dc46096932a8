public import SandboxCore

extension GitMirror {
    /// The most bytes of files one snapshot reads: a thousand times the largest file.
    static let maximumSnapshotBytes = 64 << 20

    /// The desired-state folder at `commit`, read from git's objects, as `DesiredStateLoader` reads a
    /// directory (docs/behaviour.md §2 and §4.9).
    ///
    /// `pool.json`, `requests/` and `templates/` give the same ``DesiredStateSnapshot`` their checkout
    /// would: entries sorted by name, dot files not read, files over 64 KiB not read
    /// (``FileContent/tooLarge(size:)``), a symbolic link (mode 120000) reported and never followed, a
    /// directory or a submodule (160000) where a file belongs reported as not a regular file.
    /// ``DesiredStateSnapshot/repositoryPathPrefix`` is the remote's ``GitRemote/path``.
    /// - Parameters:
    ///   - commit: A commit a ``fetch()`` of this mirror returned.
    ///   - displayPath: How diagnostics name the folder (`desired-state`, `git:main:deploy`).
    /// - Throws: ``GitError``: ``GitError/Kind/damaged`` when the clone lacks the commit's objects (the
    ///   next fetch clones again), ``GitError/Kind/tooLarge`` when the files are over 64 MiB together.
    public func snapshot(of commit: GitCommit, displayPath: String) async throws(GitError) -> DesiredStateSnapshot {
        await acquire()
        defer { release() }
        if let last = lastSnapshot, last.commitID == commit.id, last.displayPath == displayPath {
            return last.snapshot
        }
        guard GitObjectID.isValid(commit.id) else {
            throw GitError(.failed, "\"\(commit.id)\" is not a commit id: take the commit a fetch returned")
        }
        let runner = try runner()
        let root = try await readCommit(commit.id, runner).tree
        var snapshot = DesiredStateSnapshot(
            displayPath: displayPath,
            repositoryPathPrefix: remote.path,
            directory: .missing,
            poolFile: nil,
            requestsDirectory: .missing,
            templatesDirectory: .missing
        )
        let (status, tree) = try await folder(in: root, runner)
        snapshot.directory = status
        if let tree {
            try await fill(&snapshot, from: tree, runner)
        }
        lastSnapshot = (commit.id, displayPath, snapshot)
        return snapshot
    }

    /// `git cat-file commit ID`: the commit and its root tree.
    func readCommit(_ id: String, _ runner: GitRunner) async throws(GitError) -> (commit: GitCommit, tree: String) {
        let task = "reading commit \(id)"
        let result = try await git(runner, ["cat-file", "commit", id], doing: task)
        guard result.succeeded, let parsed = GitCommit.parse(id: id, text: result.output) else {
            throw damaged(result, while: task)
        }
        return parsed
    }

    /// Walks ``GitRemote/path`` down from the root tree: the folder's status, and its tree when present.
    private func folder(in root: String, _ runner: GitRunner) async throws(GitError) -> (DirectoryStatus, String?) {
        let components = remote.path.split(separator: "/").map(String.init)
        var tree = root
        for (index, name) in components.enumerated() {
            let parent = index == 0 ? "the root" : components[..<index].joined(separator: "/")
            guard let entry = try await listTree(tree, runner, path: parent).first(where: { $0.name == name }) else {
                return (.missing, nil)
            }
            switch entry.kind {
            case .directory: tree = entry.id
            case .symbolicLink: return (.symbolicLink, nil)
            // As a path through a file: missing, as `stat` says ENOTDIR.
            default: return (index == components.count - 1 ? .notADirectory : .missing, nil)
            }
        }
        return (.present, tree)
    }

    /// Fills in `pool.json`, `requests/` and `templates/` from the folder's tree.
    private func fill(
        _ snapshot: inout DesiredStateSnapshot,
        from tree: String,
        _ runner: GitRunner
    ) async throws(GitError) {
        let entries = try await listTree(tree, runner, path: remote.path.isEmpty ? "the root" : remote.path)
        let pool = entries.first { $0.name == "pool.json" }.map {
            $0.file(maximumSize: DesiredStateLimits.maximumFileSize)
        }
        let requests = try await subfolder("requests", in: entries, runner)
        let templates = try await subfolder("templates", in: entries, runner)
        var wanted: [String: Int] = [:]
        for file in [pool].compactMap({ $0 }) + requests.files.map(\.file) + templates.files.map(\.file) {
            if case .blob(let id, let size) = file { wanted[id] = size }
        }
        let blobs = try await readBlobs(wanted, runner)
        func content(_ file: GitTreeFile) -> FileContent {
            switch file {
            case .content(let content): content
            case .blob(let id, _): .bytes(blobs[id] ?? [])
            }
        }
        snapshot.poolFile = pool.map(content)
        snapshot.requestsDirectory = requests.status
        snapshot.requestFiles = requests.files.map { FileEntry(name: $0.name, content: content($0.file)) }
        snapshot.templatesDirectory = templates.status
        snapshot.templateFiles = templates.files.map { FileEntry(name: $0.name, content: content($0.file)) }
    }

    /// The folder `name` among `entries`: its status, and its files sorted by name (dot files not read).
    private func subfolder(
        _ name: String,
        in entries: [GitTreeEntry],
        _ runner: GitRunner
    ) async throws(GitError) -> GitTreeFolder {
        guard let entry = entries.first(where: { $0.name == name }) else { return GitTreeFolder(status: .missing) }
        guard entry.kind == .directory else { return GitTreeFolder(status: entry.directoryStatus) }
        let path = remote.path.isEmpty ? name : "\(remote.path)/\(name)"
        let files = try await listTree(entry.id, runner, path: path).sorted { $0.name < $1.name }.map { entry in
            // Dot files are ignored by the parser: like the directory loader, do not read them.
            let file: GitTreeFile =
                entry.name.hasPrefix(".")
                ? .content(.bytes([])) : entry.file(maximumSize: DesiredStateLimits.maximumFileSize)
            return (name: entry.name, file: file)
        }
        return GitTreeFolder(status: .present, files: files)
    }

    /// `git ls-tree -z -l TREE`.
    private func listTree(_ tree: String, _ runner: GitRunner, path: String) async throws(GitError) -> [GitTreeEntry] {
        let task = "listing \(path)"
        let result = try await git(runner, ["ls-tree", "-z", "-l", tree], doing: task)
        guard result.succeeded, let entries = GitTreeEntry.parse(result.output) else {
            throw damaged(result, while: task)
        }
        return entries
    }

    /// Every blob of `sizes` (by object name) with one `git cat-file --batch`.
    private func readBlobs(_ sizes: [String: Int], _ runner: GitRunner) async throws(GitError) -> [String: [UInt8]] {
        guard !sizes.isEmpty else { return [:] }
        let total = sizes.values.reduce(0, +)
        guard total <= Self.maximumSnapshotBytes else {
            throw GitError(
                .tooLarge,
                "the desired state in \(remote.path.isEmpty ? "the repository" : remote.path) holds \(total) bytes"
                    + " of files, over the \(Self.maximumSnapshotBytes >> 20) MiB sandboxd reads: remove files from it"
            )
        }
        let ids = sizes.keys.sorted()
        let task = "reading \(ids.count) files of the desired state"
        let result = try await git(
            runner,
            ["cat-file", "--batch"],
            doing: task,
            input: GitBlobBatch.input(ids),
            outputLimit: total + 64 * ids.count
        )
        guard result.succeeded, let blobs = GitBlobBatch.parse(result.output, ids: ids) else {
            throw damaged(result, while: task, detail: result.succeeded ? "a file's object is missing" : nil)
        }
        return blobs
    }
}
