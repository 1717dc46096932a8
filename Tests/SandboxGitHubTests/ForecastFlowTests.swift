import Foundation
import SandboxCore
import SandboxGitHub
import SandboxRuntime
import SandboxTesting
import Testing

/// Issue 18, "Done when": over real HTTP to the fake GitHub, an unmerged pull request gets a correct
/// forecast, edited in place as the queue moves, the merge then does what was forecast; a bad file gets
/// the validation errors and a failing status; a steady repository of 50 open pull requests costs no
/// rate-limited call per round (docs/behaviour.md §6.9).
@Suite("forecasts on unmerged pull requests, through the real adapter")
struct ForecastFlowTests {
    /// A request file's text.
    static func file(_ requester: String, pr: Int, extra: String = "") -> String {
        "{\n  \"requester\": \"\(requester)\",\n  \"pullRequest\": \(pr)\(extra)\n}\n"
    }

    /// An open pull request by `authorID` adding `request`'s file with `text`.
    static func openPullRequest(_ scene: Scene, _ number: Int, by authorID: Int64, adding request: String, text: String)
    {
        scene.fake.addPullRequest(
            FakeGitHubServer.PullRequest(
                number: number,
                authorID: authorID,
                merged: false,
                files: [FakeGitHubServer.ChangedFile(Scene.path(request))],
                contents: [Scene.path(request): text]
            )
        )
    }

    static func runner(_ scene: Scene, percent: Int = 10) -> ForecastRunner {
        ForecastRunner(
            port: GitHubForecastAdapter(github: scene.adapter, budget: ForecastBudget(percent: percent)),
            clock: scene.clock
        )
    }

    /// sandboxd's forecast comments on a pull request.
    static func forecasts(_ scene: Scene, on number: Int) -> [FakeGitHubServer.Comment] {
        scene.ownComments(on: number).filter { $0.body.hasSuffix(ForecastComment.marker) }
    }

    static func head(_ number: Int) -> String { String(repeating: "0", count: 32) + String(format: "%08x", number) }

    @Test("the forecast is right, edited in place as the queue moves, and the merge does what it said")
    func forecastThenMerge() async throws {
        let scene = try Scene()
        scene.person("alice", id: 101)
        scene.person("dave", id: 104)
        scene.person("bob", id: 102)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        let catalog = InMemoryCatalog(clock: scene.clock)
        let reconciler = scene.reconciler(catalog: catalog)
        var merged = [spec("alice", pr: 100)]
        _ = try await reconciler.pass(desired: desired(merged, capacity: 1))
        let aliceEnd = try #require(await reconciler.state.requests[RequestID("req-alice")!]?.leaseEnd)
        Self.openPullRequest(scene, 200, by: 102, adding: "req-bob", text: Self.file("bob", pr: 200))
        let runner = Self.runner(scene)

        var report = await runner.round(journal: await reconciler.state, desired: desired(merged, capacity: 1))
        #expect(report.stoppedBy == nil && report.forecast == 1 && report.writes == 2)
        var comments = Self.forecasts(scene, on: 200)
        try #require(comments.count == 1)
        #expect(comments[0].body.contains("you would be **#1** in the queue"))
        #expect(comments[0].body.contains("\(ForecastComment.shortTime(aliceEnd)) (when `req-alice`'s lease ends)"))
        #expect(comments[0].body.contains("given back early cannot be known"))
        #expect(scene.fake.statuses(of: Self.head(200)).map(\.state) == ["success"])
        #expect(scene.fake.statuses(of: Self.head(200)).first?.context == "sandboxd/forecast")

        // The queue moves: dave's merged request queues ahead of bob's unmerged one.
        scene.pullRequest(101, by: 104, adding: "req-dave")
        merged.append(spec("dave", pr: 101))
        _ = try await reconciler.pass(desired: desired(merged, capacity: 1))
        #expect(await reconciler.state.queuePositions == [RequestID("req-dave")!: 1])
        report = await runner.round(journal: await reconciler.state, desired: desired(merged, capacity: 1))
        #expect(report.writes == 2)
        comments = Self.forecasts(scene, on: 200)
        try #require(comments.count == 1)  // edited in place, not posted again
        let daveEnd = aliceEnd.addingTimeInterval(7 * 86_400)
        #expect(comments[0].body.contains("you would be **#2** in the queue"))
        #expect(comments[0].body.contains("\(ForecastComment.shortTime(daveEnd)) (when `req-dave`'s lease ends)"))

        // Nothing changes: nothing is written, nothing costs.
        let costly = scene.fake.costlyCalls
        report = await runner.round(journal: await reconciler.state, desired: desired(merged, capacity: 1))
        #expect(report.writes == 0 && scene.fake.costlyCalls == costly)

        // The merge: bob is #2, as forecast; the forecast comment is left as it is.
        scene.fake.setMerged(200, true)
        let before = comments[0].body
        merged.append(spec("bob", pr: 200))
        _ = try await reconciler.pass(desired: desired(merged, capacity: 1))
        #expect(await reconciler.state.queuePositions[RequestID("req-bob")!] == 2)
        report = await runner.round(journal: await reconciler.state, desired: desired(merged, capacity: 1))
        #expect(report.pullRequests == 0 && report.writes == 0)
        #expect(Self.forecasts(scene, on: 200).map(\.body) == [before])
    }

