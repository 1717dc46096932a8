import Foundation
import SandboxGitHub
import SandboxHA
import Testing

@testable import SandboxCommands

/// What `status --ha-table` and a replica's metrics say about the leader (docs/behaviour.md §12.5, §12.6).
@Suite("HA status and metrics wording")
struct HAStatusTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("the leader line: none yet, a current lease, an expired one")
    func leaderLine() {
        #expect(
            StatusRunner.leaderLine(nil, table: "t", now: now)
                == "leader: none yet (no replica has taken the lease in t)"
        )
        let term = LeaderTerm(holder: "east", fence: 4, expires: now.addingTimeInterval(10))
        #expect(
            StatusRunner.leaderLine(term, table: "t", now: now)
                == "leader: east, term 4, lease until 2027-01-15T08:00:10Z"
        )
        #expect(
            StatusRunner.leaderLine(term, table: "t", now: now.addingTimeInterval(11))
                == "leader: east, term 4, lease expired at 2027-01-15T08:00:10Z: a standby takes over"
        )
    }

    @Test("the role gauges: leader 1 or 0, the term, the pool label escaped")
    func roleMetrics() {
        let text = HAReplica.roleMetrics(pool: #"a"b"#, leader: false, term: 9)
        #expect(text.contains(#"sandboxd_ha_leader{pool="a\"b"} 0"#))
        #expect(text.contains(#"sandboxd_ha_term{pool="a\"b"} 9"#))
        #expect(text.contains("# TYPE sandboxd_ha_leader gauge"))
    }

    @Test("issue 18: the forecasts' calls in the metrics file, by kind, with the window's share")
    func forecastMetrics() {
        let text = DaemonRunner.forecastMetrics(ForecastBudget(percent: 10), pool: "p")
        for kind in ["read", "not_modified", "comment_write", "status_write", "refused"] {
            #expect(text.contains(#"sandboxd_forecast_github_calls_total{pool="p",kind="\#(kind)"} 0"#))
        }
        #expect(text.contains(#"sandboxd_forecast_budget_allowance{pool="p"} 500"#))
        #expect(text.contains("# TYPE sandboxd_forecast_github_calls_total counter"))
    }

    @Test("issue 17: each replica's view in a line — a leader's term, a standby's leader and takeover time")
    func replicaLines() {
        #expect(StatusRunner.replicaLines([]) == ["replicas: none has written its view (or every view expired)"])
        let leader = ReplicaView(
            id: "east",
            role: .leader,
            leader: "east",
            term: 4,
            seenAt: now,
            leaseExpires: now.addingTimeInterval(15),
            cachedSeq: 12,
            expiresAt: now.addingTimeInterval(120)
        )
        var standby = leader
        (standby.id, standby.role, standby.cachedSeq) = ("west", .standby, 9)
        #expect(
            StatusRunner.replicaLines([leader, standby]) == [
                "replicas:",
                "  east: leader, term 4, saw the lease at 2027-01-15T08:00:00Z, journal cache at seq 12",
                "  west: standby, sees leader east, term 4, saw the lease at 2027-01-15T08:00:00Z, may take over at "
                    + "2027-01-15T08:00:15Z, journal cache at seq 9",
            ]
        )
    }
}
