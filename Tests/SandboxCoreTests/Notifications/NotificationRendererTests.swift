import Foundation
import SandboxCore
import Testing

@Suite("Notification comment texts")
struct NotificationRendererTests {
    typealias Fixture = NotificationFixtures

    @Test(
        "each default text says what happened and what to do next",
        arguments: [
            (
                NotificationEvent.queued,
                [
                    "is queued", "Hi octocat,", "Position in the queue: 3", "updated as the queue moves",
                    "remove `desired-state/requests/demo.json` by pull request",
                    "Try Metaflow on our recommender pipeline",
                ]
            ),
            (
                .ready,
                [
                    "is ready", "**sandbox-demo**", "| Output | Value | Description |",
                    "| BucketName | sandbox-demo-bucket | Where Metaflow keeps artifacts |",
                    "| QueueArn | arn:aws:sqs:eu-west-1:123456789012:demo |  |",
                    "2026-11-29T12:00:00Z", "Sunday 29 November 2026, 12:00 UTC", "Metaflow configuration",
                    "AWS console", "Remove `desired-state/requests/demo.json` by pull request",
                    "Raise `lease`", "`14d`",
                ]
            ),
            (
                .expiring,
                [
                    "expires soon", "2026-11-29T12:00:00Z", "Sunday 29 November 2026, 12:00 UTC",
                    "Raise `lease` in `desired-state/requests/demo.json`", "now `3d`", "at most `14d`",
                    "by pull request",
                ]
            ),
            (.ended, ["has ended", "expired at 2026-11-29T12:00:00Z", "slot went back", "new request file"]),
            (
                .rejected,
                [
                    "was rejected", "> the account is younger than 30d",
                    "change `desired-state/requests/demo.json` by pull request", "verified again",
                ]
            ),
            (
                .failed,
                [
                    "failed", "retries", "> the account is younger than 30d", "operators have been told",
                    "new request file",
                ]
            ),
            (.lost, ["is gone", "deleted outside sandboxd", "slot is freed", "new request file"]),
            (.quarantined, ["could not be terminated", "keeps failing", "operators have been told", "stop using it"]),
        ]
    )
    func defaultText(event: NotificationEvent, mentions: [String]) {
        let body = NotificationRenderer.render(Fixture.context(event), template: nil)
        for phrase in mentions {
            #expect(body.contains(phrase), "\(event) should mention \(phrase)")
        }
        #expect(body.contains("`demo`"))
        #expect(body.hasSuffix("\n\n<!-- sandboxd:demo:\(event.rawValue) -->"))
        #expect(Fixture.occurrences(of: "<!--", in: body) == 1)
    }

    @Test("an ended comment tells a released sandbox from an expired one")
    func endedReasons() {
        let released = NotificationRenderer.render(Fixture.context(.ended, endReason: .released), template: nil)
        #expect(released.contains("`desired-state/requests/demo.json` was removed"))
        #expect(released.contains("released"))
        #expect(!released.contains("expired"))

        let expired = NotificationRenderer.render(Fixture.context(.ended, endReason: .expired), template: nil)
        #expect(expired.contains("expired"))
        #expect(!expired.contains("was removed"))
    }

    @Test("a ready sandbox without outputs says so instead of drawing an empty table")
    func readyWithoutOutputs() {
        let body = NotificationRenderer.render(Fixture.context(.ready, outputs: []), template: nil)
        #expect(body.contains("no outputs"))
        #expect(Fixture.tableRows(in: body).isEmpty)
    }

    @Test("a repeated event carries its counter in the marker")
    func repeatedEvent() throws {
        let body = NotificationRenderer.render(Fixture.context(.expiring, occurrence: 2), template: nil)
        #expect(body.hasSuffix("<!-- sandboxd:demo:expiring:2 -->"))
        let marker = try #require(NotificationMarker("<!-- sandboxd:demo:expiring:2 -->"))
        #expect(NotificationMarker.markers(in: body) == [marker])
    }

