public import Foundation
public import SandboxCore
public import SandboxHTTP
import SandboxLocking

/// GitHub's REST API over an ``HTTPTransport``: headers, conditional reads, pagination, rate
/// limits, retries and write pacing, so the adapter above it only says what to read and write.
///
/// Every request carries `Accept: application/vnd.github+json`, `X-GitHub-Api-Version: 2022-11-28`,
/// `User-Agent: sandboxd/0.1` and `Authorization: Bearer <token>`, and has a timeout
/// (``Configuration/timeout``). The token never appears in an error or description.
///
/// - **Credentials.** ``GitHubAuthenticator``: a token (a file is read again when it changes), or a
///   GitHub App's installation token, minted with the App's JWT and renewed before it expires. A
///   `401` is tried once more when a fresh token exists (the file changed, a new installation token).
/// - **Conditional reads.** A read may be sent with the `ETag` of its last `200` (`If-None-Match`);
///   a `304` is answered from the stored body, costs nothing against the primary rate limit, and
///   ``ETagStore`` keeps the validators across restarts.
/// - **Pagination.** Lists are read with `per_page=100`, following `Link: <…>; rel="next"` (never
///   built by hand), only to the same scheme, host and port as the base URL, at most
///   ``Configuration/maximumPages`` pages.
/// - **Rate limits.** ``RateLimitGate``: once GitHub says the limit is used up (`X-RateLimit-Remaining:
///   0`) or to back off (403/429 with `Retry-After` or a secondary-limit message), every call fails
///   at once with ``GitHubError/Kind/unavailable`` and `retryAt`, without a request and without
///   sleeping, until that time.
/// - **Retries.** Reads and edits (idempotent) are retried after a 5xx or a failed connection, up to
///   ``Configuration/attempts`` in all, after ``Configuration/retryDelays``; then the call fails as
///   `unavailable`, and so does every call for the next 30 seconds (one pass meets an outage once).
///   A timeout is not retried (a pass must not wait long). A post is never repeated: a failed post
///   may still have created the comment, which the executor looks for by its marker before
///   posting again.
/// - **Writes.** Posts and edits go one at a time, ``Configuration/writeSpacing`` apart.
///
/// The base URL may have a path (GitHub Enterprise Server: `https://HOST/api/v3`); request paths
/// are appended to it.
public final class GitHubClient: Sendable {
    /// How the client talks to GitHub.
    public struct Configuration: Sendable {
        /// `https://api.github.com`.
        public static let defaultBaseURL = URL(string: "https://api.github.com")!

        /// The REST API root (`GITHUB_API_URL`), without a trailing slash.
        public var baseURL: URL
        /// How sandboxd authenticates: a token, or a GitHub App.
        public var credentials: GitHubCredentials
        /// The repository a GitHub App's installation is looked up on (`GET /repos/{owner}/{repo}/installation`)
        /// when its id is not configured.
        public var repository: GitHubRepository?
        /// `User-Agent` (GitHub refuses requests without one).
        public var userAgent: String = "sandboxd/0.1"
        /// `X-GitHub-Api-Version`, pinned for GitHub Enterprise Server portability.
        public var apiVersion: String = "2022-11-28"
        /// The longest one request may take.
        public var timeout: Duration = .seconds(10)
        /// Attempts in all for a read or edit that meets a 5xx or a network failure.
        public var attempts: Int = 3
        /// The pause before the second, third, … attempt (the last is reused).
        public var retryDelays: [Duration] = [.milliseconds(500), .seconds(2)]
        /// The least time between two writes (posts or edits of comments).
        public var writeSpacing: TimeInterval = 1
        /// The most pages one list read follows.
        public var maximumPages: Int = 50

        /// Creates a configuration with the defaults above.
        /// - Parameters:
        ///   - baseURL: The REST API root; `https://api.github.com` by default.
        ///   - credentials: A token or a GitHub App.
        ///   - repository: Where an App's installation is looked up.
        public init(
            baseURL: URL = Configuration.defaultBaseURL,
            credentials: GitHubCredentials,
            repository: GitHubRepository? = nil
        ) {
            self.baseURL = baseURL
            self.credentials = credentials
            self.repository = repository
        }

