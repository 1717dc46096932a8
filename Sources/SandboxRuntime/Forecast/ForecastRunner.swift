public import Foundation
public import SandboxCore

/// Forecasts on every open pull request that adds or changes a request file (docs/behaviour.md §6.9):
/// reads the pull request's version of the file, decides with ``Forecast`` what merging it would do, and
/// keeps one comment per pull request (edited in place) and its `sandboxd/forecast` commit status.
///
/// It never records anything in the journal and never reserves anything: it reads the journal and the
/// desired state a pass left. Its cost is bounded by what it remembers per pull request — the head commit,
/// its files, the file's content, the facts verification found and what was last written — so a round in
/// which nothing changed makes one conditional read (the list of open pull requests, a `304`) and no write.
/// The port bounds the share of GitHub's rate limit it may use.
public actor ForecastRunner {
    /// What one round did, for the log.
    public struct Report: Sendable, Hashable {
        /// Open pull requests seen.
        public var pullRequests = 0
        /// Of those, the ones that add or change a request file.
        public var forecast = 0
        /// Comments posted or edited, and statuses set.
        public var writes = 0
        /// Why the round stopped early (GitHub's failure, or the forecasts' share of the rate limit spent).
        public var stoppedBy: GitHubError?
        /// Why nothing was forecast (`pool.json` invalid).
        public var skipped: String?
    }

    /// What is remembered of one open pull request.
    struct Remembered {
        var head: String
        var files: (all: [ChangedFile], capped: Bool)?
        var contents: [String: FileContent?] = [:]
        var facts = VerificationFacts()
        var factsAt: Date?
        /// The forecast comment, once looked for in this process (`nil` inside: there is none yet).
        var comment: PostedForecast??
        /// The status set on ``head``, once known.
        var status: ForecastStatus?
        /// Whether ``head`` was pushed while this process watched the pull request: it has no status of
        /// sandboxd's yet, so none is read before one is set.
        var headIsNew = false
    }

    /// How long facts verification gathered are used before they are read again (conditionally).
    public static let factLifetime: TimeInterval = 3_600

    let port: any ForecastPort
    let clock: any SandboxClock
    let logger: Logger
    var remembered: [Int: Remembered] = [:]
    var stopRequested = false

    public init(port: any ForecastPort, clock: any SandboxClock, logger: Logger = .silent) {
        self.port = port
        self.clock = clock
        self.logger = logger
    }

    /// Ends the round in progress after the pull request in hand.
    public func requestStop() { stopRequested = true }

    /// One round over every open pull request, with the journal and desired state of the last pass.
    public func round(journal: JournalState, desired: DesiredState) async -> Report {
        var report = Report()
        guard desired.pool != nil else {
            report.skipped = "pool.json is not valid: nothing can be forecast"
            return report
        }
        do {
            let pulls = try await port.openPullRequests()
            report.pullRequests = pulls.count
            let open = Set(pulls.map(\.number))
            // A merged or closed pull request's comment is left as it is (docs/behaviour.md §6.9).
            remembered = remembered.filter { open.contains($0.key) }
            for pull in pulls.sorted(by: { $0.number < $1.number }) where !stopRequested {
                try await forecast(pull, journal: journal, desired: desired, report: &report)
            }
        } catch {
            report.stoppedBy = error
        }
        return report
    }

    /// The forecast of one pull request, written when it changed.
    func forecast(
        _ pull: OpenPullRequest,
        journal: JournalState,
        desired: DesiredState,
        report: inout Report
    ) async throws(GitHubError) {
        var memory = remembered[pull.number] ?? Remembered(head: pull.headCommit)
        if memory.head != pull.headCommit {
            // A new commit: its files and facts are read again; the comment stays the one to edit.
            memory = Remembered(head: pull.headCommit, comment: memory.comment, headIsNew: true)
        }
        defer { remembered[pull.number] = memory }
        let files = try await changedFiles(of: pull, memory: &memory)
        let requestFiles = Forecast.requestFiles(among: files.all, desired: desired)
        guard !requestFiles.isEmpty else { return }
        report.forecast += 1
        var forecasts: [RequestForecast] = []
        for file in requestFiles {
            forecasts.append(
                try await forecast(file, of: pull, files: files, journal: journal, desired: desired, memory: &memory)
            )
        }
        report.writes += try await write(
            ForecastComment.body(forecasts),
            status: ForecastComment.status(forecasts),
            on: pull,
            memory: &memory
        )
    }

    /// The pull request's changed files, read once per head commit.
    func changedFiles(
        of pull: OpenPullRequest,
        memory: inout Remembered
    ) async throws(GitHubError) -> (all: [ChangedFile], capped: Bool) {
        if let files = memory.files { return files }
        let read = try await port.changedFiles(of: pull.number)
        memory.files = (read.files, read.capped)
        return (read.files, read.capped)
    }

    /// What merging one request file of the pull request would do.
    func forecast(
        _ file: ChangedFile,
        of pull: OpenPullRequest,
        files: (all: [ChangedFile], capped: Bool),
        journal: JournalState,
        desired: DesiredState,
        memory: inout Remembered
    ) async throws(GitHubError) -> RequestForecast {
        let name = String(file.path.split(separator: "/").last ?? "")
        guard name.hasSuffix(".json"), let id = RequestID(String(name.dropLast(".json".count))) else {
            let problem: Diagnostic =
                name.hasSuffix(".json")
                ? DesiredStateParser.invalidIDDiagnostic(String(name.dropLast(".json".count)), path: file.path)
                : DesiredStateParser.notRequestFileDiagnostic(path: file.path)
            return RequestForecast(path: file.path, outcome: .invalid([problem]))
        }
        let content = try await content(of: file.path, at: pull.headCommit, memory: &memory)
        let (entry, _) = DesiredStateParser.requestEntry(content, id: id, path: file.path, pool: desired.pool)
        var verification: VerificationOutcome?
        if let spec = entry.spec {
            verification = try await verify(
                spec,
                path: file.path,
                pull: pull,
                files: files,
                desired: desired,
                memory: &memory
            )
        }
        let input = ForecastInput(
            id: id,
            entry: entry,
            verification: verification,
            desired: desired,
            journal: journal,
            now: clock.now()
        )
        let outcome = Forecast.decide(input) ?? .undecided(reason: "pool.json is not valid")
        return RequestForecast(path: file.path, outcome: outcome)
    }

    /// The file as the head commit holds it, read once per commit (a commit never changes).
    func content(of path: String, at commit: String, memory: inout Remembered) async throws(GitHubError) -> FileContent
    {
        let known: FileContent?
        if let remembered = memory.contents[path] {
            known = remembered
        } else {
            known = try await port.content(of: path, at: commit)
            memory.contents[path] = .some(known)
        }
        return known ?? .unreadable(reason: "the pull request's head commit has no such file")
    }

    /// What verification decides once merged: the facts a merge brings, the ones gathered before (for
    /// at most ``factLifetime``), and the rest asked through the port. A GitHub failure is an outcome
    /// (`pending`), as in a pass, except a spent budget, which ends the round.
    func verify(
        _ spec: RequestSpec,
        path: String,
        pull: OpenPullRequest,
        files: (all: [ChangedFile], capped: Bool),
        desired: DesiredState,
        memory: inout Remembered
    ) async throws(GitHubError) -> VerificationOutcome {
        if let mismatch = Forecast.pullRequestMismatch(spec, addedBy: pull) { return mismatch }
        guard let pool = desired.pool else { return .pending(reason: "pool.json is not valid", retryAt: nil) }
        let now = clock.now()
        if let at = memory.factsAt, now.timeIntervalSince(at) > Self.factLifetime {
            memory.facts = VerificationFacts()
            memory.factsAt = nil
        }
        var known = Forecast.factsAsMerged(pull, files: files.all, capped: files.capped, repository: port.repository)
        known.answers.merge(memory.facts.answers) { seeded, _ in seeded }
        let request = VerificationRequest(
            spec: spec,
            repositoryPath: path,
            policy: pool.verification,
            firstSeen: now,
            now: now
        )
        let port = port
        let result = await Verifier.decide(request, given: known) { question throws(GitHubError) in
            try await port.answer(question)
        }
        if memory.factsAt == nil { memory.factsAt = now }
        memory.facts = result.facts
        // GitHub not answering is no forecast: the round ends, and the next one asks again.
        if let cause = result.cause, [.unavailable, .unauthorized, .misconfigured].contains(cause.kind) { throw cause }
        return result.outcome
    }

    /// Writes the status, then the comment, when what they say changed; how many writes it made
    /// (docs/behaviour.md §6.9).
    ///
    /// The comment names no commit, so a push that keeps the outcome leaves it alone; a commit status is
    /// per commit, so the new head gets one (a required check must stay green on it). The comment is
    /// looked for once per process, and the head's status read once (both conditionally) unless the head
    /// was pushed while this process watched: a restart rewrites nothing that already says the same.
    func write(
        _ body: String,
        status: ForecastStatus,
        on pull: OpenPullRequest,
        memory: inout Remembered
    ) async throws(GitHubError) -> Int {
        if memory.comment == nil { memory.comment = .some(try await port.forecastComment(on: pull.number)) }
        let posted = memory.comment ?? nil
        if memory.status == nil, !memory.headIsNew {
            memory.status = try await port.forecastStatus(commit: pull.headCommit)
        }
        var writes = 0
        if memory.status != status {
            try await port.setStatus(status, commit: pull.headCommit)
            memory.status = status
            writes += 1
        }
        guard posted?.body != body else { return writes }
        if let posted {
            try await port.editComment(posted.comment, body: body)
            memory.comment = .some(PostedForecast(comment: posted.comment, body: body))
        } else {
            let comment = try await port.postComment(on: pull.number, body: body)
            memory.comment = .some(PostedForecast(comment: comment, body: body))
        }
        logger.info("forecast written", ["pull.request": String(pull.number), "status": status.state.rawValue])
        return writes + 1
    }
}
