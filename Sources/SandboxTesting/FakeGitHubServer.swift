public import Foundation
import SandboxHTTP
import SandboxLocking

/// A small, stateful GitHub REST API for tests, served over real HTTP by ``LoopbackHTTPServer``.
///
/// It knows one repository, users of every type and age, pull requests (merged or not) with their
/// changed files, organization memberships, and issue comments; and it behaves like GitHub where
/// sandboxd depends on it:
/// - it requires `Authorization: Bearer <token>` (else 401), a `User-Agent` (else 403),
///   `Accept: application/vnd.github+json` and `X-GitHub-Api-Version: 2022-11-28` (else 400); the
///   personal access token (``token``, the ``viewer``'s) can be rotated (``rotateToken(to:)``);
/// - lists are paginated (`per_page`, at most ``maximumPageSize``; `page`) with `Link` headers;
/// - `200` answers carry an `ETag`; a `GET` whose `If-None-Match` matches is answered `304`, which
///   costs nothing (``costlyCalls`` counts only answers that use the rate limit);
/// - every answer carries `X-RateLimit-Limit/Remaining/Reset`; when the remaining count is 0 every
///   call is refused with 403 until the reset (by the injected clock), when the count refills;
/// - ``limitSecondary(retryAfter:calls:)`` refuses the next calls with a secondary-limit 403 and
///   `Retry-After`; ``failNext(_:status:)`` answers the next calls with a 5xx; ``injectFault(_:on:)``
///   holds every request of a ``Route`` unanswered, or answers it with an endless body, until cleared;
/// - `GET /orgs/{org}/members/{login}` answers `302` (to `public_members/{login}`, which is served) to
///   a token whose account is not a member (or `404` in ``membersAnswer404WhenHidden`` mode, as GitHub
///   Enterprise Server 3.8 did), and `GET /orgs/{org}/memberships/{login}` answers `403` then;
/// - the repository is `GET /repos/{owner}/{repo}`, and every route of it is also served under
///   `/repositories/{id}` (``repositoryID``); ``hideRepository(_:)`` answers 404 on all of them, as to
///   a token without access; after ``moveRepository(toOwner:name:ownerID:)`` the old names redirect to
///   `/repositories/{id}/…` (`301` for `GET`/`HEAD`, `307` otherwise, free), or to another host after
///   ``moveRepositoryToAnotherHost(_:)``.
///
/// For the forecasts (docs/behaviour.md §6.9) it lists the open pull requests (`GET …/pulls?state=open`,
/// with each one's `head.sha`), serves a file at a pull request's head (`GET …/contents/{path}?ref={sha}`,
/// base64, from ``PullRequest/contents``) and records commit statuses (`POST …/statuses/{sha}`,
/// ``statuses(of:)``); ``push(_:headSHA:contents:)`` and ``close(_:)`` script a pull request's life.
///
/// Given an ``App``, it also plays a GitHub App installed on the repository's owner (see
/// `FakeGitHubServer+App.swift`): `GET /app`, `GET /repos/{owner}/{repo}/installation` and
/// `POST /app/installations/{id}/access_tokens` take the App's JSON web token, checked as GitHub does
/// (``jwtRefusals``), cost nothing and are not refused when the primary limit is spent; the
/// installation tokens they mint (``installationTokens``) work on every other route until their
/// `expires_at` by the injected clock, write as the App's bot, are refused `GET /user` (403), and see
/// the owner's private membership with the `members` permission. A JWT outside those routes is refused.
///
/// The API can live under a path prefix (`/api/v3`), as on GitHub Enterprise Server. Every request is
/// recorded (``requests``), whatever it was answered.
public final class FakeGitHubServer: Sendable {
    /// An account.
    public struct Account: Sendable, Hashable {
        /// The durable numeric id.
        public var id: Int64
        /// The login (renamable).
        public var login: String
        /// `User`, `Bot` or `Organization`.
        public var type: String
        /// When the account was created (`created_at`).
        public var createdAt: Date

        /// Creates an account.
        public init(id: Int64, login: String, type: String = "User", createdAt: Date) {
            self.id = id
            self.login = login
            self.type = type
            self.createdAt = createdAt
        }
    }

    /// One changed file of a pull request.
    public struct ChangedFile: Sendable, Hashable {
        public var filename: String
        /// `added`, `modified`, `removed`, `renamed`, …
        public var status: String

