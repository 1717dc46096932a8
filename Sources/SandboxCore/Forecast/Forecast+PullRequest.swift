/// What a forecast reads from an open pull request (docs/behaviour.md §6.9): which of its files are
/// request files, and the facts verification would find once it is merged.
extension Forecast {
    /// The request files among a pull request's changes: directly in `<prefix>/requests/`, added,
    /// modified or renamed there (a removed file asks for nothing), dot files ignored as §2.3 says.
    public static func requestFiles(among files: [ChangedFile], desired: DesiredState) -> [ChangedFile] {
        let directory = (desired.repositoryPathPrefix.isEmpty ? "" : desired.repositoryPathPrefix + "/") + "requests/"
        return files.filter { file in
            guard file.path.hasPrefix(directory), VerificationPolicy.acceptedFileStatuses.contains(file.status) else {
                return false
            }
            let name = file.path.dropFirst(directory.count)
            return !name.isEmpty && !name.contains("/") && !name.hasPrefix(".")
        }
    }

    /// The facts GitHub would give verification once the pull request is merged: the pull request as it
    /// is, but merged, and its changed files. Verification asks the rest (the account, memberships).
    public static func factsAsMerged(
        _ pull: OpenPullRequest,
        files: [ChangedFile],
        capped: Bool,
        repository: String
    ) -> VerificationFacts {
        var facts = VerificationFacts()
        let merged = PullRequestFacts(author: pull.author, merged: true, changedFiles: pull.changedFiles)
        facts.record(.pullRequest(merged, repository: repository), for: .pullRequest(number: pull.number))
        for file in files {
            facts.record(
                .changedFiles(files, capped: capped),
                for: .changedFiles(pullRequest: pull.number, path: file.path)
            )
        }
        return facts
    }

    /// The refusal of a file that names another pull request than the one adding it: verification would
    /// find it missing from that one's changes (docs/behaviour.md §5.1, check 4).
    public static func pullRequestMismatch(_ spec: RequestSpec, addedBy pull: OpenPullRequest) -> VerificationOutcome? {
        guard spec.pullRequest != pull.number else { return nil }
        return .rejected(
            reason: "pullRequest is \(spec.pullRequest), but this file is added by pull request #\(pull.number): "
                + "set pullRequest to \(pull.number).",
            userId: nil
        )
    }
}
