import SandboxCore
import Testing

@Suite("Notification markers")
struct NotificationMarkerTests {
    @Test(
        "the first occurrence has no counter, later ones count from 2",
        arguments: [
            ("demo", NotificationEvent.ready, 1, "<!-- sandboxd:demo:ready -->"),
            ("demo", .expiring, 1, "<!-- sandboxd:demo:expiring -->"),
            ("demo", .expiring, 2, "<!-- sandboxd:demo:expiring:2 -->"),
            ("a-1", .queued, 17, "<!-- sandboxd:a-1:queued:17 -->"),
            ("x", .quarantined, 1, "<!-- sandboxd:x:quarantined -->"),
        ]
    )
    func markerText(id: String, event: NotificationEvent, occurrence: Int, expected: String) throws {
        let marker = NotificationMarker(request: try #require(RequestID(id)), event: event, occurrence: occurrence)
        #expect(marker.text == expected)
        #expect(NotificationMarker(expected) == marker)
    }

    @Test("every event round-trips through its text", arguments: NotificationEvent.allCases, [1, 2, 10])
    func roundTrip(event: NotificationEvent, occurrence: Int) throws {
        let marker = NotificationMarker(request: try #require(RequestID("req-7")), event: event, occurrence: occurrence)
        #expect(NotificationMarker(marker.text) == marker)
        #expect(NotificationMarker.markers(in: "text\n\n\(marker.text)") == [marker])
    }

    @Test(
        "text that is not exactly a marker does not parse",
        arguments: [
            "<!-- sandboxd:demo:expiring:1 -->",  // the first occurrence has no counter
            "<!-- sandboxd:demo:expiring:0 -->",
            "<!-- sandboxd:demo:expiring:02 -->",
            "<!-- sandboxd:demo:expiring:-2 -->",
            "<!-- sandboxd:demo:expiring: -->",
            "<!-- sandboxd:demo:expired -->",  // not an event
            "<!-- sandboxd:Demo:ready -->",  // not a request id
            "<!-- sandboxd:-demo:ready -->",
            "<!-- sandboxd:demo -->",
            "<!-- sandboxd:demo:ready:2:3 -->",
            "<!--sandboxd:demo:ready-->",
            "<!-- sandboxd:demo:ready  -->",
            "<!-- SANDBOXD:demo:ready -->",
            " <!-- sandboxd:demo:ready -->",
            "<!-- sandboxd:demo:ready -->\n",
            "",
        ]
    )
    func rejectsInexactText(text: String) {
        #expect(NotificationMarker(text) == nil)
    }

    @Test("finding a marker is exact: the first expiring does not match the second, nor the reverse")
    func exactMatching() throws {
        let id = try #require(RequestID("demo"))
        let first = NotificationMarker(request: id, event: .expiring)
        let second = NotificationMarker(request: id, event: .expiring, occurrence: 2)
        let third = NotificationMarker(request: id, event: .expiring, occurrence: 3)
        let secondBody = "Your lease ends soon.\n\n<!-- sandboxd:demo:expiring:2 -->"

        #expect(!first.isPresent(in: secondBody))
        #expect(second.isPresent(in: secondBody))
        #expect(!third.isPresent(in: secondBody))
        #expect(!second.isPresent(in: "Your lease ends soon.\n\n<!-- sandboxd:demo:expiring -->"))
        #expect(!second.isPresent(in: "<!-- sandboxd:demo:expiring:20 -->"))
        #expect(!first.isPresent(in: "<!-- sandboxd:xdemo:expiring -->"))
        #expect(!first.isPresent(in: "<!-- sandboxd:demo:expiring-x -->"))
        #expect(!first.isPresent(in: "<!-- sandboxd:demo:expiring"))
    }

    @Test("markers are found anywhere in a body, in order, after false starts")
    func findsAllMarkers() throws {
        let body = "<!-- sandboxd:  <!-- sandboxd:a:ready --> middle <!-- sandboxd:b:ended:3 --> end"
        let found = NotificationMarker.markers(in: body)
        #expect(found.map(\.text) == ["<!-- sandboxd:a:ready -->", "<!-- sandboxd:b:ended:3 -->"])
        #expect(NotificationMarker.markers(in: "no marker here, not even <!-- sandboxd:") == [])
    }

    @Test("the context's marker carries its request, event and occurrence")
    func contextMarker() throws {
        let context = NotificationContext(
            request: try #require(RequestID("demo")),
            requester: "octocat",
            event: .expiring,
            occurrence: 2,
            pullRequest: 42
        )
        #expect(context.marker.text == "<!-- sandboxd:demo:expiring:2 -->")
    }
}
