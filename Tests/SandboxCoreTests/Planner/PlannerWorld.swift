import Foundation
import SandboxCore
import SandboxRuntime
import SandboxTesting
import SandboxLocking
import Testing

/// A pass of sandboxd against an in-memory catalog and GitHub: the real executor (``Reconciler``)
/// over an in-memory journal store, with a manual clock. Tests change the world (files, time, the
/// fakes' behaviour) between passes and read the journal, the catalog and the comments after them.
struct PlannerWorld {
    var desired: DesiredState
    /// The journal as the last pass left it (a test may replace it, as after a lost journal).
    var journal: JournalState
    /// The in-memory GitHub the executor calls.
    let ports = WorldPorts()
    /// The in-memory Service Catalog the executor calls (SandboxTesting's, with its interceptors).
    let catalog: InMemoryCatalog
    /// The world's clock: the executor's and the catalog's.
    let clock = ManualClock(t0)
    var now = t0
    var poolName = "default"
    /// `--allow-mass-release` for the next pass (used up by the pass that needs it).
    var allowMassRelease = false
    /// Every event recorded so far, in order.
    private(set) var recorded: [JournalEvent] = []
    /// The brake and notes of the last pass.
    private(set) var lastPlan = Plan()

    init(
        pool: PoolConfiguration = makePool(),
        files: [RequestSpec] = [],
        journal histories: [[JournalEvent]] = [],
        live: [LiveProduct] = []
    ) {
        self.desired = makeDesired(pool: pool, files: files)
        self.journal = makeJournal(histories)
        catalog = InMemoryCatalog(clock: clock, products: live)
    }

    /// GitHub's state (read and changed between passes).
    var github: FakeGitHub {
        get { ports.github }
        nonmutating set { ports.github = newValue }
    }

    // MARK: Changing the world

    /// Lets time pass.
    mutating func advance(_ duration: String) { now = now.addingTimeInterval(seconds(duration)) }

    /// Writes (or rewrites) a valid request file.
    mutating func write(_ spec: RequestSpec) { desired.requests[spec.id] = .valid(spec) }

    /// Removes a request file.
    mutating func remove(_ id: String) { desired.requests[RequestID(id)!] = nil }

    /// Replaces `pool.json`.
    mutating func setPool(_ pool: PoolConfiguration) { desired.pool = pool }

    // MARK: Passes

    /// One pass of the real executor.
    ///
    /// - Returns: the steps carried out, as ``PlannedAction/summary``.
    @discardableResult
    mutating func simulate() async -> [String] {
        clock.set(now)
        ports.requests = desired.requests.values.compactMap(\.spec).sorted { $0.id < $1.id }
        let store = InMemoryJournalStore(lineage: journal.lineage)
        let reconciler = Reconciler(
            store: store,
            state: journal,
            catalog: catalog,
            github: ports,
            clock: clock,
            poolName: poolName,
            compactionThreshold: .max
        )
        let report: PassReport
        do {
            report = try await reconciler.pass(desired: desired, allowMassRelease: allowMassRelease)
        } catch {
            Issue.record("the pass failed: \(error)")
            return []
        }
        if report.usedMassReleaseAllowance { allowMassRelease = false }
        journal = await reconciler.state
        let events = store.stored.records.compactMap { try? JSONDecoder().decode(JournalEvent.self, from: Data($0)) }
        recorded += events
        github.noteTold(events)
        lastPlan = Plan(brake: report.brake, notes: report.notes)
        return report.executed.map(\.summary)
    }

    /// Makes every termination call for `productId` fail, as a resource that will not delete does.
    func failTerminations(of productId: String) async {
        await catalog.intercept { interceptors in
            interceptors.terminate = { call, next throws(CatalogError) in
                guard call.provisionedProductId == productId else { return try await next(call) }
                throw CatalogError(.other, code: "DELETE_FAILED", message: "a resource would not delete")
            }
        }
    }

    // MARK: Reading the result

    func record(_ id: String) -> RequestRecord? { journal.requests[RequestID(id)!] }

    func state(_ id: String) -> RequestState? { record(id)?.state }
}

/// The in-memory GitHub as the executor's port; tests reach its state synchronously.
final class WorldPorts: GitHubPort {
    private let state = Locked((github: FakeGitHub(), desired: [RequestSpec]()))