        /// A configuration for one token that never changes (`GITHUB_TOKEN`).
        /// - Parameters:
        ///   - baseURL: The REST API root; `https://api.github.com` by default.
        ///   - token: The token.
        public init(baseURL: URL = Configuration.defaultBaseURL, token: GitHubToken) {
            self.init(baseURL: baseURL, credentials: .token(.value(token, variable: "GITHUB_TOKEN")))
        }
    }

    /// Items per page of a list read.
    static let pageSize = 100

    let configuration: Configuration
    let transport: any HTTPTransport
    let etags: any ETagStore
    let gate = RateLimitGate()
    let pacer: WritePacer
    let authenticator: GitHubAuthenticator
    let now: @Sendable () -> Date
    let sleep: @Sendable (Duration) async -> Void
    private let ownAccount = Locked<GitHubAccount?>(nil)

    /// Creates a client.
    /// - Parameters:
    ///   - configuration: Base URL, token and limits.
    ///   - transport: Where requests go; a `URLSessionTransport` in production.
    ///   - etags: Where validators of reads are kept (``FileETagStore`` in the state directory).
    ///   - now: The clock for rate-limit times and write spacing.
    ///   - sleep: How to wait between retries and writes (tests pass one that returns at once).
    public init(
        configuration: Configuration,
        transport: any HTTPTransport,
        etags: any ETagStore = InMemoryETagStore(),
        now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) }
    ) {
        var configuration = configuration
        configuration.baseURL = Self.trimmingTrailingSlash(configuration.baseURL)
        self.configuration = configuration
        self.transport = transport
        self.etags = etags
        self.now = now
        self.sleep = sleep
        pacer = WritePacer(spacing: configuration.writeSpacing, now: now, sleep: sleep)
        let installationPath = configuration.repository.map {
            "/repos/\(Self.segment($0.owner))/\(Self.segment($0.name))/installation"
        }
        authenticator = GitHubAuthenticator(
            configuration.credentials,
            installationPath: installationPath ?? "/installation-unknown"
        )
    }

    /// The token to hand to `git` for an https remote on GitHub (docs/behaviour.md §4.9): the configured
    /// token, or the App's current installation token. The only way a secret leaves the client; the
    /// caller gives it to its `git` child through the askpass program's environment, never a file or an
    /// argument.
    /// - Throws: ``GitHubError`` when no token can be had (a file unreadable, an App not installed).
    public func tokenForGit() async throws(GitHubError) -> String {
        try await authenticator.token(for: .api, client: self).value
    }

    /// Reads the token file or the App's private key now, so a mistake is reported at start-up.
    /// - Throws: ``GitHubConfigurationError`` naming the file and what is wrong.
    public func validateCredentials() async throws(GitHubConfigurationError) {
        try await authenticator.validate()
    }

    /// sandboxd's own account, found once and then remembered: `GET /user` for a token; for a GitHub
    /// App, its bot account (`GET /app` gives the slug, `GET /users/<slug>[bot]` the bot's id).
    ///
    /// Comments are recognised as sandboxd's by this account's id.
    /// - Throws: ``GitHubError``.
    public func authenticatedAccount() async throws(GitHubError) -> GitHubAccount {
        if let known = ownAccount.withLock({ $0 }) { return known }
        let account = authenticator.isApp ? try await appBotAccount() : try await tokenAccount()
        ownAccount.withLock { $0 = account }
        return account
    }

    /// `GET /user`.
    private func tokenAccount() async throws(GitHubError) -> GitHubAccount {
        let doing = "reading sandboxd's own account"
        let response = try await get(path: "/user")
        guard response.status == 200 else { throw Self.failure(response, doing: doing) }
        let user = try Self.decode(GitHubPayload.User.self, from: response, doing: doing)
        return GitHubAccount(id: user.id, login: user.login)
    }

    /// The App's bot: `GET /app` (as the App), then `GET /users/<slug>[bot]`.
    private func appBotAccount() async throws(GitHubError) -> GitHubAccount {
        let doing = "reading the GitHub App's own account"
        let app = try await perform(
            method: "GET",
            url: url(path: "/app"),
            body: nil,
            cache: .conditional,
            retrying: true,
            scope: .app
        )
        guard app.status == 200 else { throw Self.failure(app, doing: doing) }
        let slug = try Self.decode(GitHubPayload.App.self, from: app, doing: doing).slug
        let response = try await get(path: "/users/\(Self.segment(slug + "[bot]"))")
        guard response.status == 200 else { throw Self.failure(response, doing: "\(doing) (@\(slug)[bot])") }
        let user = try Self.decode(GitHubPayload.User.self, from: response, doing: doing)
        return GitHubAccount(id: user.id, login: user.login)
    }
}

