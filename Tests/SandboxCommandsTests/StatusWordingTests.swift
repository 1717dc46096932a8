import Foundation
import Testing

@testable import SandboxCommands

/// `status`'s table says its counts with the right noun and cuts a long NOTE at a word (docs/behaviour.md §4.1).
@Suite("status: counts and the NOTE column")
struct StatusWordingTests {
    @Test("a note longer than the column is cut after a whole word, with an ellipsis")
    func noteIsCutAtAWord() {
        let reason = "terminating pp-2 failed 5 times: DELETE_FAILED: a resource would not delete"
        let cut = TextTable.truncated(reason, to: 60)
        #expect(cut == "terminating pp-2 failed 5 times: DELETE_FAILED: a resource…")
        #expect(cut.count <= 60)
        #expect(TextTable.truncated("short enough", to: 60) == "short enough")
        #expect(TextTable.truncated("two\nlines", to: 60) == "two lines")
        #expect(
            TextTable.truncated(String(repeating: "x", count: 80), to: 10) == String(repeating: "x", count: 9) + "…"
        )
    }

    @Test("the summary line counts requests with the noun's plural")
    func counts() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // An existing, empty state directory (a missing one is an error, docs/behaviour.md §4.1).
        try FileManager.default.createDirectory(atPath: directory.path("state"), withIntermediateDirectories: true)
        let (status, captured) = await runSandboxd([
            "status", "--state-dir", directory.path("state"), "--desired-state", directory.path("nothing"),
        ])
        #expect(status == 0)
        #expect(captured.stdout.contains("0 queued, 0 requests"))
    }
}
