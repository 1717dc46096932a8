import Foundation
import SandboxCore
import Testing

/// A world of facts for the policy to ask about: alice (id 101, a 2015 `User`) opened pull request
/// 100, merged, adding her request file. Each row changes what it needs.
struct VerificationWorld: Sendable {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let created2015 = Date(timeIntervalSince1970: 1_420_070_400)
    static let path = "desired-state/requests/req-alice.json"
    static let pull = VerificationQuestion.pullRequest(number: 100)
    static let files = VerificationQuestion.changedFiles(pullRequest: 100, path: path)
    static let account = VerificationQuestion.account(login: "alice")

    var requester = "alice"
    var policy = VerificationPolicy()
    var elapsed: TimeInterval = 0
    var answers: [VerificationQuestion: VerificationFact] = [
        pull: .pullRequest(
            PullRequestFacts(author: .init(id: 101, login: "alice"), merged: true, changedFiles: 1),
            repository: "octo-org/sandboxes"
        ),
        files: .changedFiles([ChangedFile(path: path, status: "added")], capped: false),
        account: .account(AccountFacts(id: 101, login: "alice", type: "User", createdAt: created2015)),
    ]

    var request: VerificationRequest {
        VerificationRequest(
            spec: RequestSpec(id: RequestID("req-alice")!, requester: requester, pullRequest: 100),
            repositoryPath: Self.path,
            policy: policy,
            firstSeen: Self.now.addingTimeInterval(-elapsed),
            now: Self.now
        )
    }

    /// A copy with `change` applied.
    func with(_ change: (inout VerificationWorld) -> Void) -> VerificationWorld {
        var copy = self
        change(&copy)
        return copy
    }

    /// A copy whose pull request is `facts` (`nil`: none).
    func pull(_ facts: PullRequestFacts?) -> VerificationWorld {
        with { $0.answers[Self.pull] = .pullRequest(facts, repository: "octo-org/sandboxes") }
    }

    /// A copy whose account answer is `facts` (`nil`: none).
    func account(_ facts: AccountFacts?) -> VerificationWorld {
        with { $0.answers[Self.account] = .account(facts) }
    }

    /// A copy whose pull request lists these files.
    func files(_ files: [ChangedFile], capped: Bool = false) -> VerificationWorld {
        with { $0.answers[Self.files] = .changedFiles(files, capped: capped) }
    }

    /// A copy with these organizations allowed and these membership answers for alice.
    func organizations(_ answers: [(String, MembershipAnswer)]) -> VerificationWorld {
        with { world in
            world.policy.allowedOrganizations = answers.map(\.0)
            for (organization, answer) in answers {
                world.answers[.membership(organization: organization, login: "alice")] = .membership(answer)
            }
        }
    }

    /// Runs the policy to a decision, answering from the world; the outcome and the questions asked.
    func decide() -> (outcome: VerificationOutcome?, asked: [VerificationQuestion]) {
        var facts = VerificationFacts()
        var asked: [VerificationQuestion] = []
        for _ in 0..<20 {
            switch policy.nextStep(for: request, given: facts) {
            case .decided(let outcome):
                return (outcome, asked)
            case .ask(let question):
                asked.append(question)
                guard let fact = answers[question] else { return (nil, asked) }
                facts.record(fact, for: question)
            }
        }
        return (nil, asked)
    }
}

/// What a row expects.
enum Expected: Sendable {
    case verified(userId: Int64, login: String)
    /// Rejected; the reason contains `fragment`.
    case rejected(_ fragment: String, userId: Int64?)
    /// Pending; the reason contains `fragment`, and it is asked again `retryIn` seconds from now.
    case pending(_ fragment: String, retryIn: TimeInterval)
}

/// One rule of docs/behaviour.md §5.
struct PolicyRow: Sendable, CustomTestStringConvertible {
    var name: String
    var world: VerificationWorld
    var expected: Expected
    /// The questions asked, in order, when the row cares.
    var asked: [VerificationQuestion]?

    init(_ name: String, _ world: VerificationWorld, _ expected: Expected, asked: [VerificationQuestion]? = nil) {
        self.name = name
        self.world = world
        self.expected = expected
        self.asked = asked
    }