// MARK: - Requests

extension GitHubClient {
    /// What a call got back. After a `304`, ``status`` is `200` and ``body`` the stored body.
    struct Response: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
        /// The `Link` header (the stored one after a `304` that did not repeat it).
        var link: String?
        /// Whether GitHub answered `304 Not Modified`.
        var notModified: Bool
    }

    /// How a read uses the ``ETagStore``.
    enum CachePolicy {
        /// Sent with `If-None-Match` when a validator is stored; a `200` with an `ETag` is stored.
        case conditional
        /// Sent without `If-None-Match`; a `200` with an `ETag` is stored.
        case refresh
    }

    /// The absolute URL of `path` (which starts with `/`) under the base URL, with `query`.
    func url(path: String, query: [URLQueryItem] = []) -> URL {
        var components = URLComponents(url: configuration.baseURL, resolvingAgainstBaseURL: false)!
        components.percentEncodedPath = components.percentEncodedPath + path
        if !query.isEmpty { components.queryItems = query }
        return components.url!
    }

    /// Percent-encodes one path segment (a login, an organization), so it can never add a segment.
    static func segment(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// A conditional `GET` of `path`.
    func get(path: String, query: [URLQueryItem] = []) async throws(GitHubError) -> Response {
        try await get(url(path: path, query: query), cache: .conditional)
    }

    /// A `GET` of an absolute URL under the base URL.
    func get(_ url: URL, cache: CachePolicy) async throws(GitHubError) -> Response {
        try await perform(method: "GET", url: url, body: nil, cache: cache, retrying: true)
    }

    /// The query of a list's first page: `per_page=100`.
    static var firstPageQuery: [URLQueryItem] { [URLQueryItem(name: "per_page", value: String(pageSize))] }

    /// Every item of a list, following `Link: rel="next"` from its first page, already read from `url`.
    ///
    /// - Throws: ``GitHubError``; a non-200 page fails with ``failure(_:doing:)``.
    func list<Item: Decodable>(
        _ type: Item.Type,
        firstPage: Response,
        url: URL,
        doing: String
    ) async throws(GitHubError) -> [Item] {
        var next: URL? = url
        var received: Response? = firstPage
        var items: [Item] = []
        var pages = 0
        while let pageURL = next {
            pages += 1
            guard pages <= configuration.maximumPages else {
                throw GitHubError(.rejected, message: "\(doing): more than \(configuration.maximumPages) pages")
            }
            var response: Response
            if let first = received {
                response = first
                received = nil
            } else {
                response = try await get(pageURL, cache: .conditional)
            }
            var page: [Item] = []
            if response.status == 200 { page = try Self.decode([Item].self, from: response, doing: doing) }
            var link = LinkHeader.next(in: response.link)
            if response.notModified, link == nil, page.count >= Self.pageSize {
                // A full last page answered 304 may hide a page added since: its body did not change,
                // but the Link header we stored with it may have. Read it again in full.
                response = try await get(pageURL, cache: .refresh)
                if response.status == 200 { page = try Self.decode([Item].self, from: response, doing: doing) }
                link = LinkHeader.next(in: response.link)
            }
            guard response.status == 200 else { throw Self.failure(response, doing: doing) }
            items += page
            if let link, !isSameOrigin(link) {
                throw GitHubError(
                    .rejected,
                    message: "\(doing): GitHub's next-page link points to another host; "
                        + "sandboxd does not send its token there"
                )
            }
            next = link
        }
        return items
    }

    /// A write (`POST` or `PATCH`) with a JSON body, paced and serialized with other writes.
    func write(method: String, path: String, json: some Encodable) async throws(GitHubError) -> Response {
        let body: Data
        do {
            body = try JSONEncoder().encode(json)
        } catch {
            throw GitHubError(.rejected, message: "cannot encode the request body: \(error)")
        }
        // Fail fast while GitHub says to back off, rather than wait for a turn first.
        if let refusal = gate.refusal(at: now(), call: "\(method) \(path)") { throw refusal }
        await pacer.acquire()
        let result: Result<Response, GitHubError>
        do {
            // A PATCH sets the same body again: safe to repeat. A POST is not (see the type's docs).
            result = .success(
                try await perform(
                    method: method,
                    url: url(path: path),
                    body: body,
                    cache: nil,
                    retrying: method != "POST"
                )
            )
        } catch {
            result = .failure(error)
        }
        await pacer.release()
        return try result.get()
    }

    /// Sends one request (with retries when `retrying`), applying the rate-limit gate and the ETag store,
    /// authenticated as `scope`.
    func perform(
        method: String,
        url: URL,
        body: Data?,
        cache: CachePolicy?,
        retrying: Bool,
        scope: AuthScope = .api
    )
        async throws(GitHubError) -> Response
    {
        let key = url.absoluteString
        let stored = cache == .conditional ? etags.entry(for: key) : nil
        var headers: HTTPHeaders = [
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": configuration.apiVersion,
            "User-Agent": configuration.userAgent,
        ]
        if body != nil { headers["Content-Type"] = "application/json; charset=utf-8" }
        if let stored { headers["If-None-Match"] = stored.etag }
        var attempt = 0
        var triedAnotherToken = false
        while true {
            attempt += 1
            if let refusal = gate.refusal(at: now(), call: "\(method) \(url.path)") { throw refusal }
            if let refusal = ForecastBudget.current?.refusal(at: now(), call: "\(method) \(url.path)") {
                ForecastBudget.current?.countRefusal()
                throw refusal
            }
            let token = try await authenticator.token(for: scope, client: self)
            headers["Authorization"] = "Bearer \(token.value)"
            let request = HTTPRequest(
                method: method,
                url: url,
                headers: headers,
                body: body ?? Data(),
                timeout: configuration.timeout
            )
            let mayRetry = retrying && attempt < max(configuration.attempts, 1)
            let response: HTTPResponse
            do {
                response = try await transport.send(request)
            } catch {
                // A timeout is not retried: GitHub is slow, and a pass must not wait long (docs/behaviour.md §4).
                if mayRetry, case .connectionFailed = error {
                    await pause(before: attempt + 1)
                    continue
                }
                guard error.isRetryable else {
                    throw GitHubError(
                        .unavailable,
                        message: "GitHub cannot be reached (\(method) \(url.path)): \(error)"
                    )
                }
                throw gate.closeForOutage(
                    at: now(),
                    message: "GitHub cannot be reached (\(method) \(url.path)): \(error)",
                    cause: "GitHub could not be reached a moment ago (\(error))"
                )
            }
            ForecastBudget.current?.record(response, method: method, path: url.path, at: now())
            if let limited = gate.observe(response, at: now()) { throw limited }
            if response.status >= 500 {
                if mayRetry {
                    await pause(before: attempt + 1)
                    continue
                }
                throw gate.closeForOutage(
                    at: now(),
                    message: "GitHub answered HTTP \(response.status) to \(method) \(url.path) \(attempt) time(s); "
                        + "trying again later",
                    cause: "GitHub answered HTTP \(response.status) a moment ago"
                )
            }
            if response.status == 401 {
                // A token file replaced meanwhile, or an installation token revoked early: one more try.
                if !triedAnotherToken, await authenticator.refused(token, scope: scope) {
                    triedAnotherToken = true
                    attempt -= 1
                    continue
                }
                throw unauthorized(response, scope: scope)
            }
            return try answer(response, to: method, url: url, cache: cache, stored: stored)
        }
    }

    /// The error for a `401`, saying which setting to fix.
    private func unauthorized(_ response: HTTPResponse, scope: AuthScope) -> GitHubError {
        let detail = RateLimitGate.message(in: response.body)
        let said = detail.isEmpty ? "" : ": \(detail)"
        switch scope {
        case .app:
            return GitHubError(
                .unauthorized,
                message: "GitHub refused the GitHub App's JWT (HTTP 401\(said)); check --github-app-id and that the "
                    + "private key is one of the App's (and this machine's clock)"
            )
        case .api:
            return GitHubError(
                .unauthorized,
                message: "GitHub refused sandboxd's credentials (HTTP 401\(said)); "
                    + configuration.credentials.remedy
            )
        }
    }

    /// A response as the caller sees it: a `304` answered from the store, a `200` stored.
    private func answer(
        _ response: HTTPResponse,
        to method: String,
        url: URL,
        cache: CachePolicy?,
        stored: ETagEntry?
    ) throws(GitHubError) -> Response {
        let link = response.headers["Link"]
        if response.status == 304 {
            guard let stored else {
                throw GitHubError(
                    .rejected,
                    message: "GitHub answered 304 to \(method) \(url.path) without a validator"
                )
            }
            return Response(
                status: 200,
                headers: response.headers,
                body: stored.body,
                link: link ?? stored.link,
                notModified: true
            )
        }
        if cache != nil, response.status == 200, let etag = response.headers["ETag"], !etag.isEmpty {
            etags.save(ETagEntry(etag: etag, body: response.body, link: link), for: url.absoluteString)
        }
        return Response(
            status: response.status,
            headers: response.headers,
            body: response.body,
            link: link,
            notModified: false
        )
    }

    /// Waits before attempt number `attempt` (2 or more).
    private func pause(before attempt: Int) async {
        let delays = configuration.retryDelays
        guard !delays.isEmpty else { return }
        await sleep(delays[min(attempt - 2, delays.count - 1)])
    }

    /// Whether `url` has the base URL's scheme, host and port.
    func isSameOrigin(_ url: URL) -> Bool {
        let base = configuration.baseURL
        return url.scheme?.lowercased() == base.scheme?.lowercased()
            && url.host?.lowercased() == base.host?.lowercased() && url.port == base.port
    }

    /// `url` without trailing slashes, so request paths can be appended (`…/api/v3` + `/user`).
    static func trimmingTrailingSlash(_ url: URL) -> URL {
        var text = url.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return URL(string: text) ?? url
    }
}