        /// Creates a changed file; `added` by default.
        public init(_ filename: String, status: String = "added") {
            self.filename = filename
            self.status = status
        }
    }

    /// A pull request.
    public struct PullRequest: Sendable, Hashable {
        /// Its number.
        public var number: Int
        /// The id of the account that opened it (an unknown id reads as `ghost`).
        public var authorID: Int64
        /// Whether it is merged.
        public var merged: Bool
        /// Its changed files, in order.
        public var files: [ChangedFile]
        /// Closed without merging (an unmerged pull request that is not closed is open).
        public var closed: Bool
        /// The commit at its head.
        public var headSHA: String
        /// The files as its head commit holds them, by path (`GET …/contents/{path}?ref=`).
        public var contents: [String: String]

        /// Creates a pull request; merged by default.
        public init(
            number: Int,
            authorID: Int64,
            merged: Bool = true,
            files: [ChangedFile],
            closed: Bool = false,
            headSHA: String? = nil,
            contents: [String: String] = [:]
        ) {
            self.number = number
            self.authorID = authorID
            self.merged = merged
            self.files = files
            self.closed = closed
            self.headSHA = headSHA ?? String(repeating: "0", count: 32) + String(format: "%08x", number)
            self.contents = contents
        }

        /// Open: neither merged nor closed.
        public var isOpen: Bool { !merged && !closed }
    }

    /// An issue comment.
    public struct Comment: Sendable, Hashable {
        /// Its id.
        public var id: Int64
        /// The pull request (or issue) it is on.
        public var pullRequest: Int
        /// The id of its author.
        public var authorID: Int64
        /// Its body, exactly as received.
        public var body: String
    }

    /// A commit status (`POST …/statuses/{sha}`).
    public struct CommitStatus: Sendable, Hashable {
        public var context: String
        public var state: String
        public var description: String
    }

    /// A membership of an organization.
    public enum MembershipState: String, Sendable, Hashable {
        /// A member.
        case active
        /// Invited, not accepted yet.
        case pending
    }

    struct Membership: Hashable {
        var state: MembershipState
        var isPublic: Bool
    }

    struct State {
        var accounts: [Int64: Account] = [:]
        var pulls: [Int: PullRequest] = [:]
        /// Issue numbers (not pull requests): comments work, `pulls/{n}` is 404.
        var issues: Set<Int> = []
        var comments: [Comment] = []
        /// Commit → its statuses, oldest first.
        var statuses: [String: [CommitStatus]] = [:]
        var nextCommentID: Int64 = 1_001
        /// organization (lower-cased) → user id → membership.
        var memberships: [String: [Int64: Membership]] = [:]
        var limit = 5_000
        var remaining = 5_000
        var reset: Date?
        var costlyCalls = 0
        var notModifiedCalls = 0
        var failures: [Int] = []
        var secondaryLimited = 0
        var secondaryRetryAfter = 60
        var maximumPageSize = 100
        var membersAnswer404WhenHidden = false
        var refusedForHeaders = 0
        /// The personal access tokens accepted (the viewer's).
        var acceptedTokens: Set<String> = []
        /// Where the repository is now, and its owner's account id.
        var location: Location
        var ownerID: Int64
        /// Former `owner/name`s (lower-cased): they redirect.
        var formerNames: Set<String> = []
        /// Where the repository moved, on another host (``moveRepositoryToAnotherHost(_:)``).
        var movedAwayTo: URL?
        var repositoryHidden = false
        /// Branch name → head commit id (`GET …/branches/{branch}`).
        var branches: [String: String] = [:]
        /// Where git's smart HTTP serves bare repositories from (``FakeGitHubServer/serveGit(projectRoot:)``).
        var gitProjectRoot: URL?
        /// The passwords git sent.
        var gitPasswords: [String] = []
        /// Whether the App is installed on the repository's owner (``uninstall(_:)``).
        var installed = true
        var installationTokens: [InstallationToken] = []
        var jwtRefusals = 0

        init(location: Location, ownerID: Int64) {
            self.location = location
            self.ownerID = ownerID
        }
    }