    var testDescription: String { name }
}

@Suite("the verification policy decides every rule from facts")
struct VerificationPolicyTests {
    static let base = VerificationWorld()
    static let day: TimeInterval = 86_400
    static let alice = PullRequestFacts.Author(id: 101, login: "alice")

    static let cheapRows: [PolicyRow] = [
        PolicyRow(
            "a denied login is refused without a question",
            base.with { $0.policy.deniedUsers = ["ALICE"] },
            .rejected(
                "The GitHub account @alice may not request sandboxes from this pool. "
                    + "If you think this is a mistake, ask the pool's operators.",
                userId: nil
            ),
            asked: []
        ),
        PolicyRow(
            "the ghost login is refused without a question",
            base.with { $0.requester = "Ghost" },
            .rejected(
                "@ghost is the placeholder GitHub shows for deleted accounts, not a person. "
                    + "Set requester to your own GitHub login.",
                userId: nil
            ),
            asked: []
        ),
        PolicyRow(
            "a [bot] login is refused without a question",
            base.with { $0.requester = "dependabot[bot]" },
            .rejected(
                "@dependabot[bot] is a bot account; sandboxes are for people. "
                    + "Set requester to your own GitHub login.",
                userId: nil
            ),
            asked: []
        ),
        PolicyRow(
            "a login GitHub could not have is refused without a question",
            base.with { $0.requester = "-alice/../x" },
            .rejected("\"-alice/../x\" is not a GitHub login", userId: nil),
            asked: []
        ),
        PolicyRow(
            "a login of 40 characters is refused without a question",
            base.with { $0.requester = String(repeating: "a", count: 40) },
            .rejected("is not a GitHub login (letters, digits, hyphens and underscores, at most 39)", userId: nil),
            asked: []
        ),
    ]

    static let pullRequestRows: [PolicyRow] = [
        PolicyRow(
            "the pull request does not exist",
            base.pull(nil),
            .rejected(
                "Pull request #100 does not exist in octo-org/sandboxes. "
                    + "Set pullRequest to the number of the pull request that adds this request file.",
                userId: nil
            ),
            asked: [VerificationWorld.pull]
        ),
        PolicyRow(
            "the pull request's author was deleted",
            base.pull(PullRequestFacts(author: nil, merged: true)),
            .rejected("The account that opened pull request #100 was deleted", userId: nil)
        ),
        PolicyRow(
            "the pull request's author is the ghost id",
            base.pull(PullRequestFacts(author: .init(id: 10_137, login: "alice"), merged: true)),
            .rejected("The account that opened pull request #100 was deleted", userId: nil)
        ),
        PolicyRow(
            "the pull request was opened by someone else",
            base.pull(PullRequestFacts(author: .init(id: 102, login: "bob"), merged: true)),
            .rejected("Pull request #100 was opened by @bob, not by @alice. ", userId: nil)
        ),
        PolicyRow(
            "unmerged, just seen: pending, checked again in 15 s",
            base.pull(PullRequestFacts(author: alice, merged: false)),
            .pending("pull request #100 does not read as merged yet", retryIn: 15),
            asked: [VerificationWorld.pull]
        ),
        PolicyRow(
            "unmerged, seen 2 minutes ago: pending, checked again in 30 s",
            base.pull(PullRequestFacts(author: alice, merged: false)).with { $0.elapsed = 120 },
            .pending("checking again until 2027-01-15T08:", retryIn: 30)
        ),
        PolicyRow(
            "unmerged, seen 5 minutes ago: pending, checked again in 60 s",
            base.pull(PullRequestFacts(author: alice, merged: false)).with { $0.elapsed = 300 },
            .pending("(GitHub can lag just after a merge)", retryIn: 60)
        ),
        PolicyRow(
            "unmerged, seen 9 min 50 s ago: checked again at the deadline, not later",
            base.pull(PullRequestFacts(author: alice, merged: false)).with { $0.elapsed = 590 },
            .pending("does not read as merged yet", retryIn: 10)
        ),
        PolicyRow(
            "closed without merging more than 10 minutes ago: rejected at once, no grace to wait out",
            base.pull(
                PullRequestFacts(
                    author: alice,
                    merged: false,
                    closedAt: VerificationWorld.now.addingTimeInterval(-601)
                )
            ),
            .rejected("Pull request #100 is not merged. ", userId: 101)
        ),
        PolicyRow(
            "closed unmerged a minute ago: still the grace (a merge GitHub is slow to report)",
            base.pull(
                PullRequestFacts(author: alice, merged: false, closedAt: VerificationWorld.now.addingTimeInterval(-60))
            ),
            .pending("does not read as merged yet", retryIn: 15)
        ),
        PolicyRow(
            "unmerged 10 minutes after first sight: rejected",
            base.pull(PullRequestFacts(author: alice, merged: false)).with { $0.elapsed = 600 },
            .rejected(
                "Pull request #100 is not merged. A request counts only once the pull request that "
                    + "adds its file is merged: set pullRequest to that pull request, and have it merged.",
                userId: 101
            )
        ),
    ]

