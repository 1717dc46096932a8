import Foundation
import SandboxCore
import Testing

/// docs/behaviour.md §2.5 and §6.1: a merged request file that does not validate is told once on its pull
/// request, edited in place as its problems change, and never served; a valid version is served as usual.
@Suite("Planner: invalid request files")
struct PlannerInvalidTests {
    static let poolJSON = """
        {"capacity": 2, "maxLease": "14d", "product": {"productId": "prod-a", "provisioningArtifactId": "pa-a"}}
        """

    /// The desired state of `pool.json` and these request files (name without `.json` → text), parsed for real.
    static func parsed(_ files: [String: String]) -> DesiredState {
        DesiredStateParser.parse(
            DesiredStateSnapshot(
                poolFile: .bytes(Array(poolJSON.utf8)),
                requestFiles: files.map { FileEntry(name: "\($0.key).json", content: .bytes(Array($0.value.utf8))) }
            )
        )
    }

    static let typo = #"{"requester": "alice", "pullRequest": 10, "leese": "3d"}"#
    static let otherTypo = #"{"requester": "alice", "pullRequest": 10, "purpos": "x"}"#
    static let fixed = #"{"requester": "alice", "pullRequest": 10, "lease": "3d"}"#

    static func plan(_ desired: DesiredState, _ journal: JournalState = makeJournal([])) -> Plan {
        Planner.plan(PlannerInput(desired: desired, journal: journal, live: [], now: t0))
    }

    /// The `invalid` comment a plan owes `a`, if any.
    static func invalidPlan(_ plan: Plan) -> NotificationPlan? {
        plan.actions.compactMap { action -> NotificationPlan? in
            guard case .notify(let id, let notification) = action.kind, id == RequestID("a")!,
                notification.event == .invalid
            else { return nil }
            return notification
        }.first
    }

    /// The journal after the `invalid` comment for `text` was posted (`occurrence`, on #10, comment id 7).
    static func told(_ text: String, occurrence: Int = 1, events: [JournalEvent] = []) -> JournalState {
        let problems = parsed(["a": text]).requests[RequestID("a")!]!.problems!
        return makeJournal([
            events,
            [
                .notifyStarted(id: RequestID("a")!, event: .invalid, occurrence: occurrence),
                .invalidNotified(
                    id: RequestID("a")!,
                    occurrence: occurrence,
                    pullRequest: 10,
                    problems: InvalidNotice.problemsFingerprint(problems),
                    comment: CommentReference(id: 7)
                ),
            ],
        ])
    }

    @Test("the requester and pull request are recovered from a file whose JSON parses, not from anything else")
    func recovery() {
        let desired = Self.parsed([
            "a": Self.typo,
            "b": "{\"requester\": \"bob\", \"pullRequest\": 11",  // not JSON
            "c": #"{"requester": "-bad-", "pullRequest": 12, "x": 1}"#,  // not a login
            "d": #"{"requester": "dave", "pullRequest": "13", "x": 1}"#,  // not a number
            "e": #"{"requester": "erin", "pullRequest": 14, "lease": "99d"}"#,  // over maxLease
        ])
        #expect(desired.requests[RequestID("a")!]?.recovered == RecoveredRequest(requester: "alice", pullRequest: 10))
        #expect(desired.requests[RequestID("b")!]?.recovered == nil)
        #expect(desired.requests[RequestID("c")!]?.recovered == nil)
        #expect(desired.requests[RequestID("d")!]?.recovered == nil)
        #expect(desired.requests[RequestID("e")!]?.recovered == RecoveredRequest(requester: "erin", pullRequest: 14))
        #expect(desired.requests[RequestID("b")!]?.problems?.isEmpty == false)
    }

    @Test("a file invalid from the start is told once on the pull request it names, and not observed")
    func invalidFromTheStart() throws {
        let plan = Self.plan(Self.parsed(["a": Self.typo]))
        let notification = try #require(Self.invalidPlan(plan))
        #expect(notification.occurrence == 1)
        #expect(notification.pullRequest == 10)
        #expect(notification.edit == nil)
        // Never told by this journal: looked for first, so a lost journal does not tell it twice (§3.15).
        #expect(notification.lookFirst)
        #expect(!plan.actions.contains { if case .observe = $0.kind { true } else { false } })
        #expect(plan.actions.map(\.name) == ["notify-invalid"])
    }

    @Test("a file that is not JSON at all has nobody to tell: no comment, nothing else")
    func notJSON() {
        #expect(Self.plan(Self.parsed(["a": "{\"requester\": \"alice\","])).actions.isEmpty)
    }

    @Test("told once: nothing more while the problems stay the same")
    func toldOnce() {
        #expect(Self.plan(Self.parsed(["a": Self.typo]), Self.told(Self.typo)).actions.isEmpty)
    }

    @Test("other problems edit the same comment in place")
    func problemsChanged() throws {
        let plan = Self.plan(Self.parsed(["a": Self.otherTypo]), Self.told(Self.typo))
        let notification = try #require(Self.invalidPlan(plan))
        #expect(notification.occurrence == 1)
        #expect(notification.edit == CommentReference(id: 7))
        let problems = try #require(Self.parsed(["a": Self.otherTypo]).requests[RequestID("a")!]?.problems)
        #expect(notification.problems == InvalidNotice.problemsFingerprint(problems))
    }

