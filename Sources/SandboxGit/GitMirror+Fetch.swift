import Foundation

extension GitMirror {
    /// Where the fetched head is kept in the clone: a ref outside `refs/heads`, which nothing else updates.
    static let headReference = "refs/sandboxd/head"

    /// Fetches the branch and returns its head (docs/behaviour.md §4.9).
    ///
    /// The first call makes the clone (`git init --bare`); a clone found on disk is checked once
    /// (`git fsck --connectivity-only`), and a damaged one — or one a snapshot found damaged, or one a fetch
    /// fails on for a broken object or ref — is removed and cloned again (``GitFetchResult/recloned``).
    /// Without a configured branch the remote's default branch is asked for first
    /// (`git ls-remote --symref URL HEAD`). The head is compared with the previous fetch's, kept in
    /// `<state-dir>/git/last-fetch.json`: ``GitFetchResult/rewritten`` when it is not a descendant.
    /// - Throws: ``GitError``, of any kind but ``GitError/Kind/invalidSettings``.
    public func fetch() async throws(GitError) -> GitFetchResult {
        await acquire()
        defer { release() }
        let runner = try runner()
        var recloneReason = try await prepareClone(runner)
        let access = try await remoteAccess()
        let branch: String
        if let configured = remote.branch {
            branch = configured
        } else {
            branch = try await defaultBranch(runner, access: access)
        }
        do {
            try await fetchBranch(branch, runner, access: access)
        } catch {
            guard error.kind == .damaged, recloneReason == nil else { throw error }
            let reason = lastDamage ?? error.message
            try await reclone(runner, because: reason)
            recloneReason = reason
            try await fetchBranch(branch, runner, access: access)
        }
        let commit = try await readCommit(try await fetchedHead(runner), runner).commit
        let previous = GitFetchRecord.read(from: recordFile).flatMap { record in
            record.url == remote.url && record.branch == branch ? record.commit : nil
        }
        var rewritten = false
        if let previous, previous != commit.id {
            rewritten = try await !isAncestor(previous, of: commit.id, runner)
        }
        if previous != commit.id {
            try GitFetchRecord(url: remote.url, branch: branch, commit: commit.id).write(to: recordFile)
        }
        return GitFetchResult(
            commit: commit,
            branch: branch,
            previousCommitID: previous,
            rewritten: rewritten,
            recloneReason: recloneReason
        )
    }

    /// The askpass environment for a child that talks to the remote: the token of `credentials`, for an
    /// https remote only.
    func remoteAccess() async throws(GitError) -> GitRemoteAccess {
        guard remote.takesCredentials, let credentials else { return .none }
        let given: String?
        do {
            given = try await credentials()
        } catch {
            throw GitError(
                .authentication,
                "sandboxd has no GitHub token to give git for \(remote.url): "
                    + GitErrorOutput.scrubbed("\(error)", secrets: [])
            )
        }
        guard let token = given?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else { return .none }
        guard !token.contains(where: \.isNewline) else {
            throw GitError(.authentication, "the GitHub token holds a line break; git cannot be given it")
        }
        return .askPass(token: token, askPassExecutable: askPassExecutable)
    }

    /// The remote's default branch: what its `HEAD` points to.
    private func defaultBranch(_ runner: GitRunner, access: GitRemoteAccess) async throws(GitError) -> String {
        let result = try await git(
            runner,
            ["ls-remote", "--symref", remote.url, "HEAD"],
            doing: "asking \(remote.url) for its default branch",
            access: access
        )
        guard result.succeeded else { throw remoteFailure(result, branch: nil) }
        for line in result.outputText.split(separator: "\n") where line.hasPrefix("ref: refs/heads/") {
            let target = line.dropFirst("ref: ".count).prefix { $0 != "\t" }
            if line.hasSuffix("\tHEAD"), let branch = try? GitRemote.normalizedBranch(String(target)) {
                return branch
            }
        }
        throw GitError(
            .branchMissing,
            "the git remote \(remote.url) names no default branch (it is empty, or its HEAD is detached):"
                + " push a branch, or name one with --git-branch"
        )
    }

    /// `git fetch URL +refs/heads/BRANCH:refs/sandboxd/head`, without tags.
    private func fetchBranch(_ branch: String, _ runner: GitRunner, access: GitRemoteAccess) async throws(GitError) {
        let result = try await git(
            runner,
            ["fetch", "--quiet", "--no-tags", remote.url, "+refs/heads/\(branch):\(Self.headReference)"],
            doing: "fetching \(branch) from \(remote.url)",
            access: access
        )
        guard result.succeeded else { throw remoteFailure(result, branch: branch) }
    }

    /// The commit `refs/sandboxd/head` names after a fetch.
    private func fetchedHead(_ runner: GitRunner) async throws(GitError) -> String {
        let task = "reading the fetched head"
        let result = try await git(
            runner,
            ["rev-parse", "--verify", "--quiet", "\(Self.headReference)^{commit}"],
            doing: task
        )
        let id = result.outputText.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.succeeded, GitObjectID.isValid(id) else { throw damaged(result, while: task) }
        return id
    }

    /// Whether `ancestor` is `descendant` or one of its ancestors; a commit the clone lacks is not.
    private func isAncestor(
        _ ancestor: String,
        of descendant: String,
        _ runner: GitRunner
    ) async throws(GitError) -> Bool {
        let result = try await git(
            runner,
            ["merge-base", "--is-ancestor", ancestor, descendant],
            doing: "comparing the head with the previous one"
        )
        return result.succeeded
    }

    /// The error for a failed ls-remote or fetch, by what git said.
    private func remoteFailure(_ result: GitRunner.Result, branch: String?) -> GitError {
        let said = result.excerpt
        switch GitErrorOutput.kind(of: result.errorText) {
        case .authentication:
            let hint =
                switch remote.transport {
                case .ssh: "check the host's ssh key and configuration for this remote"
                case .file: "check the repository's permissions"
                case .https, .loopbackHTTP:
                    "give sandboxd a GitHub token (or App) that may read the repository's contents"
                        + " (--github-token-file, GITHUB_TOKEN or --github-app-id)"
                }
            return GitError(.authentication, "the git remote \(remote.url) refused access (\(said)); \(hint)")
        case .branchMissing:
            return GitError(
                .branchMissing,
                "the branch \(branch ?? "HEAD") is not on the git remote \(remote.url) (deleted, or never pushed):"
                    + " push it, or name another with --git-branch"
            )
        case .damaged:
            return damaged(result, while: "fetching from \(remote.url)")
        case .unreachable:
            return GitError(
                .unreachable,
                "cannot reach the git remote \(remote.url) (\(said)); check the URL (--git-remote) and the network"
            )
        default:
            return GitError(.failed, "git failed talking to \(remote.url) (\(said))")
        }
    }

    /// A damaged clone: remembered, so that the next fetch clones again.
    /// - Parameters:
    ///   - result: The failed run; its error output is quoted unless `detail` says more.
    ///   - task: What the run did.
    ///   - detail: What was wrong with an output git gave without complaint.
    func damaged(_ result: GitRunner.Result, while task: String, detail: String? = nil) -> GitError {
        let damage = detail ?? result.excerpt
        lastDamage = damage
        return GitError(
            .damaged,
            "the clone \(location.path) is damaged (\(damage)) while \(task); sandboxd removes it and clones"
                + " again on the next fetch"
        )
    }
}
