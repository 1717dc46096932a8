import Foundation

/// Verification of a requester as a pure decision over facts (docs/behaviour.md §5).
///
/// Checks, in order (the first that fails decides; the cheap ones need no question):
/// 1. the login is not in `deniedUsers`, is not `ghost` (the account deleted users become), has
///    no `[bot]` suffix, and looks like a GitHub login (it goes into a URL);
/// 2. the pull request exists, and its author's login is the requester (compared ignoring case);
///    the author's numeric id is the person's identity;
/// 3. it is merged. GitHub can report a just-merged pull request as unmerged for a short while, so
///    within ``mergeGrace`` of the request's `firstSeen` the answer is `pending` with a backoff
///    `retryAt`; after that it is rejected;
/// 4. the request file is among the changed files with status `added` or `modified`.
///    **`renamed` to the request file's path is accepted too**: GitHub reports a file moved with
///    small edits as renamed (a requester renaming their own request), and a file renamed from
///    someone else's request is still refused by step 2, since the file's `requester` must be the
///    pull request's author;
/// 5. the account: the same id as the author, type `User` (not `Bot`, not `Organization`), not the
///    `ghost` account (``ghostID``), and created at least `minAccountAge` before the request's `now`;
/// 6. when `allowedOrganizations` is not empty, an active (not pending) member of one of them, asked
///    in order until one says active; a membership that cannot be seen is `pending`, never
///    "not a member".
///
/// The one-live-sandbox-per-person rule is the planner's (it compares the user id decided here).
extension VerificationPolicy {
    /// What to do next for `request`, given the answers so far: ask one more question, or decide.
    ///
    /// Pure: the same request and facts always give the same step. The settings used are this
    /// policy's (the caller passes `request.policy.nextStep(for: request, …)`).
    /// - Parameters:
    ///   - request: The request, its file's path in the repository and the times.
    ///   - facts: The answers gathered so far.
    /// - Returns: The next question, or `verified`, `rejected` with a reason for the requester, or
    ///   `pending` with when to ask again.
    public func nextStep(for request: VerificationRequest, given facts: VerificationFacts) -> VerificationStep {
        if let reason = refusalWithoutAsking(request.spec.requester) {
            return .decided(.rejected(reason: reason, userId: nil))
        }
        let author: PullRequestFacts.Author
        switch pullRequestStage(request, facts) {
        case .passed(let found): author = found
        case .stop(let step): return step
        }
        if let step = changedFilesStage(request, facts, authorID: author.id) { return step }
        let account: AccountFacts
        switch accountStage(request, facts, author: author) {
        case .passed(let found): account = found
        case .stop(let step): return step
        }
        return membershipStage(request, facts, account: account)
    }

    /// The checks that need no question: deny list, `ghost`, a bot's login, a login GitHub could not have.
    func refusalWithoutAsking(_ login: String) -> String? {
        if denies(login) {
            return "The GitHub account @\(login) may not request sandboxes from this pool. "
                + "If you think this is a mistake, ask the pool's operators."
        }
        if login.lowercased() == "ghost" {
            return Self.ghostReason
        }
        if login.lowercased().hasSuffix("[bot]") {
            return "@\(login) is a bot account; sandboxes are for people. Set requester to your own GitHub login."
        }
        if !Self.isPlausibleLogin(login) {
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
            && scalars.allSatisfy { isASCIIAlphanumeric($0) || $0 == "-" || $0 == "_" }
    }

    /// `a`–`z`, `A`–`Z` or `0`–`9`.
    static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// Why `ghost` is refused.
    static let ghostReason =
        "@ghost is the placeholder GitHub shows for deleted accounts, not a person. "
        + "Set requester to your own GitHub login."

    /// Steps 2 and 3: the pull request, its author, merged (with the grace).
    func pullRequestStage(
        _ request: VerificationRequest,
        _ facts: VerificationFacts
    ) -> VerificationStage<PullRequestFacts.Author> {
        let number = request.spec.pullRequest
        let login = request.spec.requester
        let question = VerificationQuestion.pullRequest(number: number)
        guard let fact = facts[question] else { return .stop(.ask(question)) }
        guard case .pullRequest(let found, let repository) = fact else {
            return .stop(unexpected(fact, for: question, request))
        }
        guard let pull = found else {
            return .stop(
                .decided(
                    .rejected(
                        reason: "Pull request #\(number) does not exist in \(repository). "
                            + "Set pullRequest to the number of the pull request that adds this request file.",
                        userId: nil
                    )
                )
            )
        }
        guard let author = pull.author, author.login.lowercased() != "ghost", author.id != Self.ghostID else {
            return .rejected(
                "The account that opened pull request #\(number) was deleted, so it cannot be checked "
                    + "that the request is yours. Ask again with a pull request you open yourself.",
                userId: nil
            )
        }
        guard author.login.lowercased() == login.lowercased() else {
            return .rejected(
                "Pull request #\(number) was opened by @\(author.login), not by @\(login). "
                    + "A sandbox is given to the person who opens the pull request: ask with a pull request "
                    + "you open yourself, with your own login as requester.",
                userId: nil
            )
        }
        if !pull.merged {
            // A pull request closed without merging longer ago than the grace cannot be a merge GitHub
            // is slow to report: no need to wait.
            let closedLongAgo = pull.closedAt.map { Self.isPastMergeGrace(closedAt: $0, now: request.now) } ?? false
            if !closedLongAgo, let recheck = Self.mergeRecheck(firstSeen: request.firstSeen, now: request.now) {
                return .stop(
                    .decided(
                        .pending(
                            reason: "pull request #\(number) does not read as merged yet (GitHub can lag just "
                                + "after a merge); checking again until "
                                + NotificationDateFormat.rfc3339(recheck.deadline),
                            retryAt: recheck.retryAt
                        )
                    )
                )
            }
            return .rejected(
                "Pull request #\(number) is not merged. A request counts only once the pull request that "
                    + "adds its file is merged: set pullRequest to that pull request, and have it merged.",
                userId: author.id
            )
        }
        return .passed(author)
    }
}

/// How far one stage of verification got: through, with what it found, or to a step.
enum VerificationStage<Value> {
    /// The stage's checks hold; this is what it found.
    case passed(Value)
    /// The stage needs a question answered, or decided.
    case stop(VerificationStep)

    /// A rejection.
    static func rejected(_ reason: String, userId: Int64?) -> VerificationStage {
        .stop(.decided(.rejected(reason: reason, userId: userId)))
    }
}
