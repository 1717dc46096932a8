public import Foundation
public import SandboxCore

/// Verification of a requester, exactly as SPEC §5 says.
///
/// Checks, in order (the first that fails decides; the cheap ones need no call):
/// 1. the login is not in `deniedUsers` and is not `ghost` (the account deleted users become),
///    and looks like a GitHub login (it goes into a URL);
/// 2. `GET /repos/{owner}/{repo}/pulls/{n}`: the pull request exists, and its author's login is the
///    requester (compared ignoring case); the author's numeric id is the person's identity;
/// 3. it is merged. GitHub can report a just-merged pull request as unmerged for a short while, so
///    within ``mergeGrace`` of the request's `firstSeen` the answer is `pending` with a backoff
///    `retryAt`; after that it is rejected;
/// 4. `GET …/pulls/{n}/files` (every page): the request file is among the changed files with
///    status `added` or `modified`. **`renamed` to the request file's path is accepted too**:
///    GitHub reports a file moved with small edits as renamed (a requester renaming their own
///    request), and a file renamed from someone else's request is still refused by step 2, since
///    the file's `requester` must be the pull request's author;
/// 5. `GET /users/{login}`: the same id as the author, `type` `User` (not `Bot`, not
///    `Organization`), not the `ghost` account (id 10137), and created at least `minAccountAge`
///    before the request's `now`;
/// 6. when `allowedOrganizations` is not empty, an active (not pending) member of one of them
///    (`GitHubAdapter+Membership.swift`); a membership the token cannot see is `pending`,
///    never "not a member".
///
/// The one-live-sandbox-per-person rule is the planner's (it compares the user id returned here).
/// Any ``GitHubError`` (outage, rate limit, refused token, unreadable answer) makes the outcome
/// `pending` with GitHub's `retryAt` when it gave one: a requester is never rejected because
/// GitHub could not be asked.
extension GitHubAdapter {
    /// How long after sandboxd first saw a request an unmerged pull request is waited for.
    public static let mergeGrace: TimeInterval = 600
    /// When a membership cannot be seen, how long until it is asked again.
    public static let cannotTellRetry: TimeInterval = 900
    /// When GitHub failed without saying when to come back, how long until it is asked again.
    public static let failureRetry: TimeInterval = 60
    /// The `ghost` account's id (reference/github.md §7).
    static let ghostID: Int64 = 10137

    /// Checks who asked (SPEC §5): everything but the one-live-sandbox rule, which the planner applies.
    /// - Parameter request: The request, its file's path in the repository, the policy and the times.
    /// - Returns: `verified` with the person's numeric id, `rejected` with a reason for the requester,
    ///   or `pending` when GitHub cannot tell yet.
    public func verify(_ request: VerificationRequest) async -> VerificationOutcome {
        if let reason = Self.refusalWithoutAsking(request) {
            return .rejected(reason: reason, userId: nil)
        }
        do {
            return try await verifyWithGitHub(request)
        } catch {
            return Self.pending(after: error, request: request)
        }
    }

    /// The checks that need no call: deny list, `ghost`, a login GitHub could not have.
    static func refusalWithoutAsking(_ request: VerificationRequest) -> String? {
        let login = request.spec.requester
        if request.policy.denies(login) {
            return "The GitHub account @\(login) may not request sandboxes from this pool. "
                + "If you think this is a mistake, ask the pool's operators."
        }
        if login.lowercased() == "ghost" {
            return "@ghost is the placeholder GitHub shows for deleted accounts, not a person. "
                + "Set requester to your own GitHub login."
        }
        if login.lowercased().hasSuffix("[bot]") {
            return "@\(login) is a bot account; sandboxes are for people. Set requester to your own GitHub login."
        }
        if !isPlausibleLogin(login) {
            return "\"\(login)\" is not a GitHub login (letters, digits, hyphens and underscores, at most 39). "
                + "Set requester to your own GitHub login, without the @."
        }
        return nil
    }