    static let fileRows: [PolicyRow] = [
        PolicyRow(
            "the request file is not among the changes",
            base.files([ChangedFile(path: "README.md", status: "modified")]),
            .rejected(
                "Pull request #100 does not add or modify desired-state/requests/req-alice.json. "
                    + "Set pullRequest to the pull request that added this request file.",
                userId: 101
            ),
            asked: [VerificationWorld.pull, VerificationWorld.files]
        ),
        PolicyRow(
            "the request file is removed",
            base.files([ChangedFile(path: VerificationWorld.path, status: "removed")]),
            .rejected(
                "Pull request #100 does not add or modify desired-state/requests/req-alice.json: GitHub lists it as "
                    + "removed. Set pullRequest to the pull request that added this request file.",
                userId: 101
            )
        ),
        PolicyRow(
            "the request file renamed into place is accepted",
            base.files([ChangedFile(path: VerificationWorld.path, status: "renamed")]),
            .verified(userId: 101, login: "alice")
        ),
        PolicyRow(
            "the request file modified is accepted",
            base.files([ChangedFile(path: VerificationWorld.path, status: "modified")]),
            .verified(userId: 101, login: "alice")
        ),
        PolicyRow(
            "a capped list without the file says why",
            base.files([ChangedFile(path: "a", status: "added")], capped: true),
            .rejected(
                "this request file. GitHub lists only the first 3000 files of a pull request: "
                    + "add a request file in a pull request of its own.",
                userId: 101
            )
        ),
        PolicyRow(
            "a pull request of more files than GitHub lists says why",
            base.pull(PullRequestFacts(author: alice, merged: true, changedFiles: 3_500))
                .files([ChangedFile(path: "a", status: "added")]),
            .rejected("GitHub lists only the first 3000 files of a pull request", userId: 101)
        ),
    ]

