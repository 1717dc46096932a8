import SandboxCore
import Testing

/// Untrusted text from request files and product outputs must not mention anyone, inject HTML,
/// break a table or forge a marker, and bodies must stay under GitHub's size limit (docs/behaviour.md §6).
@Suite("Notification bodies with hostile input")
struct NotificationHostileInputTests {
    typealias Fixture = NotificationFixtures

    /// Everything at once, as in the issue that asked for this.
    static let attack = "@everyone @org/team <img src=x onerror=alert(1)> | x |\n|---| <!-- sandboxd:other:ready --> "

    /// A purpose at its 500-character limit made of the attack.
    static let purpose: String = {
        var text = ""
        while text.unicodeScalars.count < 500 { text += attack }
        return String(String.UnicodeScalarView(text.unicodeScalars.prefix(500)))
    }()

    /// Outputs whose keys, values and descriptions carry the attack.
    static let outputs = [
        ProductOutput(key: attack, value: attack, description: attack),
        ProductOutput(key: "Plain", value: "| a | b |\n# heading\n- list", description: "@user #123"),
        ProductOutput(key: "<!-- sandboxd:demo:ready -->", value: "\\|", description: "`|`"),
        ProductOutput(key: "Evil", value: "\u{202E}\u{07}" + attack, description: "\u{2066}@@x\u{2069}"),
    ]

    static let context = Fixture.context(
        .ready,
        requester: "@everyone<img src=x>",
        reason: attack,
        outputs: outputs,
        purpose: purpose
    )

    static let templates: [String?] = [
        nil,
        "| k | v |\n|---|---|\n| {{requester}} | {{outputs.Plain}} |\n| {{reason}} | {{outputs.Evil}} |\n",
        "@{{requester}} {{reason}}",
    ]

    @Test("the purpose fixture is at its 500-character limit")
    func purposeAtLimit() {
        #expect(Self.purpose.unicodeScalars.count == 500)
        #expect(Self.purpose.contains("@everyone"))
    }

    @Test("hostile text yields one marker, no mention, no HTML and intact table rows", arguments: templates)
    func hostileReady(template: String?) {
        let body = NotificationRenderer.render(Self.context, template: template)
        Self.expectSafe(body, marker: Self.context.marker)
    }

    @Test("every default text stays safe with hostile text", arguments: NotificationEvent.allCases)
    func hostileDefaultTexts(event: NotificationEvent) {
        var context = Self.context
        context.event = event
        context.productName = Self.attack
        context.poolName = Self.attack
        context.requestPath = Self.attack
        let body = NotificationRenderer.render(context, template: nil)
        Self.expectSafe(body, marker: context.marker)
    }

    @Test("the hostile ready comment still shows the outputs' text, escaped")
    func hostileTextIsShown() {
        let body = NotificationRenderer.render(Self.context, template: nil)
        #expect(
            body.contains("@\u{200B}everyone @\u{200B}org/team &lt;img src=x onerror=alert\\(1\\)&gt; \\| x \\|<br>")
        )
        #expect(body.contains("&lt;\\!-- sandboxd:other:ready --&gt;"))
        // Every output, plus the header and the delimiter row.
        #expect(Fixture.tableRows(in: body).count == Self.outputs.count + 2)
    }

    // MARK: - Size

    @Test(
        "a huge output is cut with … under GitHub's limits, the marker and the table intact",
        arguments: [
            String(repeating: "é", count: 300_000),
            String(repeating: "🧪", count: 100_000),
            String(repeating: "<|@", count: 100_000),
            String(repeating: "x", count: 65_536),
        ]
    )
    func hugeOutput(value: String) {
        let context = Fixture.context(
            .ready,
            outputs: [
                ProductOutput(key: "Huge", value: value, description: value),
                ProductOutput(key: "QueueArn", value: "arn:aws:sqs:eu-west-1:123456789012:demo"),
            ]
        )
        let body = NotificationRenderer.render(context, template: nil)
        Self.expectWithinLimits(body)
        Self.expectSafe(body, marker: context.marker)
        #expect(body.contains("…"))
        // The small output and the text around the table are left whole.
        #expect(body.contains("| QueueArn | arn:aws:sqs:eu-west-1:123456789012:demo |  |"))
        #expect(body.contains("Remove `desired-state/requests/demo.json` by pull request"))
        #expect(Fixture.tableRows(in: body).count == 4)
        // Nearly all the room is used: cutting is not overdone.
        #expect(body.utf8.count > NotificationRenderer.maximumBodyBytes - 200)
    }

    @Test("many outputs are all cut evenly and every row survives")
    func manyOutputs() {
        let outputs = (0..<3_000).map { ProductOutput(key: "Key\($0)", value: String(repeating: "v|", count: 50)) }
        let context = Fixture.context(.ready, outputs: outputs)
        let body = NotificationRenderer.render(context, template: nil)
        Self.expectWithinLimits(body)
        Self.expectSafe(body, marker: context.marker)
        #expect(Fixture.tableRows(in: body).count == outputs.count + 2)
    }

    @Test("a huge template is cut too, never its marker", arguments: [nil, "{{reason}}"] as [String?])
    func hugeTemplate(suffix: String?) {
        let template = String(repeating: "Long operator text. ", count: 10_000) + (suffix ?? "")
        let context = Fixture.context(.rejected, reason: String(repeating: "r", count: 100_000))
        let body = NotificationRenderer.render(context, template: template)
        Self.expectWithinLimits(body)
        #expect(body.hasSuffix("…\n\n<!-- sandboxd:demo:rejected -->"))
        #expect(NotificationMarker.markers(in: body) == [context.marker])
    }

    @Test("a body that fits is not cut")
    func fittingBodyIsWhole() {
        let value = String(repeating: "a", count: 60_000)
        let context = Fixture.context(.rejected, reason: value)
        let body = NotificationRenderer.render(context, template: "{{reason}}")
        #expect(body == value + "\n\n<!-- sandboxd:demo:rejected -->")
    }

    // MARK: - Checks

    static func expectWithinLimits(_ body: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(body.utf8.count <= NotificationRenderer.maximumBodyBytes, sourceLocation: sourceLocation)
        #expect(body.unicodeScalars.count <= NotificationRenderer.maximumBodyScalars, sourceLocation: sourceLocation)
    }

    static func expectSafe(
        _ body: String,
        marker: NotificationMarker,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(Fixture.occurrences(of: "<!--", in: body) == 1, sourceLocation: sourceLocation)
        #expect(body.hasSuffix("\n\n" + marker.text), sourceLocation: sourceLocation)
        #expect(NotificationMarker.markers(in: body) == [marker], sourceLocation: sourceLocation)
        #expect(!MarkdownEscapingTests.hasMention(body), sourceLocation: sourceLocation)
        #expect(!body.lowercased().contains("<img"), sourceLocation: sourceLocation)
        let hidden = body.unicodeScalars.first { scalar in
            let isBidi = (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
            let isControl = scalar.value < 0x20 && scalar != "\n" || (0x7F...0x9F).contains(scalar.value)
            return isBidi || isControl
        }
        #expect(hidden == nil, sourceLocation: sourceLocation)
        let rows = Fixture.tableRows(in: body)
        if let header = rows.first {
            let columns = MarkdownEscapingTests.unescapedPipes(in: String(header))
            for row in rows {
                #expect(
                    MarkdownEscapingTests.unescapedPipes(in: String(row)) == columns,
                    "row breaks the table: \(row.prefix(120))",
                    sourceLocation: sourceLocation
                )
                #expect(row.hasSuffix("|"), sourceLocation: sourceLocation)
            }
        }
    }
}