// MARK: - Answers

extension GitHubClient {
    /// The error for an answer the caller did not expect: 404/410 `notFound`, 403 `unauthorized`
    /// (a locked conversation `rejected`), anything else `rejected`; with GitHub's message.
    static func failure(_ response: Response, doing: String) -> GitHubError {
        let message = RateLimitGate.message(in: response.body)
        let detail = message.isEmpty ? "" : ": \(message)"
        switch response.status {
        case 404, 410:
            return GitHubError(.notFound, message: "\(doing): GitHub answered HTTP \(response.status)\(detail)")
        case 403 where message.lowercased().contains("locked"):
            return GitHubError(.rejected, message: "\(doing): the conversation is locked (HTTP 403)\(detail)")
        case 403:
            return GitHubError(
                .unauthorized,
                message: "\(doing): sandboxd's token is not allowed to (HTTP 403)\(detail); check its permissions"
            )
        default:
            return GitHubError(.rejected, message: "\(doing): GitHub answered HTTP \(response.status)\(detail)")
        }
    }

    /// Decodes a JSON answer; one that cannot be read is `unavailable` (try again later).
    static func decode<T: Decodable>(_ type: T.Type, from response: Response, doing: String) throws(GitHubError) -> T {
        do {
            return try JSONDecoder().decode(type, from: response.body)
        } catch {
            throw GitHubError(.unavailable, message: "\(doing): GitHub's answer could not be read (\(error))")
        }
    }
}