    @Test("a free slot: merging gives a sandbox right away, and the merge does")
    func slotRightAway() async throws {
        let scene = try Scene()
        scene.person("bob", id: 102)
        let catalog = InMemoryCatalog(clock: scene.clock)
        let reconciler = scene.reconciler(catalog: catalog)
        Self.openPullRequest(scene, 200, by: 102, adding: "req-bob", text: Self.file("bob", pr: 200))
        _ = await Self.runner(scene).round(journal: await reconciler.state, desired: desired([], capacity: 1))
        let body = try #require(Self.forecasts(scene, on: 200).first?.body)
        #expect(body.contains("merging this gives you a sandbox right away"))
        scene.fake.setMerged(200, true)
        _ = try await reconciler.pass(desired: desired([spec("bob", pr: 200)], capacity: 1))
        let state = await reconciler.state.requests[RequestID("req-bob")!]?.state
        #expect(state == .active || state == .provisioning)
    }

    @Test("a bad file gets its validate errors with line and column, escaped, and a failing status")
    func invalidFile() async throws {
        let scene = try Scene()
        scene.person("erin", id: 105)
        let text = Self.file("erin", pr: 300, extra: ",\n  \"@everyone <!-- sandboxd:forecast -->\": 1")
        Self.openPullRequest(scene, 300, by: 105, adding: "req-erin", text: text)
        let report = await Self.runner(scene).round(journal: JournalState(lineage: "l"), desired: desired([]))
        #expect(report.writes == 2)
        let body = try #require(Self.forecasts(scene, on: 300).first?.body)
        #expect(body.contains("this file would be rejected: `sandboxd validate` says"))
        #expect(body.contains("line 4, column 3"))
        #expect(!body.contains("@everyone"))  // a mention broken by a zero-width space
        #expect(body.components(separatedBy: "<!-- sandboxd:").count == 2)  // only the marker sandboxd wrote
        let status = try #require(scene.fake.statuses(of: Self.head(300)).last)
        #expect(status.state == "failure" && status.description.hasPrefix("Invalid request file: line 4, column 3"))
    }

    @Test("an account too young is told the reason and the status fails")
    func youngAccount() async throws {
        let scene = try Scene()
        scene.person("frank", id: 106, created: scene.clock.now().addingTimeInterval(-12 * 86_400))
        Self.openPullRequest(scene, 400, by: 106, adding: "req-frank", text: Self.file("frank", pr: 400))
        _ = await Self.runner(scene).round(journal: JournalState(lineage: "l"), desired: desired([]))
        let body = try #require(Self.forecasts(scene, on: 400).first?.body)
        #expect(body.contains("this would be rejected: The GitHub account"))
        #expect(body.contains("less than 30d ago"))
        #expect(scene.fake.statuses(of: Self.head(400)).last?.state == "failure")
    }

