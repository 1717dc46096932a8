import Foundation
import SandboxCore
import Testing

/// docs/behaviour.md §6.1, §6.5, §6.6: the `invalid` comment quotes the `validate` messages escaped, at most
/// five of them, says whether the last valid version stays in force, and fills `{{problems}}` in a template.
@Suite("NotificationRenderer: invalid")
struct InvalidNotificationTests {
    static func context(
        problems: [String],
        count: Int? = nil,
        inForce: Bool = false,
        requester: String = "alice"
    ) -> NotificationContext {
        NotificationContext(
            request: RequestID("alice-sbx")!,
            requester: requester,
            event: .invalid,
            pullRequest: 10,
            reason: problems.first,
            requestPath: "desired-state/requests/alice-sbx.json",
            problems: problems,
            problemCount: count,
            lastValidInForce: inForce
        )
    }

    @Test("the default text quotes each problem with its line and column and says how to fix it")
    func defaultText() {
        let diagnostic = Diagnostic(
            path: "desired-state/requests/alice-sbx.json",
            field: "leese",
            line: 1,
            column: 43,
            message: #"unknown key "leese"; did you mean "lease"?"#
        )
        let line = NotificationContext.problemLine(diagnostic)
        #expect(line == #"line 1, column 43: leese: unknown key "leese"; did you mean "lease"?"#)
        let body = NotificationRenderer.render(Self.context(problems: [line]), template: nil)
        #expect(body.contains("### Request file `alice-sbx` is not valid"))
        #expect(body.contains("line 1, column 43: leese: unknown key"))
        #expect(body.contains("nothing is provisioned for it"))
        #expect(body.contains("open a new pull request that corrects `desired-state/requests/alice-sbx.json`"))
        #expect(body.hasSuffix("<!-- sandboxd:alice-sbx:invalid -->"))
    }

    @Test("a bad edit of a request in force says the edit is ignored")
    func lastValidInForce() {
        let body = NotificationRenderer.render(Self.context(problems: ["x"], inForce: true), template: nil)
        #expect(body.contains("this edit is ignored: the last valid version of the file stays in force"))
        #expect(!body.contains("nothing is provisioned"))
    }

    @Test("what a contributor wrote cannot mention anyone, forge a marker or inject HTML")
    func escaped() {
        let hostile = #"unknown key "@everyone <!-- sandboxd:alice-sbx:ready --> <img src=x>""#
        let body = NotificationRenderer.render(Self.context(problems: [hostile], requester: "alice"), template: nil)
        #expect(!body.contains("@everyone"))
        #expect(!body.contains("<img"))
        #expect(
            NotificationMarker.markers(in: body) == [
                NotificationMarker(request: RequestID("alice-sbx")!, event: .invalid)
            ]
        )
    }

    @Test("at most five problems are quoted; the rest are counted")
    func capped() {
        let problems = (1...8).map { "line \($0), column 1: problem \($0)" }
        let context = Self.context(problems: problems)
        #expect(context.problems.count == 5)
        let body = NotificationRenderer.render(context, template: nil)
        #expect(body.contains("problem 5"))
        #expect(!body.contains("problem 6"))
        #expect(body.contains("…and 3 more"))
    }

    @Test("a template's {{problems}} is the escaped list, {{reason}} the first problem")
    func template() {
        let body = NotificationRenderer.render(
            Self.context(problems: ["first @bob", "second"]),
            template: "Fix {{request}}:\n{{problems}}\nFirst: {{reason}}\n"
        )
        #expect(body.contains("- first @\u{200B}bob\n- second\n"))
        #expect(body.contains("First: first @\u{200B}bob"))
        #expect(body.hasSuffix("<!-- sandboxd:alice-sbx:invalid -->"))
    }

    @Test("a template may use {{problems}}; templates/invalid.md is a known template")
    func templateFile() {
        let state = DesiredStateParser.parse(
            DesiredStateSnapshot(
                poolFile: .bytes(Array(PlannerInvalidTests.poolJSON.utf8)),
                templatesDirectory: .present,
                templateFiles: [FileEntry(name: "invalid.md", content: .bytes(Array("{{problems}}".utf8)))]
            )
        )
        #expect(state.diagnostics.isEmpty, "\(state.diagnostics)")
        #expect(state.templates[.invalid] == "{{problems}}")
    }
}
