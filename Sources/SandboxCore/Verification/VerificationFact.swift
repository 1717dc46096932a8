public import Foundation

/// The answer to one ``VerificationQuestion``: what GitHub (or the local stand-in) says, without judgement.
public enum VerificationFact: Hashable, Sendable, Codable {
    /// Answers ``VerificationQuestion/pullRequest(number:)``; `nil` when there is no such pull request.
    /// `repository` names where it was looked up (`owner/name`), for the rejection's reason.
    case pullRequest(PullRequestFacts?, repository: String)
    /// Answers ``VerificationQuestion/changedFiles(pullRequest:path:)``: the changed files, and
    /// whether the list stops at GitHub's cap (``VerificationPolicy/listedFilesLimit``).
    case changedFiles([ChangedFile], capped: Bool)
    /// Answers ``VerificationQuestion/account(login:)``; `nil` when no account has the login.
    case account(AccountFacts?)
    /// Answers ``VerificationQuestion/membership(organization:login:)``.
    case membership(MembershipAnswer)
}

/// What a pull request is.
public struct PullRequestFacts: Hashable, Sendable, Codable {
    /// The account that opened a pull request.
    public struct Author: Hashable, Sendable, Codable {
        /// GitHub's numeric id of the account: the person's identity.
        public var id: Int64
        /// The account's login as GitHub spells it.
        public var login: String

        /// Creates an author.
        public init(id: Int64, login: String) {
            self.id = id
            self.login = login
        }
    }

    /// Who opened it; `nil` when that account was deleted (GitHub shows no user).
    public var author: Author?
    /// Whether GitHub says it is merged.
    public var merged: Bool
    /// When it was closed, if it is (`closed_at`): closed unmerged for longer than the merge grace
    /// means it was closed without merging, not merged a moment ago.
    public var closedAt: Date?
    /// How many files it changes, as GitHub counts them (0 when GitHub did not say).
    public var changedFiles: Int

    /// Creates the facts of a pull request.
    public init(author: Author?, merged: Bool, changedFiles: Int = 0, closedAt: Date? = nil) {
        self.closedAt = closedAt
        self.author = author
        self.merged = merged
        self.changedFiles = changedFiles
    }
}

/// One entry of a pull request's changed files.
public struct ChangedFile: Hashable, Sendable, Codable {
    /// The file's path in the repository (after the change, for a rename).
    public var path: String
    /// GitHub's status: `added`, `modified`, `removed`, `renamed`, `copied`, `changed` or `unchanged`.
    public var status: String

    /// Creates an entry.
    public init(path: String, status: String) {
        self.path = path
        self.status = status
    }
}

/// What an account is.
public struct AccountFacts: Hashable, Sendable, Codable {
    /// GitHub's numeric id.
    public var id: Int64
    /// The login as GitHub spells it.
    public var login: String
    /// `User`, `Bot` or `Organization`.
    public var type: String
    /// When it was created; `nil` when GitHub did not say (or said something unreadable).
    public var createdAt: Date?

    /// Creates the facts of an account.
    public init(id: Int64, login: String, type: String = "User", createdAt: Date?) {
        self.id = id
        self.login = login
        self.type = type
        self.createdAt = createdAt
    }
}

/// Whether a login is a member of an organization, as far as sandboxd can see.
public enum MembershipAnswer: Hashable, Sendable, Codable {
    /// An active member.
    case active
    /// Invited, and the invitation is not accepted yet: not a member.
    case pending
    /// Not a member.
    case notMember
    /// GitHub will not tell sandboxd's token; `reason` says why (for the operator).
    case cannotTell(reason: String)
}

/// The answers gathered so far for one request, keyed by question.
public struct VerificationFacts: Hashable, Sendable {
    /// Every answer, by its question.
    public var answers: [VerificationQuestion: VerificationFact]

    /// Facts with these answers (none by default).
    public init(_ answers: [VerificationQuestion: VerificationFact] = [:]) {
        self.answers = answers
    }

    /// The answer to `question`, when it was asked.
    public subscript(question: VerificationQuestion) -> VerificationFact? {
        get { answers[question] }
        set { answers[question] = newValue }
    }

    /// Records the answer to `question`.
    public mutating func record(_ fact: VerificationFact, for question: VerificationQuestion) {
        answers[question] = fact
    }
}
