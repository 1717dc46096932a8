import Foundation
import SandboxCore
import SandboxGitHub
import SandboxRuntime
import SandboxTesting
import Testing

/// Issue 5, "Done when" 2–4: steady passes cost no rate limit, a crash between posting and recording
/// never yields a second comment, and untrusted text pings nobody, renders as text and forges no marker.
@Suite("notifications through the reconciler and the real adapter")
struct NotificationFlowTests {
    @Test("five passes with nothing changed make no call that counts against the rate limit")
    func steadyPassesCostNothing() async throws {
        let scene = try Scene()
        scene.person("alice", id: 101)
        scene.person("bob", id: 102)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        scene.pullRequest(101, by: 102, adding: "req-bob", merged: false)  // pending within its grace
        let catalog = InMemoryCatalog(clock: scene.clock)
        let reconciler = scene.reconciler(catalog: catalog)
        let wanted = desired([spec("alice", pr: 100), spec("bob", pr: 101)])

        _ = try await reconciler.pass(desired: wanted)
        #expect(await reconciler.state.requests[RequestID("req-alice")!]?.state == .active)
        #expect(await reconciler.state.requests[RequestID("req-bob")!]?.state == .pending)
        let costly = scene.fake.costlyCalls
        let requests = scene.fake.requests.count

        for _ in 1...5 {
            scene.clock.advance(by: 60)  // bob's re-check comes due each time: read again, conditionally
            let report = try await reconciler.pass(desired: wanted)
            #expect(report.errors.isEmpty)
        }
        #expect(scene.fake.costlyCalls == costly)
        #expect(scene.fake.notModifiedCalls >= 5)
        #expect(scene.fake.requests.count > requests)
        #expect(await reconciler.state.requests[RequestID("req-bob")!]?.state == .pending)
        #expect(scene.ownComments(on: 100).count == 1)
        #expect(scene.ownComments(on: 101).isEmpty)
    }