    static let accountRows: [PolicyRow] = [
        PolicyRow(
            "the account does not exist",
            base.account(nil),
            .rejected(
                "GitHub has no account @alice any more. Set requester to your current GitHub login.",
                userId: 101
            )
        ),
        PolicyRow(
            "the login belongs to another id (a rename): pending, checked again in 60 s",
            base.account(AccountFacts(id: 999, login: "alice", createdAt: VerificationWorld.created2015)),
            .pending("the login @alice belonged to another account while it was being checked", retryIn: 60)
        ),
        PolicyRow(
            "the account answers as ghost",
            base.account(AccountFacts(id: 101, login: "ghost", createdAt: VerificationWorld.created2015)),
            .rejected("@ghost is the placeholder GitHub shows for deleted accounts", userId: 101)
        ),
        PolicyRow(
            "a Bot account",
            base.account(AccountFacts(id: 101, login: "alice", type: "Bot", createdAt: VerificationWorld.created2015)),
            .rejected(
                "@alice is a bot account; sandboxes are for people. Ask from your own personal GitHub account.",
                userId: 101
            )
        ),
        PolicyRow(
            "an Organization account",
            base.account(
                AccountFacts(id: 101, login: "alice", type: "Organization", createdAt: VerificationWorld.created2015)
            ),
            .rejected("@alice is an organization account; sandboxes are for people.", userId: 101)
        ),
        PolicyRow(
            "an account of another type",
            base.account(
                AccountFacts(id: 101, login: "alice", type: "Mannequin", createdAt: VerificationWorld.created2015)
            ),
            .rejected("@alice is a Mannequin account", userId: 101)
        ),
        PolicyRow(
            "no creation time: pending, checked again in 60 s",
            base.account(AccountFacts(id: 101, login: "alice", createdAt: nil)),
            .pending("GitHub did not say when the account @alice was created; checking again", retryIn: 60)
        ),
        PolicyRow(
            "an account younger than minAccountAge",
            base.account(
                AccountFacts(id: 101, login: "alice", createdAt: VerificationWorld.now.addingTimeInterval(-5 * day))
            ),
            .rejected(
                "The GitHub account @alice was created on Sunday 10 January 2027, 08:00 UTC, less than 30d ago; "
                    + "this pool accepts accounts at least 30d old. Edit the request file after "
                    + "Tuesday 9 February 2027, 08:00 UTC to have it checked again.",
                userId: 101
            )
        ),
        PolicyRow(
            "an account one second short of minAccountAge",
            base.account(
                AccountFacts(
                    id: 101,
                    login: "alice",
                    createdAt: VerificationWorld.now.addingTimeInterval(-30 * day + 1)
                )
            ),
            .rejected("less than 30d ago", userId: 101)
        ),
        PolicyRow(
            "an account exactly minAccountAge old",
            base.account(
                AccountFacts(id: 101, login: "alice", createdAt: VerificationWorld.now.addingTimeInterval(-30 * day))
            ),
            .verified(userId: 101, login: "alice")
        ),
    ]

    static let membershipRows: [PolicyRow] = [
        PolicyRow(
            "an active member of the allowed organization",
            base.organizations([("acme", .active)]),
            .verified(userId: 101, login: "alice"),
            asked: [
                VerificationWorld.pull, VerificationWorld.files, VerificationWorld.account,
                .membership(organization: "acme", login: "alice"),
            ]
        ),
        PolicyRow(
            "a pending invitation",
            base.organizations([("acme", .pending)]),
            .rejected(
                "@alice is not an active member of acme, which this pool requires (the invitation to join acme is "
                    + "not accepted yet). Join one (accept the invitation if one is pending), then edit the request "
                    + "file to have it checked again.",
                userId: 101
            )
        ),
        PolicyRow(
            "not a member",
            base.organizations([("acme", .notMember)]),
            .rejected("@alice is not an active member of acme, which this pool requires. Join one", userId: 101)
        ),
        PolicyRow(
            "not a member of any of two",
            base.organizations([("acme", .notMember), ("initech", .notMember)]),
            .rejected("@alice is not an active member of any of acme, initech, which this pool requires.", userId: 101)
        ),
        PolicyRow(
            "cannot tell: pending, checked again in 15 minutes",
            base.organizations([("acme", .cannotTell(reason: "HTTP 302 for acme"))]),
            .pending(
                "cannot tell whether @alice is a member of an allowed organization: HTTP 302 for acme. The operator "
                    + "must let sandboxd's token see the organization's members",
                retryIn: 900
            )
        ),
        PolicyRow(
            "cannot tell for one and not a member of the other: pending",
            base.organizations([("acme", .notMember), ("initech", .cannotTell(reason: "HTTP 404 for initech"))]),
            .pending("HTTP 404 for initech", retryIn: 900)
        ),
        PolicyRow(
            "an active member of the second organization",
            base.organizations([("acme", .notMember), ("initech", .active)]),
            .verified(userId: 101, login: "alice")
        ),
        PolicyRow(
            "an active member of the first: the second is not asked",
            base.organizations([("acme", .active), ("initech", .notMember)]),
            .verified(userId: 101, login: "alice"),
            asked: [
                VerificationWorld.pull, VerificationWorld.files, VerificationWorld.account,
                .membership(organization: "acme", login: "alice"),
            ]
        ),
        PolicyRow(
            "all good: verified with the user id, after the pull request, its files and the account",
            base,
            .verified(userId: 101, login: "alice"),
            asked: [VerificationWorld.pull, VerificationWorld.files, VerificationWorld.account]
        ),
        PolicyRow(
            "the login is compared ignoring case; the verified login is GitHub's spelling",
            base.with { $0.requester = "aLiCe" }
                .pull(PullRequestFacts(author: .init(id: 101, login: "Alice"), merged: true))
                .with {
                    $0.answers[.account(login: "aLiCe")] = .account(
                        AccountFacts(id: 101, login: "Alice", createdAt: VerificationWorld.created2015)
                    )
                },
            .verified(userId: 101, login: "Alice")
        ),
        PolicyRow(
            "a fact of the wrong kind is an unexpected answer: pending",
            base.with { $0.answers[VerificationWorld.pull] = .account(nil) },
            .pending("GitHub gave an unexpected answer", retryIn: 900)
        ),
    ]

