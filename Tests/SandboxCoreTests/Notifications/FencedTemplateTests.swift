import Foundation
import SandboxCore
import Testing

/// Values inside a template's fenced code block are escaped for the fence, not for Markdown (docs/behaviour.md §6.6).
@Suite("templates: values inside fenced code blocks")
struct FencedTemplateTests {
    static func render(_ template: String, value: String) -> String {
        let context = NotificationFixtures.context(.ready, outputs: [ProductOutput(key: "Role", value: value)])
        let body = NotificationRenderer.render(context, template: template)
        return body.components(separatedBy: "\n\n<!-- sandboxd:").first ?? body
    }

    @Test("inside a fence a JSON value keeps its underscores; outside it is escaped as before")
    func jsonStaysJSON() {
        let value = "arn:aws:iam::1:role/metaflow_ecs_s3_role"
        let template =
            "Role {{outputs.Role}}\n\n```json\n{\"role\": \"{{outputs.Role}}\"}\n```\n\nAgain {{outputs.Role}}"
        #expect(
            Self.render(template, value: value)
                == "Role arn:aws:iam::1:role/metaflow\\_ecs\\_s3\\_role\n\n```json\n"
                + "{\"role\": \"arn:aws:iam::1:role/metaflow_ecs_s3_role\"}\n```\n\n"
                + "Again arn:aws:iam::1:role/metaflow\\_ecs\\_s3\\_role"
        )
    }

    @Test("a value cannot close the fence: no line break, and no backtick run as long as the fence")
    func valueCannotCloseTheFence() {
        let hostile = "x\n```\n# Forged <b>heading</b> @everyone"
        let body = Self.render("```\n{{outputs.Role}}\n```", value: hostile)
        let lines = body.components(separatedBy: "\n")
        #expect(lines.count == 3, "\(lines)")
        #expect(lines.first == "```" && lines.last == "```")
        #expect(!lines[1].contains("```"))
        #expect(lines[1].contains("@\u{200B}everyone"))
        #expect(lines[1].contains("<b>heading</b>"), "inside a fence HTML is shown as text, so it is left as is")
    }

    @Test("a value at the start of a fenced line that is only backticks stays inside")
    func backticksAlone() {
        let body = Self.render("````\n{{outputs.Role}}\n````", value: "````")
        #expect(body.components(separatedBy: "\n").count == 3)
        #expect(!body.components(separatedBy: "\n")[1].contains("````"))
        let tilde = Self.render("~~~\n{{outputs.Role}}\n~~~", value: "~~~ a ``` b")
        #expect(tilde.components(separatedBy: "\n")[1] == "\u{200B}~~\u{200B}~ a ``` b")
    }

    @Test("after the fence closes, values are Markdown-escaped again; an unclosed-looking line is not a fence")
    func fenceCloses() {
        let body = Self.render("```\n{{outputs.Role}}\n```\n{{outputs.Role}}\nText ```\n{{outputs.Role}}", value: "a_b")
        #expect(body == "```\na_b\n```\na\\_b\nText ```\na\\_b")
    }

    @Test("indented four spaces, in a block quote or in a template with raw HTML blocks, values stay Markdown-escaped")
    func notFollowed() {
        #expect(Self.render("    ```\n{{outputs.Role}}", value: "a_b") == "    ```\na\\_b")
        #expect(Self.render("> ```\n> {{outputs.Role}}", value: "a_b") == "> ```\n> a\\_b")
        #expect(Self.render("<pre>\n\n```\n{{outputs.Role}}\n```", value: "a_b") == "<pre>\n\n```\na\\_b\n```")
    }
}
