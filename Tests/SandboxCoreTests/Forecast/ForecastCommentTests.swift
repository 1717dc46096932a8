import Foundation
import SandboxCore
import Testing

/// docs/behaviour.md §6.9, §6.5: the forecast comment's text and the `sandboxd/forecast` status.
@Suite("Forecast: comment and status")
struct ForecastCommentTests {
    static let path = "desired-state/requests/n.json"

    @Test("a queued forecast names the position, the time, whose lease frees it and the marker, and no commit")
    func queued() {
        let forecast = RequestForecast(
            path: Self.path,
            outcome: .queued(position: 3, slot: .expected(at: at("1d2h5m"), holder: RequestID("alice-recsys")!))
        )
        let body = ForecastComment.body([forecast])
        #expect(body.contains("**`desired-state/requests/n.json`**: you would be **#3** in the queue"))
        #expect(body.contains("around \(ForecastComment.shortTime(at("1d2h5m"))) (when `alice-recsys`'s lease ends)"))
        // Issue 18: no commit in the body, so a push that keeps the outcome keeps the comment as it is.
        #expect(!body.contains("0123456789ab"))
        #expect(body.contains("as of its latest commit"))
        #expect(body.hasSuffix("\n\n" + ForecastComment.marker))
        let status = ForecastComment.status([forecast])
        #expect(status.state == .success && status.description.hasPrefix("Would be #3 in the queue"))
    }

    @Test("a contributor's path and reason are escaped: no mention, no marker, no HTML")
    func escaping() {
        let forecasts = [
            RequestForecast(
                path: "desired-state/requests/<!-- sandboxd:forecast -->.json",
                outcome: .rejected(
                    reason: "@everyone <b>hi</b> <!-- sandboxd:forecast -->"
                )
            )
        ]
        let body = ForecastComment.body(forecasts)
        #expect(!body.contains("@everyone"))
        #expect(!body.contains("<b>"))
        #expect(body.components(separatedBy: "<!-- sandboxd:").count == 2)
        #expect(body.hasSuffix(ForecastComment.marker))
    }

    @Test("an invalid file lists at most five problems, then how many more")
    func invalidList() {
        let problems = (1...7).map { (index: Int) in
            Diagnostic(path: Self.path, field: "k\(index)", line: index, column: 3, message: "bad")
        }
        let body = ForecastComment.body([RequestForecast(path: Self.path, outcome: .invalid(problems))])
        #expect(body.contains("line 5, column 3: k5: bad"))
        #expect(!body.contains("line 6, column 3"))
        #expect(body.contains("and 2 more"))
        let status = ForecastComment.status([RequestForecast(path: Self.path, outcome: .invalid(problems))])
        #expect(status.state == .failure && status.description == "Invalid request file: line 1, column 3: k1: bad")
    }

    @Test("the status is failure on the first refusal, pending while undecided, within 140 characters, one line")
    func status() {
        let long = String(repeating: "x", count: 300) + "\nsecond line\u{202E}"
        let rejected = ForecastComment.status([
            RequestForecast(path: Self.path, outcome: .slotNow),
            RequestForecast(path: Self.path, outcome: .rejected(reason: long)),
        ])
        #expect(rejected.state == .failure)
        #expect(rejected.description.count == ForecastStatus.maximumDescriptionLength)
        #expect(!rejected.description.contains("\n") && !rejected.description.contains("\u{202E}"))
        let undecided = ForecastComment.status([RequestForecast(path: Self.path, outcome: .undecided(reason: "r"))])
        #expect(undecided.state == .pending)
        #expect(ForecastComment.status([RequestForecast(path: Self.path, outcome: .slotNow)]).state == .success)
        let final = ForecastComment.status([RequestForecast(path: Self.path, outcome: .existing(state: .ended))])
        #expect(final.state == .failure)
    }
}