    @Test("a posting never confirmed is looked for by its marker first")
    func unconfirmed() throws {
        let journal = makeJournal([[.notifyStarted(id: RequestID("a")!, event: .invalid, occurrence: 1)]])
        let notification = try #require(Self.invalidPlan(Self.plan(Self.parsed(["a": Self.typo]), journal)))
        #expect(notification.lookFirst)
        #expect(journal.requests.isEmpty)
    }

    @Test("a valid version closes the comment and is served as a new request")
    func fixedLater() {
        let plan = Self.plan(Self.parsed(["a": Self.fixed]), Self.told(Self.typo))
        #expect(plan.actions.map(\.name) == ["observe", "clear-invalid"])
        var journal = Self.told(Self.typo)
        journal.apply(.invalidCleared(id: RequestID("a")!))
        #expect(journal.invalidNotices[RequestID("a")!]?.open == false)
        #expect(Self.plan(Self.parsed(["a": Self.fixed]), journal).actions.map(\.name) == ["observe"])
    }

    @Test("a removed file closes its comment")
    func removed() {
        #expect(Self.plan(Self.parsed([:]), Self.told(Self.typo)).actions.map(\.name) == ["clear-invalid"])
    }

    @Test("after a valid version, the next invalid one gets a new comment with a counter")
    func invalidAgain() throws {
        var journal = Self.told(Self.typo)
        journal.apply(.invalidCleared(id: RequestID("a")!))
        let notification = try #require(Self.invalidPlan(Self.plan(Self.parsed(["a": Self.typo]), journal)))
        #expect(notification.occurrence == 2)
        #expect(notification.edit == nil)
    }

    @Test("a file naming another pull request is told there, in a new comment")
    func otherPullRequest() throws {
        let moved = #"{"requester": "alice", "pullRequest": 99, "leese": "3d"}"#
        let notification = try #require(Self.invalidPlan(Self.plan(Self.parsed(["a": moved]), Self.told(Self.typo))))
        #expect(notification.pullRequest == 99)
        #expect(notification.occurrence == 2)
        #expect(notification.edit == nil)
    }

    @Test("a live request's bad edit is told, keeps its last valid version and provisions nothing new")
    func badEditOfLiveRequest() throws {
        let spec = request("a", by: "alice", pullRequest: 10)
        let journal = makeJournal([active(spec)])
        let plan = Planner.plan(
            PlannerInput(desired: Self.parsed(["a": Self.typo]), journal: journal, live: [product(spec)], now: t0)
        )
        #expect(plan.actions.map(\.name) == ["notify-invalid"])
        #expect(plan.notes.contains { $0.contains("last valid version stays in force") })
    }

    @Test("a finished request's invalid file is not told: it changes nothing any more")
    func finished() {
        let spec = request("a", by: "alice", pullRequest: 10)
        #expect(Self.plan(Self.parsed(["a": Self.typo]), makeJournal([ended(spec)])).actions.isEmpty)
    }

    @Test("a pull request that took no comment (id 0) is not written to again for other problems")
    func undeliverable() {
        let problems = Self.parsed(["a": Self.typo]).requests[RequestID("a")!]!.problems!
        let journal = makeJournal([
            [
                .invalidNotified(
                    id: RequestID("a")!,
                    occurrence: 1,
                    pullRequest: 10,
                    problems: InvalidNotice.problemsFingerprint(problems),
                    comment: CommentReference(id: 0)
                )
            ]
        ])
        #expect(Self.plan(Self.parsed(["a": Self.otherTypo]), journal).actions.isEmpty)
    }

    @Test("the comment's outcome records the pull request and the problems it shows")
    func resolution() throws {
        let action = PlannedAction(
            .notify(
                RequestID("a")!,
                NotificationPlan(event: .invalid, occurrence: 1, pullRequest: 10, problems: "f1")
            ),
            reason: "tell"
        )
        let resolution = ExecutionRules.resolve(
            action,
            outcome: .commented(CommentReference(id: 9)),
            journal: makeJournal([]),
            pool: makePool(),
            now: t0
        )
        #expect(
            resolution.events == [
                .invalidNotified(
                    id: RequestID("a")!,
                    occurrence: 1,
                    pullRequest: 10,
                    problems: "f1",
                    comment: CommentReference(id: 9)
                )
            ]
        )
        #expect(
            ExecutionRules.intent(of: action, now: t0)
                == .notifyStarted(id: RequestID("a")!, event: .invalid, occurrence: 1)
        )
    }

    @Test("a found invalid comment is brought up to date: its problems may be older")
    func foundIsEdited() {
        let plan = NotificationPlan(event: .invalid, occurrence: 1, lookFirst: true, pullRequest: 10, problems: "f")
        #expect(CommentFlow.first(plan) == .find)
        let next = CommentFlow.next(after: .find, outcome: .commented(CommentReference(id: 4)), plan: plan)
        #expect(next == .then(.editFound(CommentReference(id: 4))))
    }

    @Test("a snapshot written before invalid comments existed reads with none")
    func olderSnapshot() throws {
        var state = Self.told(Self.typo)
        state.apply(.requestSeen(spec: alice, at: t0))
        let data = try JSONEncoder().encode(state)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["invalidNotices"] != nil)
        object["invalidNotices"] = nil
        let older = try JSONDecoder().decode(JournalState.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(older.invalidNotices.isEmpty)
        #expect(older.requests == state.requests)
        #expect(try JSONDecoder().decode(JournalState.self, from: data) == state)
    }
}