    /// The repository's durable id (`GET /repositories/{id}/…`), which renames and transfers keep.
    public let repositoryID: Int64
    /// The personal access token the fake accepts at first (the ``viewer``'s); see ``rotateToken(to:)``.
    public let token: String
    /// The account the token belongs to (sandboxd's own).
    public let viewer: Account
    /// The GitHub App installed on the repository's owner, if the fake plays one (GitHub App mode).
    public let app: App?
    /// The path the API lives under: `""` (github.com) or e.g. `/api/v3` (GitHub Enterprise Server).
    public let pathPrefix: String
    let now: @Sendable () -> Date
    let state: Locked<State>
    /// The standing faults, by route (``injectFault(_:on:)``).
    let faults = FaultBoard<Route>()
    private let server: Locked<LoopbackHTTPServer?>

    /// Starts a fake GitHub on 127.0.0.1.
    /// - Parameters:
    ///   - owner: The repository's owner (an organization).
    ///   - repository: The repository's name.
    ///   - repositoryID: The repository's id.
    ///   - ownerID: The owner's account id.
    ///   - token: The personal access token it accepts at first, the `viewer`'s.
    ///   - viewer: sandboxd's own account.
    ///   - app: A GitHub App installed on the repository's owner (its bot account is added); `nil` for none.
    ///   - pathPrefix: The API's path (`/api/v3` to play GitHub Enterprise Server).
    ///   - now: The clock for rate-limit resets, JSON web tokens and installation tokens' expiry.
    public init(
        owner: String = "octo-org",
        repository: String = "sandboxes",
        repositoryID: Int64 = 1_296_269,
        ownerID: Int64 = 9_919,
        token: String = "test-token-s3cr3t",
        viewer: Account = Account(
            id: 9_000,
            login: "sandboxd-bot",
            createdAt: Date(timeIntervalSince1970: 1_500_000_000)
        ),
        app: App? = nil,
        pathPrefix: String = "",
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.repositoryID = repositoryID
        self.token = token
        self.viewer = viewer
        self.app = app
        self.pathPrefix = pathPrefix
        self.now = now
        var initial = State(location: Location(owner: owner, name: repository), ownerID: ownerID)
        initial.accounts[viewer.id] = viewer
        if let app { initial.accounts[app.bot.id] = app.bot }
        initial.acceptedTokens = [token]
        state = Locked(initial)
        server = Locked(nil)
        let faults = faults
        // A held request must not keep the fake alive: `self` is held only while the request is admitted
        // and while it is served, not while a fault holds it.
        let started = try LoopbackHTTPServer { [weak self] request in
            if let git = await self?.gitReply(request) { return git }
            let admitted: Admitted
            switch self?.admit(request) {
            case nil: return .dropConnection
            case .answered(let reply)?: return reply
            case .admitted(let found)?: admitted = found
            }
            if let route = admitted.route {
                switch await faults.intercept(route) {
                case .proceed:
                    break
                case .endlessBody:
                    return .endlessChunks(status: 200, headers: ["Content-Type": "application/json; charset=utf-8"])
                case .stopped:
                    return .dropConnection
                }
            }
            guard let self else { return .dropConnection }
            return self.serve(request, admitted)
        }
        server.withLock { $0 = started }
    }

    deinit {
        faults.stop()
        server.withLock { $0?.stop() }
    }

    /// Stops serving; requests a ``ServerFault/hang`` holds are dropped.
    public func stop() {
        faults.stop()
        server.withLock { $0?.stop() }
    }

    /// Applies `fault` to every request of `route` from now on, until it is changed or cleared
    /// (``ServerFault/clear``). It comes before scripted failures and rate limits, and after the
    /// checks of the token and the required headers: a request GitHub would refuse is refused as before,
    /// and a request to a former name of the repository is redirected as before.
    /// - Parameters:
    ///   - fault: What to do with the requests.
    ///   - route: Which resource, e.g. ``Route/user`` for `GET /users/{login}`.
    public func injectFault(_ fault: ServerFault, on route: Route) {
        faults.set(fault, on: route)
    }

    /// How many requests a ``ServerFault/hang`` holds unanswered now (one stays held after its client gave up).
    public var heldRequests: Int { faults.heldCount }

    /// The API's base URL, `GITHUB_API_URL`: `http://127.0.0.1:PORT` plus ``pathPrefix``.
    public var apiURL: URL {
        let base = server.withLock { $0!.baseURL }
        return URL(string: base.absoluteString + pathPrefix)!
    }

    /// Every request received, in order.
    public var requests: [RecordedRequest] {
        server.withLock { $0?.requests ?? [] }
    }
}