    @Test("a file named as no request id, or not .json, is told so with the parser's own words")
    func badNames() async throws {
        let scene = try Scene()
        scene.person("hana", id: 108)
        scene.fake.addPullRequest(
            FakeGitHubServer.PullRequest(
                number: 510,
                authorID: 108,
                merged: false,
                files: [
                    FakeGitHubServer.ChangedFile("desired-state/requests/Hana_Box.json"),
                    FakeGitHubServer.ChangedFile("desired-state/requests/notes.txt"),
                    FakeGitHubServer.ChangedFile("README.md", status: "modified"),
                ]
            )
        )
        _ = await Self.runner(scene).round(journal: JournalState(lineage: "l"), desired: desired([]))
        let body = try #require(Self.forecasts(scene, on: 510).first?.body)
        #expect(body.contains("is not a valid request id"))
        #expect(body.contains("not a .json file"))
        #expect(!body.contains("README"))
        #expect(scene.fake.statuses(of: Self.head(510)).last?.state == "failure")
    }

    @Test("a file naming another pull request is told to name this one")
    func otherPullRequest() async throws {
        let scene = try Scene()
        scene.person("gina", id: 107)
        Self.openPullRequest(scene, 500, by: 107, adding: "req-gina", text: Self.file("gina", pr: 42))
        _ = await Self.runner(scene).round(journal: JournalState(lineage: "l"), desired: desired([]))
        let body = try #require(Self.forecasts(scene, on: 500).first?.body)
        #expect(body.contains("set pullRequest to 500"))
    }

    @Test("50 open pull requests and nothing changing: zero rate-limited calls per round, no writes")
    func steadyFiftyPullRequests() async throws {
        let scene = try Scene()
        for index in 0..<50 {
            let login = "user\(index)"
            scene.person(login, id: Int64(1_000 + index))
            Self.openPullRequest(
                scene,
                600 + index,
                by: Int64(1_000 + index),
                adding: "req-\(login)",
                text: Self.file(login, pr: 600 + index)
            )
        }
        let runner = Self.runner(scene, percent: 100)
        let journal = JournalState(lineage: "l")
        var report = await runner.round(journal: journal, desired: desired([], capacity: 2))
        #expect(report.stoppedBy == nil && report.forecast == 50 && report.writes == 100)
        #expect(scene.fake.statusCount == 50)
        let costly = scene.fake.costlyCalls
        let requests = scene.fake.requests.count
        for _ in 1...3 {
            scene.clock.advance(by: 60)
            report = await runner.round(journal: journal, desired: desired([], capacity: 2))
            #expect(report.stoppedBy == nil && report.writes == 0)
        }
        #expect(scene.fake.costlyCalls == costly)
        #expect(scene.fake.requests.count == requests + 3)  // one conditional list read a round, each a 304
    }

    @Test("a restarted daemon finds its comment and writes nothing when the forecast is the same")
    func restartWritesNothing() async throws {
        let scene = try Scene()
        scene.person("bob", id: 102)
        Self.openPullRequest(scene, 200, by: 102, adding: "req-bob", text: Self.file("bob", pr: 200))
        let journal = JournalState(lineage: "l")
        _ = await Self.runner(scene).round(journal: journal, desired: desired([]))
        let statuses = scene.fake.statusCount
        let report = await Self.runner(scene).round(journal: journal, desired: desired([]))
        #expect(report.writes == 0 && scene.fake.statusCount == statuses)
        #expect(Self.forecasts(scene, on: 200).count == 1)
    }

    /// The comment writes (posts and edits) the fake received.
    static func commentWrites(_ scene: Scene) -> Int {
        scene.fake.requests.filter { ($0.method == "POST" || $0.method == "PATCH") && $0.path.contains("/comments") }
            .count
    }

    @Test("issue 18: a push that keeps the outcome costs one status write (on the new head) and no comment write")
    func pushKeepingTheOutcome() async throws {
        let scene = try Scene()
        scene.person("bob", id: 102)
        let text = Self.file("bob", pr: 200)
        Self.openPullRequest(scene, 200, by: 102, adding: "req-bob", text: text)
        let journal = JournalState(lineage: "l")
        let runner = Self.runner(scene)
        _ = await runner.round(journal: journal, desired: desired([]))
        let body = try #require(Self.forecasts(scene, on: 200).first?.body)
        #expect(scene.fake.statusCount == 1 && Self.commentWrites(scene) == 1)

        let pushed = String(repeating: "1", count: 40)
        scene.fake.push(200, headSHA: pushed, contents: [Scene.path("req-bob"): text])
        let report = await runner.round(journal: journal, desired: desired([]))
        #expect(report.stoppedBy == nil && report.writes == 1)
        #expect(scene.fake.statusCount == 2)
        #expect(scene.fake.statuses(of: pushed).map(\.state) == ["success"])
        #expect(Self.commentWrites(scene) == 1)
        #expect(Self.forecasts(scene, on: 200).map(\.body) == [body])
        // The new head's status was set without reading it first: it cannot have one of this process's.
        #expect(!scene.fake.requests.contains { $0.path.contains("/commits/\(pushed)/statuses") })
    }