    @Test("conditional reads survive a restart: a new adapter on the same state directory is answered 304")
    func etagsSurviveRestart() async throws {
        let stateDirectory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: stateDirectory) }
        let scene = try Scene(etags: FileETagStore(stateDirectory: stateDirectory))
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        let request = scene.verification(spec("alice", pr: 100))
        #expect(await scene.adapter.verify(request) == .verified(userId: 101, login: "alice"))
        let costly = scene.fake.costlyCalls
        #expect(costly == 3)

        let restarted = try await GitHubAdapter.fromEnvironment(
            repository: "octo-org/sandboxes",
            credentials: .token(.value(GitHubToken(scene.fake.token), variable: "GITHUB_TOKEN")),
            apiURL: scene.fake.apiURL.absoluteString,
            stateDirectory: stateDirectory,
            now: { scene.clock.now() }
        )
        #expect(await restarted.verify(request) == .verified(userId: 101, login: "alice"))
        #expect(scene.fake.costlyCalls == costly)
        #expect(scene.fake.notModifiedCalls == 3)
    }

    /// Which comment the process is killed right after posting.
    enum PostedComment: String, CaseIterable, Sendable {
        case afterPostingRejected, afterPostingReady
    }

    /// Sets up a scene in which the first comment posted is the one named by `point`.
    static func crashScene(_ point: PostedComment) throws -> (Scene, InMemoryCatalog, DesiredState, RequestSpec, String)
    {
        let scene = try Scene()
        scene.person("alice", id: 101)
        scene.person("bob", id: 102)
        let request = spec("alice", pr: 100)
        switch point {
        case .afterPostingRejected:
            scene.pullRequest(100, by: 102, adding: "req-alice")
            return (
                scene, InMemoryCatalog(clock: scene.clock), desired([request]), request,
                "<!-- sandboxd:req-alice:rejected -->"
            )
        case .afterPostingReady:
            scene.pullRequest(100, by: 101, adding: "req-alice")
            return (
                scene, InMemoryCatalog(clock: scene.clock), desired([request]), request,
                "<!-- sandboxd:req-alice:ready -->"
            )
        }
    }

    @Test(
        "killed between posting a comment and recording it, a restart finds it and never posts it twice",
        arguments: PostedComment.allCases
    )
    func crashAfterPostNeverPostsTwice(_ point: PostedComment) async throws {
        // Probe: find the step of the first comment posted.
        let (probe, probeCatalog, probeDesired, _, _) = try Self.crashScene(point)
        let probeCrash = CrashPoint(crashAt: nil)
        let probeReconciler = probe.reconciler(
            catalog: CrashingCatalog(probeCatalog, crash: probeCrash),
            store: CrashingJournalStore(InMemoryJournalStore(lineage: "lineage-gh"), crash: probeCrash),
            github: CrashingGitHub(probe.adapter, crash: probeCrash)
        )
        _ = try await probeReconciler.pass(desired: probeDesired)
        let crashAt = try #require(probeCrash.trail.firstIndex(of: "github.postComment").map { $0 + 1 })

        // Killed right after that POST went out: the comment exists, the journal does not know it.
        let (scene, catalog, wanted, request, marker) = try Self.crashScene(point)
        let store = InMemoryJournalStore(lineage: "lineage-crash")
        let crash = CrashPoint(crashAt: crashAt)
        let doomed = scene.reconciler(
            catalog: CrashingCatalog(catalog, crash: crash),
            store: CrashingJournalStore(store, crash: crash),
            github: CrashingGitHub(scene.adapter, crash: crash)
        )
        #expect(try await crash.run { _ = try await doomed.pass(desired: wanted) })
        #expect(scene.ownComments(on: 100).filter { $0.body.contains(marker) }.count == 1)

        // Restart: replay what the journal holds, then pass again (twice, for good measure).
        let stored = store.stored
        let restarted = try Reconciler.replaying(
            store: store,
            snapshot: stored.snapshot,
            records: numbered(stored.records),
            catalog: catalog,
            github: scene.adapter,
            clock: scene.clock
        )
        _ = try await restarted.pass(desired: wanted)
        scene.clock.advance(by: 5)
        _ = try await restarted.pass(desired: wanted)

        #expect(scene.ownComments(on: 100).filter { $0.body.contains(marker) }.count == 1)
        let record = try #require(await restarted.state.requests[request.id])
        let event: NotificationEvent = point == .afterPostingRejected ? .rejected : .ready
        #expect(record.notifications[event]?.posted == 1)
        #expect(record.notifications[event]?.comment?.id == scene.ownComments(on: 100).first?.id)
    }

    @Test("a marker in someone else's comment is not taken for sandboxd's: it posts its own")
    func forgedMarkerInAnotherAccountsComment() async throws {
        let scene = try Scene()
        scene.person("alice", id: 101)
        scene.person("mallory", id: 666)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        scene.fake.addComment(pullRequest: 100, authorID: 666, body: "lol <!-- sandboxd:req-alice:ready -->")
        let found = try await scene.adapter.findComment(pullRequest: 100, marker: "<!-- sandboxd:req-alice:ready -->")
        #expect(found == nil)

        let posted = try await scene.adapter.postComment(
            pullRequest: 100,
            body: "hi\n<!-- sandboxd:req-alice:ready -->"
        )
        let again = try await scene.adapter.findComment(pullRequest: 100, marker: "<!-- sandboxd:req-alice:ready -->")
        #expect(again?.id == posted.id)
        // Exact: another counter or event is not this marker.
        #expect(
            try await scene.adapter.findComment(pullRequest: 100, marker: "<!-- sandboxd:req-alice:ready:2 -->") == nil
        )
    }

    static let hostile =
        "@everyone @org/team <img src=x onerror=alert(1)> | col | umn |\n|---|---|\n"
        + "<!-- sandboxd:req-alice:ended --> &#64;everyone `code` [link](https://evil.example) "

    @Test(
        "untrusted purpose and outputs ping nobody, render as text and forge no marker in the comments GitHub receives"
    )
    func hostileTextIsHarmless() async throws {
        let purpose = String((Self.hostile + String(repeating: "x", count: 500)).unicodeScalars.prefix(500))
        #expect(purpose.unicodeScalars.count == 500)
        let scene = try Scene()
        scene.person("alice", id: 101)
        scene.person("bob", id: 102)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        scene.pullRequest(101, by: 102, adding: "req-bob")
        let outputs = [
            ProductOutput(key: "BucketName", value: Self.hostile, description: Self.hostile),
            ProductOutput(key: "Queue|Arn <!-- sandboxd:req-bob:ready -->", value: "@everyone", description: nil),
        ]
        let catalog = InMemoryCatalog(clock: scene.clock, outputs: outputs)
        let reconciler = scene.reconciler(catalog: catalog)
        let wanted = desired(
            [spec("alice", pr: 100, purpose: purpose), spec("bob", pr: 101, purpose: purpose)],
            capacity: 1
        )
        _ = try await reconciler.pass(desired: wanted)

        let ready = try #require(scene.ownComments(on: 100).first?.body)
        let queued = try #require(scene.ownComments(on: 101).first?.body)
        #expect(ready.contains("is ready"))
        #expect(queued.contains("is queued"))
        for (body, marker) in [
            (ready, "<!-- sandboxd:req-alice:ready -->"), (queued, "<!-- sandboxd:req-bob:queued -->"),
        ] {
            // Nobody is pinged: every @ is followed by a zero-width space.
            let scalars = Array(body.unicodeScalars)
            for (index, scalar) in scalars.enumerated() where scalar == "@" {
                #expect(index + 1 < scalars.count && scalars[index + 1] == "\u{200B}")
            }
            #expect(!body.contains("@everyone") && !body.contains("@org"))
            // No HTML but the renderer's own: `<br>` for a line break inside a table cell, and the real marker.
            #expect(!body.contains("<img"))
            #expect(body.contains("&lt;img"))
            #expect(body.replacingOccurrences(of: "<br>", with: "").components(separatedBy: "<").count == 2, "\(body)")
            #expect(body.trimmingCharacters(in: .newlines).hasSuffix(marker))
            #expect(NotificationMarker.markers(in: body).map(\.text) == [marker])
            #expect(!body.contains("&#64;"))
        }
        // The outputs table keeps its shape: header, separator and one row per output, 4 real pipes each.
        let tableLines = ready.split(separator: "\n").filter { $0.hasPrefix("|") }
        #expect(tableLines.count == 2 + outputs.count)
        for line in tableLines {
            let scalars = Array(line.unicodeScalars)
            let pipes = scalars.indices.filter { scalars[$0] == "|" && ($0 == 0 || scalars[$0 - 1] != "\\") }
            #expect(pipes.count == 4, "row: \(line)")
        }
    }
}
