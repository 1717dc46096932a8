import Foundation
import SandboxCore
import SandboxRuntime
import Testing

@Suite("the STATUS= line")
struct DaemonStatusLineTests {
    @Test("active of capacity, queued, and the next expiry in hours and minutes")
    func summary() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var state = JournalState(lineage: "l")
        for (index, login) in ["ann", "ben", "cy", "dee", "eve"].enumerated() {
            let id = RequestID("req-\(login)")!
            state.apply(.requestSeen(spec: RequestSpec(id: id, requester: login, pullRequest: index + 1), at: now))
            state.apply(.verified(id: id, verification: .skipped(at: now)))
            state.apply(.admitted(id: id))
            guard index < 3 else { continue }
            let request = ProvisionRequest(
                name: "sandbox-\(id)",
                token: "t-\(id)",
                product: ProductReference(productId: "prod-1", provisioningArtifactId: "pa-1"),
                parameters: [:],
                tags: [:]
            )
            state.apply(.provisionStarted(id: id, attempt: 1, request: request, at: now))
            let end = now.addingTimeInterval(Double(5 * 3600 + 12 * 60 + index * 3600))
            state.apply(.activated(id: id, productId: "pp-\(index)", outputs: [], leaseStart: now, leaseEnd: end))
        }
        #expect(
            DaemonStatusLine.summary(state: state, capacity: 3, now: now)
                == "3/3 active, 2 queued, next expiry in 5h 12m"
        )
        #expect(
            DaemonStatusLine.summary(state: state, capacity: 3, now: now, problems: "catalog unreachable", brake: true)
                == "3/3 active, 2 queued, next expiry in 5h 12m, catalog unreachable, safety brake on"
        )
    }

    @Test("spans", arguments: [(0.0, "now"), (45, "45s"), (90, "1m 30s"), (3_660, "1h 1m"), (90_000, "1d 1h")])
    func spans(seconds: Double, text: String) {
        #expect(DaemonStatusLine.span(seconds) == text)
    }
}