    @Test(arguments: cheapRows + pullRequestRows + fileRows + accountRows + membershipRows)
    func decides(_ row: PolicyRow) {
        let (outcome, asked) = row.world.decide()
        if let expectedQuestions = row.asked {
            #expect(asked == expectedQuestions)
        }
        guard let outcome else {
            Issue.record("no decision; asked \(asked)")
            return
        }
        switch (row.expected, outcome) {
        case (.verified(let userId, let login), _):
            #expect(outcome == .verified(userId: userId, login: login))
        case (.rejected(let fragment, let userId), .rejected(let reason, let actualUserId)):
            #expect(reason.contains(fragment), "\(reason)")
            #expect(actualUserId == userId)
        case (.pending(let fragment, let retryIn), .pending(let reason, let retryAt)):
            #expect(reason.contains(fragment), "\(reason)")
            #expect(retryAt == VerificationWorld.now.addingTimeInterval(retryIn))
        default:
            Issue.record("expected \(row.expected), got \(outcome)")
        }
    }

    /// One failure to ask GitHub and the pending outcome it gives.
    struct ErrorRow: Sendable, CustomTestStringConvertible {
        var error: GitHubError
        var fragment: String
        var retryIn: TimeInterval
        var testDescription: String { "\(error.kind) \(error.retryAt == nil ? "without" : "with") a retry time" }
    }

    static let errorRows: [ErrorRow] = [
        ErrorRow(
            error: GitHubError(.unavailable, message: "HTTP 503"),
            fragment: "GitHub is unavailable or rate-limited (HTTP 503); checking again later",
            retryIn: 60
        ),
        ErrorRow(
            error: GitHubError(
                .unavailable,
                message: "rate limit",
                retryAt: VerificationWorld.now.addingTimeInterval(1_800)
            ),
            fragment: "rate-limited (rate limit)",
            retryIn: 1_800
        ),
        ErrorRow(
            error: GitHubError(.unauthorized, message: "HTTP 401"),
            fragment: "GitHub refused sandboxd's token (HTTP 401); the operator must fix the token or its permissions",
            retryIn: 900
        ),
        ErrorRow(
            error: GitHubError(.notFound, message: "HTTP 404"),
            fragment: "GitHub gave an unexpected answer (HTTP 404); checking again later",
            retryIn: 900
        ),
        ErrorRow(
            error: GitHubError(.rejected, message: "bad JSON", retryAt: VerificationWorld.now.addingTimeInterval(5)),
            fragment: "GitHub gave an unexpected answer (bad JSON)",
            retryIn: 5
        ),
    ]

    @Test(arguments: errorRows)
    func pendingAfterError(_ row: ErrorRow) {
        let outcome = VerificationPolicy().outcome(after: row.error, request: VerificationWorld().request)
        guard case .pending(let reason, let retryAt) = outcome else {
            Issue.record("expected pending, got \(outcome)")
            return
        }
        #expect(reason.contains(row.fragment), "\(reason)")
        #expect(retryAt == VerificationWorld.now.addingTimeInterval(row.retryIn))
    }
}
