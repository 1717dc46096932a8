import Foundation

/// Steps 4 to 6 of ``VerificationPolicy/nextStep(for:given:)``: the changed files, the account and
/// the organizations (docs/behaviour.md §5).
extension VerificationPolicy {
    /// Step 4: the request file is among the pull request's changes; `nil` when it is.
    func changedFilesStage(
        _ request: VerificationRequest,
        _ facts: VerificationFacts,
        authorID: Int64
    ) -> VerificationStep? {
        let number = request.spec.pullRequest
        let path = request.repositoryPath
        let question = VerificationQuestion.changedFiles(pullRequest: number, path: path)
        guard let fact = facts[question] else { return .ask(question) }
        guard case .changedFiles(let files, let capped) = fact else { return unexpected(fact, for: question, request) }
        let entries = files.filter { $0.path == path }
        if entries.contains(where: { Self.acceptedFileStatuses.contains($0.status) }) { return nil }
        if let entry = entries.first {
            return .decided(
                .rejected(
                    reason: "Pull request #\(number) does not add or modify \(path): GitHub lists it as "
                        + "\(entry.status). Set pullRequest to the pull request that added this request file.",
                    userId: authorID
                )
            )
        }
        let counted = pullRequestFileCount(number, facts)
        let cap =
            capped || counted > Self.listedFilesLimit
            ? " GitHub lists only the first \(Self.listedFilesLimit) files of a pull request: "
                + "add a request file in a pull request of its own." : ""
        return .decided(
            .rejected(
                reason: "Pull request #\(number) does not add or modify \(path). "
                    + "Set pullRequest to the pull request that added this request file.\(cap)",
                userId: authorID
            )
        )
    }

    /// How many files GitHub says the pull request changes (0 when not known).
    func pullRequestFileCount(_ number: Int, _ facts: VerificationFacts) -> Int {
        guard case .pullRequest(let pull?, _)? = facts[.pullRequest(number: number)] else { return 0 }
        return pull.changedFiles
    }

    /// Step 5: the account is a person's, the author's, and old enough.
    func accountStage(
        _ request: VerificationRequest,
        _ facts: VerificationFacts,
        author: PullRequestFacts.Author
    ) -> VerificationStage<AccountFacts> {
        let login = request.spec.requester
        let question = VerificationQuestion.account(login: login)
        guard let fact = facts[question] else { return .stop(.ask(question)) }
        guard case .account(let found) = fact else { return .stop(unexpected(fact, for: question, request)) }
        guard let user = found else {
            return .rejected(
                "GitHub has no account @\(login) any more. Set requester to your current GitHub login.",
                userId: author.id
            )
        }
        guard user.id == author.id else {
            return .stop(
                .decided(
                    .pending(
                        reason: "the login @\(login) belonged to another account while it was being checked "
                            + "(a rename?); checking again",
                        retryAt: Self.failureRecheck(now: request.now)
                    )
                )
            )
        }
        if user.id == Self.ghostID || user.login.lowercased() == "ghost" {
            return .rejected(Self.ghostReason, userId: user.id)
        }
        guard user.type == "User" else {
            let kind = user.type == "Organization" ? "an organization" : user.type == "Bot" ? "a bot" : "a \(user.type)"
            return .rejected(
                "@\(user.login) is \(kind) account; sandboxes are for people. "
                    + "Ask from your own personal GitHub account.",
                userId: user.id
            )
        }
        guard let created = user.createdAt else {
            return .stop(
                .decided(
                    .pending(
                        reason: "GitHub did not say when the account @\(login) was created; checking again",
                        retryAt: Self.failureRecheck(now: request.now)
                    )
                )
            )
        }
        let eligible = created.addingTimeInterval(minAccountAge.timeInterval)
        if request.now < eligible {
            return .rejected(
                "The GitHub account @\(user.login) was created on "
                    + "\(NotificationDateFormat.humanReadable(created)), less than \(minAccountAge.text) ago; "
                    + "this pool accepts accounts at least \(minAccountAge.text) old. Edit the request file after "
                    + "\(NotificationDateFormat.humanReadable(eligible)) to have it checked again.",
                userId: user.id
            )
        }
        return .passed(user)
    }

    /// Step 6: an active member of one allowed organization, asked in order until one says active.
    func membershipStage(
        _ request: VerificationRequest,
        _ facts: VerificationFacts,
        account user: AccountFacts
    ) -> VerificationStep {
        let organizations = allowedOrganizations
        var notes: [String] = []
        var unknown: [String] = []
        for organization in organizations {
            let question = VerificationQuestion.membership(organization: organization, login: user.login)
            guard let fact = facts[question] else { return .ask(question) }
            guard case .membership(let answer) = fact else { return unexpected(fact, for: question, request) }
            switch answer {
            case .active:
                return .decided(.verified(userId: user.id, login: user.login))
            case .pending:
                notes.append("the invitation to join \(organization) is not accepted yet")
            case .notMember:
                break
            case .cannotTell(let reason):
                unknown.append(reason)
            }
        }
        if organizations.isEmpty { return .decided(.verified(userId: user.id, login: user.login)) }
        if !unknown.isEmpty {
            return .decided(
                .pending(
                    reason: "cannot tell whether @\(user.login) is a member of an allowed organization: "
                        + "\(unknown.joined(separator: "; ")). The operator must let sandboxd's token see the "
                        + "organization's members (its account a member, with read:org or Members: read)",
                    retryAt: Self.cannotTellRecheck(now: request.now)
                )
            )
        }
        let list = organizations.joined(separator: ", ")
        let detail = notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))"
        return .decided(
            .rejected(
                reason: "@\(user.login) is not an active member of \(organizations.count == 1 ? "" : "any of ")"
                    + "\(list), which this pool requires\(detail). Join one (accept the invitation if one is "
                    + "pending), then edit the request file to have it checked again.",
                userId: user.id
            )
        )
    }

    /// A port answered a question with a fact of another kind: pending, as for any unexpected answer.
    func unexpected(
        _ fact: VerificationFact,
        for question: VerificationQuestion,
        _ request: VerificationRequest
    ) -> VerificationStep {
        .decided(
            outcome(after: GitHubError(.rejected, message: "\(question) was answered with \(fact)"), request: request)
        )
    }
}