    /// The request files of the pass (GitHub's pull requests are the ones that added them).
    var requests: [RequestSpec] {
        get { state.withLock { $0.desired } }
        set { state.withLock { $0.desired = newValue } }
    }

    var github: FakeGitHub {
        get { state.withLock { $0.github } }
        set { state.withLock { $0.github = newValue } }
    }

    var checksRequesters: Bool { true }

    func answer(_ question: VerificationQuestion) async throws(GitHubError) -> VerificationFact {
        let (github, desired) = state.withLock { ($0.github, $0.desired) }
        return github.answer(question, requests: desired)
    }

    func ownComments(pullRequest: Int, request: RequestID) async throws(GitHubError) -> [OwnComment] {
        github.ownComments(of: request)
    }

    func postComment(pullRequest: Int, body: String) async throws(GitHubError) -> CommentReference {
        state.withLock { $0.github.post(body: body) }
    }

    func editComment(_ comment: CommentReference, body: String) async throws(GitHubError) {
        try state.withLock { (world) throws(GitHubError) in try world.github.edit(comment) }
    }
}

/// GitHub in memory: verifies everyone unless told otherwise, and keeps the comments.
struct FakeGitHub {
    /// One comment as posted or last edited.
    struct Comment: Hashable {
        var request: String
        var event: NotificationEvent
        var occurrence: Int
        var position: Int?
        var edits: Int
    }

    /// Logins whose account is a day old (the pool asks for 30 days): they are rejected.
    var youngAccounts: Set<String> = []
    private(set) var comments: [Int64: Comment] = [:]

    /// GitHub's facts: each request's pull request was opened by its requester, is merged and adds
    /// its file; every account is a person's, years old (``userId(of:)``), unless it is young.
    func answer(_ question: VerificationQuestion, requests: [RequestSpec]) -> VerificationFact {
        switch question {
        case .pullRequest(let number):
            let author = requests.first { $0.pullRequest == number }.map {
                PullRequestFacts.Author(id: userId(of: $0.requester), login: $0.requester)
            }
            return .pullRequest(author.map { PullRequestFacts(author: $0, merged: true) }, repository: "octo/sandboxes")
        case .changedFiles(_, let path):
            return .changedFiles([ChangedFile(path: path, status: "added")], capped: false)
        case .account(let login):
            let created = youngAccounts.contains(login.lowercased()) ? at("-1d") : at("-3000d")
            return .account(AccountFacts(id: userId(of: login), login: login, createdAt: created))
        case .membership:
            return .membership(.active)
        }
    }

    /// Posts a comment; what it is about is read from its marker.
    mutating func post(body: String) -> CommentReference {
        let reference = CommentReference(id: Int64(comments.count + 1))
        let marker = NotificationMarker.markers(in: body).last
        comments[reference.id] = Comment(
            request: marker?.request.rawValue ?? "?",
            event: marker?.event ?? .queued,
            occurrence: marker?.occurrence ?? 1,
            position: nil,
            edits: 0
        )
        return reference
    }

    /// Edits a comment; a deleted one is not found.
    mutating func edit(_ comment: CommentReference) throws(GitHubError) {
        guard var existing = comments[comment.id] else { throw GitHubError(.notFound, message: "no comment") }
        existing.edits += 1
        comments[comment.id] = existing
    }

    /// The comment with `marker`, if one was posted.
    func ownComments(of request: RequestID) -> [OwnComment] {
        comments.sorted { $0.key < $1.key }.filter { $0.value.request == request.rawValue }.map { id, comment in
            OwnComment(event: comment.event, occurrence: comment.occurrence, comment: CommentReference(id: id))
        }
    }

    /// Takes the queue position each comment shows from the journal's record of telling it.
    mutating func noteTold(_ events: [JournalEvent]) {
        for event in events {
            guard case .notified(_, _, _, let comment, let position) = event, comments[comment.id] != nil else {
                continue
            }
            comments[comment.id]?.position = position
        }
    }

    /// The comments on `request`'s pull request, oldest first, as `event[#n][ at position]`.
    func thread(_ request: String) -> [String] {
        comments.sorted { $0.key < $1.key }.map(\.value).filter { $0.request == request }.map { comment in
            var text = comment.event.rawValue
            if comment.occurrence > 1 { text += " #\(comment.occurrence)" }
            if let position = comment.position { text += " at \(position)" }
            return text
        }
    }
}
