public import Foundation

/// The GitHub facts a user writes down for `--local`: `<state-dir>/local/github.json`
/// (docs/examples/verification/github.json), so every verification rule can be seen offline.
///
/// ```json
/// {
///   "accounts": { "alice": { "id": 1001, "type": "User", "created": "2019-04-01T00:00:00Z" } },
///   "pullRequests": { "42": { "author": "alice", "merged": true,
///                             "files": [ { "path": "desired-state/requests/alice.json", "status": "added" } ] } },
///   "organizations": { "acme": { "alice": "active", "bob": "pending" } }
/// }
/// ```
///
/// Every key is optional. What the facts answer:
/// - an account not listed does not exist; `type` defaults to `User`; `created` is required (RFC 3339);
/// - a pull request not listed does not exist; `merged` defaults to `true`; without `files` it
///   counts as adding every request file that names it (the file asked about, as `added`);
/// - a pull request's author is a login; its id is the account's `id` when `accounts` lists it,
///   else one derived from the login (``derivedID(for:)``), so an author without an account can
///   still be told apart (and is then found to have no account);
/// - an organization listed answers `active` or `pending` for its logins and "not a member" for
///   everyone else; an organization not listed cannot tell (the request stays pending);
/// - logins and organization names compare ignoring case, as on GitHub.
public struct LocalGitHubFacts: Hashable, Sendable {
    /// One account.
    public struct Account: Hashable, Sendable {
        /// The login as written (the spelling GitHub would report).
        public var login: String
        /// The numeric id.
        public var id: Int64
        /// `User`, `Bot` or `Organization`.
        public var type: String
        /// When it was created (`created`), or
        public var created: Date?
        /// how long before now it was created (`age`), so an example stays as young as it is.
        public var age: TimeInterval?
    }

    /// One pull request.
    public struct PullRequest: Hashable, Sendable {
        /// The author's login.
        public var author: String
        /// Whether it is merged.
        public var merged: Bool
        /// When it was closed (`"closed"`), if it is.
        public var closed: Date?
        /// Its changed files; `nil`: it adds every request file that names it.
        public var files: [ChangedFile]?
    }

    /// The accounts, by lowercased login.
    public var accounts: [String: Account] = [:]
    /// The pull requests, by number.
    public var pullRequests: [Int: PullRequest] = [:]
    /// The organizations, by lowercased name: lowercased login → `active` or `pending`.
    public var organizations: [String: [String: MembershipAnswer]] = [:]

    /// No facts.
    public init() {}

    /// The top-level keys.
    public static let keys = ["accounts", "pullRequests", "organizations"]
    /// The account types accepted.
    public static let accountTypes = ["User", "Bot", "Organization"]
    /// The file statuses GitHub reports.
    public static let fileStatuses = ["added", "removed", "modified", "renamed", "copied", "changed", "unchanged"]

    /// Answers `question` from these facts.
    /// - Parameters:
    ///   - question: The policy's question.
    ///   - source: What to name as the repository in a rejection (the file's path).
    ///   - now: The time an account's `age` counts back from.
    public func answer(_ question: VerificationQuestion, source: String, now: Date) -> VerificationFact {
        switch question {
        case .pullRequest(let number):
            let facts = pullRequests[number].map { pull in
                PullRequestFacts(
                    author: PullRequestFacts.Author(id: id(of: pull.author), login: login(of: pull.author)),
                    merged: pull.merged,
                    changedFiles: pull.files?.count ?? 1,
                    closedAt: pull.closed
                )
            }
            return .pullRequest(facts, repository: source)
        case .changedFiles(let number, let path):
            let files = pullRequests[number].map { $0.files ?? [ChangedFile(path: path, status: "added")] } ?? []
            return .changedFiles(files, capped: false)
        case .account(let login):
            return .account(
                accounts[login.lowercased()].map {
                    AccountFacts(
                        id: $0.id,
                        login: $0.login,
                        type: $0.type,
                        createdAt: $0.created ?? now.addingTimeInterval(-($0.age ?? 0))
                    )
                }
            )
        case .membership(let organization, let login):
            guard let members = organizations[organization.lowercased()] else {
                return .membership(
                    .cannotTell(reason: "\(source) does not list the organization \(organization) under organizations")
                )
            }
            return .membership(members[login.lowercased()] ?? .notMember)
        }
    }

    /// The id of the account `login`: the listed one, else ``derivedID(for:)``.
    func id(of login: String) -> Int64 { accounts[login.lowercased()]?.id ?? Self.derivedID(for: login) }

    /// The login as the account spells it, when listed.
    func login(of login: String) -> String { accounts[login.lowercased()]?.login ?? login }

    /// A stable id for a login no account lists: FNV-1a of the lowercased login, from 2^40 up, so it
    /// is the same on every run and stays clear of ids a user writes.
    public static func derivedID(for login: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in login.lowercased().utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return Int64(1 << 40) + Int64(hash % (1 << 40))
    }
}
