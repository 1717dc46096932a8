import Foundation
import SandboxCore
import SandboxGitHub
import SandboxRuntime
import SandboxTesting
import Testing

/// The `invalid` notification through the reconciler, the real adapter and the fake GitHub over HTTP
/// (docs/behaviour.md §2.5, §6.1): a merged request file with an unknown key gets one comment naming the
/// key with its line and column, nothing more while it stays the same, and a fixed version is served.
@Suite("invalid request files through the reconciler and the real adapter")
struct InvalidFlowTests {
    /// `desired`'s pool with the request files given as text (name without `.json` → content), parsed for real.
    static func wanted(_ files: [String: String]) -> DesiredState {
        let parsed = DesiredStateParser.parse(
            DesiredStateSnapshot(
                poolFile: .bytes(
                    Array(#"{"capacity": 3, "product": {"productId": "p", "provisioningArtifactId": "a"}}"#.utf8)
                ),
                requestFiles: files.map { FileEntry(name: "\($0.key).json", content: .bytes(Array($0.value.utf8))) }
            )
        )
        var state = desired([])
        state.requests = parsed.requests
        state.diagnostics = parsed.diagnostics
        return state
    }

    static let typo = """
        {
          "requester": "alice",
          "pullRequest": 100,
          "leese": "3d"
        }
        """
    static let fixed = #"{"requester": "alice", "pullRequest": 100, "lease": "3d"}"#
    static let marker = "<!-- sandboxd:req-alice:invalid -->"

    @Test("one invalid comment naming the key with line and column, none again, and the fix is provisioned")
    func unknownKeyThenFixed() async throws {
        let scene = try Scene()
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        let catalog = InMemoryCatalog(clock: scene.clock)
        let reconciler = scene.reconciler(catalog: catalog)
        let id = RequestID("req-alice")!

        let invalid = Self.wanted(["req-alice": Self.typo])
        _ = try await reconciler.pass(desired: invalid)
        let comments = scene.ownComments(on: 100)
        #expect(comments.count == 1)
        let body = try #require(comments.first?.body)
        #expect(body.hasSuffix(Self.marker))
        #expect(body.contains("line 4, column 3: leese: unknown key \"leese\"; did you mean \"lease\"?"), "\(body)")
        #expect(body.contains("nothing is provisioned for it"))
        #expect(body.contains("Hi alice,"))
        #expect(await reconciler.state.requests[id] == nil)
        #expect(try await catalog.listProducts(pool: "default").isEmpty)

        // Nothing changed: no second comment, no edit.
        let writes = scene.fake.requests.filter { $0.method == "POST" || $0.method == "PATCH" }.count
        for _ in 1...3 {
            scene.clock.advance(by: 60)
            let report = try await reconciler.pass(desired: invalid)
            #expect(report.errors.isEmpty, "\(report.errors)")
        }
        #expect(scene.ownComments(on: 100).count == 1)
        #expect(scene.fake.requests.filter { $0.method == "POST" || $0.method == "PATCH" }.count == writes)

        // A later change fixes the file: it is served as usual.
        scene.clock.advance(by: 60)
        _ = try await reconciler.pass(desired: Self.wanted(["req-alice": Self.fixed]))
        #expect(await reconciler.state.requests[id]?.state == .active)
        #expect(await reconciler.state.invalidNotices[id]?.open == false)
        let after = scene.ownComments(on: 100)
        #expect(after.filter { $0.body.contains(Self.marker) }.count == 1)
        #expect(after.contains { $0.body.contains("<!-- sandboxd:req-alice:ready -->") })
    }

    @Test("other problems edit the invalid comment in place, and a file that is not JSON has nobody to tell")
    func editedInPlace() async throws {
        let scene = try Scene()
        scene.person("alice", id: 101)
        scene.pullRequest(100, by: 101, adding: "req-alice")
        let reconciler = scene.reconciler(catalog: InMemoryCatalog(clock: scene.clock))

        _ = try await reconciler.pass(desired: Self.wanted(["req-alice": Self.typo, "req-bob": "{\"requester\":"]))
        let first = try #require(scene.ownComments(on: 100).first)

        scene.clock.advance(by: 60)
        let other = #"{"requester": "alice", "pullRequest": 100, "lease": "99d"}"#
        _ = try await reconciler.pass(desired: Self.wanted(["req-alice": other, "req-bob": "{\"requester\":"]))
        let comments = scene.ownComments(on: 100)
        #expect(comments.count == 1)
        #expect(comments.first?.id == first.id)
        #expect(comments.first?.body.contains("line 1, column 53: lease") == true, "\(comments.first?.body ?? "")")
        #expect(comments.first?.body.contains("leese") == false)
        #expect(scene.fake.requests.filter { $0.method == "POST" }.count == 1)
    }
}