    /// Letters, digits, hyphens and underscores, 1 to 39, not starting with a hyphen. (Old accounts
    /// may have double or trailing hyphens, and Enterprise Managed Users' logins end in
    /// `_shortcode`, so those are let through.) It goes into a URL path: nothing else may.
    static func isPlausibleLogin(_ login: String) -> Bool {
        let scalars = Array(login.unicodeScalars)
        return (1...39).contains(scalars.count) && scalars[0] != "-"
            && scalars.allSatisfy { GitHubRepository.isASCIIAlphanumeric($0) || $0 == "-" || $0 == "_" }
    }

    /// The checks that ask GitHub, in order.
    func verifyWithGitHub(_ request: VerificationRequest) async throws(GitHubError) -> VerificationOutcome {
        let spec = request.spec
        let number = spec.pullRequest
        let login = spec.requester

        // 2. The pull request and its author.
        let pullResponse = try await client.get(path: "\(repositoryPath)/pulls/\(number)")
        if pullResponse.status == 404 {
            return .rejected(
                reason: "Pull request #\(number) does not exist in \(repository). "
                    + "Set pullRequest to the number of the pull request that adds this request file.",
                userId: nil
            )
        }
        guard pullResponse.status == 200 else {
            throw GitHubClient.failure(pullResponse, doing: "reading pull request #\(number)")
        }
        let pull = try GitHubClient.decode(
            GitHubPayload.PullRequest.self,
            from: pullResponse,
            doing: "reading pull request #\(number)"
        )
        guard let author = pull.user, author.login.lowercased() != "ghost", author.id != Self.ghostID else {
            return .rejected(
                reason: "The account that opened pull request #\(number) was deleted, so it cannot be checked "
                    + "that the request is yours. Ask again with a pull request you open yourself.",
                userId: nil
            )
        }
        guard author.login.lowercased() == login.lowercased() else {
            return .rejected(
                reason: "Pull request #\(number) was opened by @\(author.login), not by @\(login). "
                    + "A sandbox is given to the person who opens the pull request: ask with a pull request "
                    + "you open yourself, with your own login as requester.",
                userId: nil
            )
        }

        // 3. Merged, with the grace for GitHub's lag just after a merge.
        if !pull.isMerged {
            let deadline = request.firstSeen.addingTimeInterval(Self.mergeGrace)
            if request.now < deadline {
                let elapsed = request.now.timeIntervalSince(request.firstSeen)
                let step: TimeInterval = elapsed < 60 ? 15 : elapsed < 240 ? 30 : 60
                return .pending(
                    reason: "pull request #\(number) does not read as merged yet (GitHub can lag just after a merge); "
                        + "checking again until \(NotificationDateFormat.rfc3339(deadline))",
                    retryAt: min(request.now.addingTimeInterval(step), deadline)
                )
            }
            return .rejected(
                reason: "Pull request #\(number) is not merged. A request counts only once the pull request that "
                    + "adds its file is merged: set pullRequest to that pull request, and have it merged.",
                userId: author.id
            )
        }

        // 4. The request file is among the pull request's changes.
        let files = try await client.list(
            GitHubPayload.ChangedFile.self,
            path: "\(repositoryPath)/pulls/\(number)/files",
            doing: "listing the files of pull request #\(number)"
        )
        let path = request.repositoryPath
        let entries = files.filter { $0.filename == path }
        if !entries.contains(where: { Self.acceptedFileStatuses.contains($0.status) }) {
            if let entry = entries.first {
                return .rejected(
                    reason: "Pull request #\(number) does not add or modify \(path): GitHub lists it as "
                        + "\(entry.status). Set pullRequest to the pull request that added this request file.",
                    userId: author.id
                )
            }
            let capped =
                (pull.changedFiles ?? 0) > Self.listedFilesLimit
                ? " GitHub lists only the first \(Self.listedFilesLimit) files of a pull request: "
                    + "add a request file in a pull request of its own." : ""
            return .rejected(
                reason: "Pull request #\(number) does not add or modify \(path). "
                    + "Set pullRequest to the pull request that added this request file.\(capped)",
                userId: author.id
            )
        }

        // 5. The account: a person, not too new.
        let userResponse = try await client.get(path: "/users/\(GitHubClient.segment(login))")
        if userResponse.status == 404 {
            return .rejected(
                reason: "GitHub has no account @\(login) any more. Set requester to your current GitHub login.",
                userId: author.id
            )
        }
        guard userResponse.status == 200 else {
            throw GitHubClient.failure(userResponse, doing: "reading the account @\(login)")
        }
        let user = try GitHubClient.decode(
            GitHubPayload.User.self,
            from: userResponse,
            doing: "reading the account @\(login)"
        )
        guard user.id == author.id else {
            return .pending(
                reason: "the login @\(login) belonged to another account while it was being checked (a rename?); "
                    + "checking again",
                retryAt: request.now.addingTimeInterval(Self.failureRetry)
            )
        }
        if user.id == Self.ghostID || user.login.lowercased() == "ghost" {
            return .rejected(
                reason: "@ghost is the placeholder GitHub shows for deleted accounts, not a person. "
                    + "Set requester to your own GitHub login.",
                userId: user.id
            )
        }
        guard user.type == "User" else {
            let kind = user.type == "Organization" ? "an organization" : user.type == "Bot" ? "a bot" : "a \(user.type)"
            return .rejected(
                reason: "@\(user.login) is \(kind) account; sandboxes are for people. "
                    + "Ask from your own personal GitHub account.",
                userId: user.id
            )
        }
        guard let createdText = user.createdAt, let created = try? Date(createdText, strategy: .iso8601) else {
            return .pending(
                reason: "GitHub did not say when the account @\(login) was created; checking again",
                retryAt: request.now.addingTimeInterval(Self.failureRetry)
            )
        }
        let minimumAge = request.policy.minAccountAge
        let eligible = created.addingTimeInterval(minimumAge.timeInterval)
        if request.now < eligible {
            return .rejected(
                reason: "The GitHub account @\(user.login) was created on "
                    + "\(NotificationDateFormat.humanReadable(created)), less than \(minimumAge.text) ago; "
                    + "this pool accepts accounts at least \(minimumAge.text) old. Edit the request file after "
                    + "\(NotificationDateFormat.humanReadable(eligible)) to have it checked again.",
                userId: user.id
            )
        }

        // 6. Membership of an allowed organization.
        let organizations = request.policy.allowedOrganizations
        if !organizations.isEmpty {
            switch try await membership(of: user.login, inAnyOf: organizations) {
            case .member:
                break
            case .notMember(let notes):
                let list = organizations.joined(separator: ", ")
                let detail = notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))"
                return .rejected(
                    reason: "@\(user.login) is not an active member of \(organizations.count == 1 ? "" : "any of ")"
                        + "\(list), which this pool requires\(detail). Join one (accept the invitation if one is "
                        + "pending), then edit the request file to have it checked again.",
                    userId: user.id
                )
            case .cannotTell(let why):
                return .pending(
                    reason: "cannot tell whether @\(user.login) is a member of an allowed organization: "
                        + "\(why.joined(separator: "; ")). The operator must let sandboxd's token see the "
                        + "organization's members (its account a member, with read:org or Members: read)",
                    retryAt: request.now.addingTimeInterval(Self.cannotTellRetry)
                )
            }
        }
        return .verified(userId: user.id, login: user.login)
    }

    /// The statuses of the request file in the pull request's changes that count (see the type's docs).
    static let acceptedFileStatuses: Set<String> = ["added", "modified", "renamed"]
    /// GitHub lists at most this many files of a pull request.
    static let listedFilesLimit = 3000

    /// The outcome when GitHub could not be asked: pending, never rejected.
    static func pending(after error: GitHubError, request: VerificationRequest) -> VerificationOutcome {
        switch error.kind {
        case .unavailable:
            return .pending(
                reason: "GitHub is unavailable or rate-limited (\(error.message)); checking again later",
                retryAt: error.retryAt ?? request.now.addingTimeInterval(failureRetry)
            )
        case .unauthorized:
            return .pending(
                reason: "GitHub refused sandboxd's token (\(error.message)); the operator must fix the token "
                    + "or its permissions",
                retryAt: error.retryAt ?? request.now.addingTimeInterval(cannotTellRetry)
            )
        case .notFound, .rejected:
            return .pending(
                reason: "GitHub gave an unexpected answer (\(error.message)); checking again later",
                retryAt: error.retryAt ?? request.now.addingTimeInterval(cannotTellRetry)
            )
        }
    }
}