    @Test(
        "issue 18: a restart after a push sets the new head's status and nothing else; a second restart writes nothing"
    )
    func restartAfterPush() async throws {
        let scene = try Scene()
        scene.person("bob", id: 102)
        let text = Self.file("bob", pr: 200)
        Self.openPullRequest(scene, 200, by: 102, adding: "req-bob", text: text)
        let journal = JournalState(lineage: "l")
        _ = await Self.runner(scene).round(journal: journal, desired: desired([]))
        let pushed = String(repeating: "2", count: 40)
        scene.fake.push(200, headSHA: pushed, contents: [Scene.path("req-bob"): text])

        var report = await Self.runner(scene).round(journal: journal, desired: desired([]))
        #expect(report.writes == 1 && scene.fake.statusCount == 2 && Self.commentWrites(scene) == 1)
        #expect(scene.fake.statuses(of: pushed).map(\.state) == ["success"])
        report = await Self.runner(scene).round(journal: journal, desired: desired([]))
        #expect(report.writes == 0 && scene.fake.statusCount == 2 && Self.commentWrites(scene) == 1)
    }

    @Test("the forecasts' share of the rate limit stops a round, and the passes are not counted")
    func budgetStopsRound() async throws {
        let scene = try Scene()
        for index in 0..<20 {
            scene.person("user\(index)", id: Int64(1_000 + index))
            Self.openPullRequest(
                scene,
                600 + index,
                by: Int64(1_000 + index),
                adding: "req-user\(index)",
                text: Self.file("user\(index)", pr: 600 + index)
            )
        }
        // 1 % of 5,000 calls an hour: 50.
        let budget = ForecastBudget(percent: 1)
        let runner = ForecastRunner(
            port: GitHubForecastAdapter(github: scene.adapter, budget: budget),
            clock: scene.clock
        )
        let before = scene.fake.costlyCalls
        let report = await runner.round(journal: JournalState(lineage: "l"), desired: desired([]))
        #expect(report.stoppedBy?.isRateLimit == true)
        #expect(report.stoppedBy?.message.contains("forecasts' share of GitHub's rate limit") == true)
        #expect(scene.fake.costlyCalls - before <= 50)
        #expect(budget.used <= 50)
        // Issue 18: every call is counted by kind (the metrics file's), and a spent share refuses rather than sends.
        let counts = budget.counts
        #expect(counts.reads + counts.commentWrites + counts.statusWrites == budget.used)
        #expect(counts.refused >= 1 && counts.commentWrites >= 1 && counts.statusWrites >= 1)
        let spent = scene.fake.costlyCalls
        let again = await runner.round(journal: JournalState(lineage: "l"), desired: desired([]))
        #expect(again.stoppedBy?.isRateLimit == true && scene.fake.costlyCalls == spent)
        #expect(budget.counts.refused == counts.refused + 1)
        // A verification outside the forecasts (a pass's) is not refused by their budget, nor counted.
        let used = budget.used
        scene.pullRequest(700, by: 1_000, adding: "req-x")
        let outcome = await scene.adapter.verify(scene.verification(spec("user0", pr: 700, id: "req-x")))
        #expect(outcome == .verified(userId: 1_000, login: "user0"))
        #expect(budget.used == used)

        // The window ends (GitHub's reset, by the injected clock): the forecasts go on where they stopped.
        scene.clock.advance(by: 3_601)
        let resumed = await runner.round(journal: JournalState(lineage: "l"), desired: desired([]))
        #expect(budget.used > 0 && budget.used <= 50)
        #expect(resumed.writes > 0)
    }
}