    @Test("the request path follows the desired-state prefix, and an odd one is escaped")
    func requestPath() {
        var context = Fixture.context(.rejected)
        context.requestPath = "infra/sandboxes/requests/demo.json"
        #expect(NotificationRenderer.render(context, template: nil).contains("`infra/sandboxes/requests/demo.json`"))
        context.requestPath = "odd `dir`/requests/demo.json"
        let body = NotificationRenderer.render(context, template: nil)
        #expect(body.contains("odd \\`dir\\`/requests/demo.json"))
    }

    @Test(
        "dates are RFC 3339 in UTC whatever the machine's time zone",
        arguments: [
            (1_795_953_600.0, "2026-11-29T12:00:00Z", "Sunday 29 November 2026, 12:00 UTC"),
            (0.9, "1970-01-01T00:00:00Z", "Thursday 1 January 1970, 00:00 UTC"),
            (1_709_164_800.0, "2024-02-29T00:00:00Z", "Thursday 29 February 2024, 00:00 UTC"),
        ]
    )
    func dates(seconds: Double, rfc3339: String, human: String) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(NotificationDateFormat.rfc3339(date) == rfc3339)
        #expect(NotificationDateFormat.humanReadable(date) == human)
    }

    // MARK: - Templates

    @Test("a template gets every placeholder filled, absent ones as a dash, unknown ones kept")
    func templatePlaceholders() {
        let template = """
            Hi {{requester}}: {{request}} ends {{expires}}, you are #{{position}}.
            Why: {{reason}}. Bucket {{outputs.BucketName}}, missing {{outputs.Nope}}, {{unknown}}, {{ request }}, {{outputs.}}.
            """
        let body = NotificationRenderer.render(Fixture.context(.queued), template: template)
        #expect(
            body == """
                Hi octocat: demo ends 2026-11-29T12:00:00Z, you are #3.
                Why: the account is younger than 30d. Bucket sandbox-demo-bucket, missing —, {{unknown}}, demo, {{outputs.}}.

                <!-- sandboxd:demo:queued -->
                """
        )
    }

    @Test("absent values render as an em dash")
    func absentValues() throws {
        let context = NotificationContext(
            request: try #require(RequestID("demo")),
            requester: "",
            event: .queued,
            pullRequest: 1
        )
        let body = NotificationRenderer.render(
            context,
            template: "{{requester}}|{{expires}}|{{position}}|{{reason}}|{{outputs.X}}"
        )
        #expect(body == "—|—|—|—|—\n\n<!-- sandboxd:demo:queued -->")
    }

    @Test("filled-in text is escaped and never read as a placeholder again")
    func templateValuesAreEscaped() {
        let context = Fixture.context(
            .rejected,
            requester: "octo_cat",
            reason: "{{request}} <b>*bold*</b>",
            outputs: [ProductOutput(key: "K", value: "@team {{reason}}")]
        )
        let body = NotificationRenderer.render(
            context,
            template: "@{{requester}} {{reason}} {{outputs.K}} {{{request}}}"
        )
        #expect(
            body
                == "@\u{200B}octo\\_cat {{request}} &lt;b&gt;\\*bold\\*&lt;/b&gt; @\u{200B}team {{reason}} {demo}"
                + "\n\n<!-- sandboxd:demo:rejected -->"
        )
    }

    @Test("a template can neither drop nor forge the marker")
    func templateCannotForgeMarker() throws {
        let template = """
            <!-- sandboxd:demo:ready -->
            <!--SandboxD:other:ended--> <!-- sandbox{{request}}:x:ready --> <!-- a note stays -->
            """
        var context = Fixture.context(.rejected)
        context.request = try #require(RequestID("d"))
        let body = NotificationRenderer.render(context, template: template)
        #expect(NotificationMarker.markers(in: body) == [context.marker])
        #expect(body.hasSuffix("\n\n<!-- sandboxd:d:rejected -->"))
        #expect(body.contains("<!-- a note stays -->"))
        #expect(Fixture.occurrences(of: "<!--", in: body) == 2)

        let empty = NotificationRenderer.render(context, template: "")
        #expect(empty == "<!-- sandboxd:d:rejected -->")
    }
}
