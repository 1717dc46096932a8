public import Foundation
public import SandboxCore

/// The Prometheus text exposition written after every pass (docs/behaviour.md §8), replaced atomically as the
/// node_exporter textfile collector expects.
public struct MetricsFile: Sendable {
    public let url: URL

    public init(url: URL) { self.url = url }

    /// The metrics text for the current state.
    public static func render(
        journal: JournalState,
        pool: String,
        capacity: Int?,
        passDuration: Double,
        lastSuccess: Date?,
        problems: [PassProblem.Kind: Int] = [:],
        apiCalls: [APICallCounter.Key: Int],
        schedule: ScheduleGauges = ScheduleGauges(),
        now: Date? = nil
    ) -> String {
        let label = escape(pool)
        var lines: [String] = []
        lines.append("# HELP sandboxd_sandboxes Requests by state.")
        lines.append("# TYPE sandboxd_sandboxes gauge")
        let byState = Dictionary(grouping: journal.requests.values, by: \.state)
        for state in RequestState.allCases {
            lines.append(
                "sandboxd_sandboxes{pool=\"\(label)\",state=\"\(state.rawValue)\"} \(byState[state]?.count ?? 0)"
            )
        }
        lines.append("# HELP sandboxd_queue_length Requests waiting for a slot.")
        lines.append("# TYPE sandboxd_queue_length gauge")
        lines.append("sandboxd_queue_length{pool=\"\(label)\"} \(byState[.queued]?.count ?? 0)")
        lines.append("# HELP sandboxd_capacity Slots in the pool.")
        lines.append("# TYPE sandboxd_capacity gauge")
        lines.append("sandboxd_capacity{pool=\"\(label)\"} \(capacity.map(String.init) ?? "NaN")")
        lines.append("# HELP sandboxd_pass_duration_seconds How long the last pass took.")
        lines.append("# TYPE sandboxd_pass_duration_seconds gauge")
        lines.append("sandboxd_pass_duration_seconds{pool=\"\(label)\"} \(String(format: "%.3f", passDuration))")
        lines.append("# HELP sandboxd_api_calls_total Calls to AWS and GitHub by outcome.")
        lines.append("# TYPE sandboxd_api_calls_total counter")
        for (key, count) in apiCalls.sorted(by: {
            ($0.key.service, $0.key.operation, $0.key.outcome) < ($1.key.service, $1.key.operation, $1.key.outcome)
        }) {
            lines.append(
                "sandboxd_api_calls_total{pool=\"\(label)\",service=\"\(escape(key.service))\","
                    + "operation=\"\(escape(key.operation))\",outcome=\"\(escape(key.outcome))\"} \(count)"
            )
        }
        lines.append("# HELP sandboxd_pass_problems Problems the last pass met, by kind (docs/behaviour.md §11).")
        lines.append("# TYPE sandboxd_pass_problems gauge")
        for kind in PassProblem.Kind.allCases {
            lines.append("sandboxd_pass_problems{pool=\"\(label)\",kind=\"\(kind.rawValue)\"} \(problems[kind] ?? 0)")
        }
        lines.append("# HELP sandboxd_last_success_timestamp_seconds When a pass last ended without errors.")
        lines.append("# TYPE sandboxd_last_success_timestamp_seconds gauge")
        lines.append(
            "sandboxd_last_success_timestamp_seconds{pool=\"\(label)\"} "
                + "\(lastSuccess.map { String(Int($0.timeIntervalSince1970)) } ?? "0")"
        )
        lines += schedule.lines(pool: label)
        if let now { lines += overdueLines(journal, now: now, pool: label) }
        lines += revisionLines(journal.desiredRevision, pool: label)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Leases past their end whose product is still there (active, or its termination not yet done), and the
    /// earliest end of a lease still holding its product: with it, `time() - …` grows in Prometheus even when
    /// no pass rewrites the file, so an expiry running late is seen however it is late (docs/behaviour.md §8;
    /// `docs/alerts.yml`).
    static func overdueLines(_ journal: JournalState, now: Date, pool label: String) -> [String] {
        let holding = journal.requests.values.filter { $0.state == .active || $0.state == .terminating }
            .compactMap(\.leaseEnd)
        let earliest = holding.min().map { String(Int($0.timeIntervalSince1970)) } ?? "NaN"
        return [
            "# HELP sandboxd_overdue_leases Leases past their end whose product is not terminated yet.",
            "# TYPE sandboxd_overdue_leases gauge",
            "sandboxd_overdue_leases{pool=\"\(label)\"} \(holding.filter { $0 < now }.count)",
            "# HELP sandboxd_earliest_lease_end_timestamp_seconds The earliest end of a lease whose product is not "
                + "terminated yet.",
            "# TYPE sandboxd_earliest_lease_end_timestamp_seconds gauge",
            "sandboxd_earliest_lease_end_timestamp_seconds{pool=\"\(label)\"} \(earliest)",
        ]
    }

    /// `sandboxd_desired_state_info{commit}` and the commit's time (docs/behaviour.md §4.9), when known.
    static func revisionLines(_ revision: DesiredStateRevision?, pool label: String) -> [String] {
        guard let revision else { return [] }
        var lines = [
            "# HELP sandboxd_desired_state_info The commit of the desired state the latest decisions were made from.",
            "# TYPE sandboxd_desired_state_info gauge",
            "sandboxd_desired_state_info{pool=\"\(label)\",commit=\"\(escape(revision.commit))\","
                + "dirty=\"\(revision.dirty)\"} 1",
        ]
        if let committedAt = revision.committedAt {
            lines += [
                "# HELP sandboxd_desired_state_commit_timestamp_seconds When that commit was made.",
                "# TYPE sandboxd_desired_state_commit_timestamp_seconds gauge",
                "sandboxd_desired_state_commit_timestamp_seconds{pool=\"\(label)\"} "
                    + "\(Int(committedAt.timeIntervalSince1970))",
            ]
        }
        return lines
    }

    public static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}

/// The daemon's schedule, for the metrics file: when it wakes next, what the outbox holds, and how
/// late the last expiry warning and lease termination were (docs/behaviour.md §8).
public struct ScheduleGauges: Sendable, Hashable {
    /// When the loop wakes next.
    public var nextWake: Date?
    /// Comments owed.
    public var outboxLength: Int?
    /// The last lateness measured, by kind.
    public var lateness: [Lateness.Kind: Double] = [:]

    public init(nextWake: Date? = nil, outboxLength: Int? = nil, lateness: [Lateness.Kind: Double] = [:]) {
        self.nextWake = nextWake
        self.outboxLength = outboxLength
        self.lateness = lateness
    }

    func lines(pool label: String) -> [String] {
        var lines: [String] = []
        if let nextWake {
            lines.append("# HELP sandboxd_next_wake_timestamp_seconds When the daemon next has work.")
            lines.append("# TYPE sandboxd_next_wake_timestamp_seconds gauge")
            lines.append(
                "sandboxd_next_wake_timestamp_seconds{pool=\"\(label)\"} "
                    + String(format: "%.3f", nextWake.timeIntervalSince1970)
            )
        }
        if let outboxLength {
            lines.append("# HELP sandboxd_outbox_length Comments owed to requesters, not yet written.")
            lines.append("# TYPE sandboxd_outbox_length gauge")
            lines.append("sandboxd_outbox_length{pool=\"\(label)\"} \(outboxLength)")
        }
        lines.append(
            "# HELP sandboxd_expiry_lateness_seconds How late the last expiry warning and lease termination were."
        )
        lines.append("# TYPE sandboxd_expiry_lateness_seconds gauge")
        for kind in Lateness.Kind.allCases {
            let value = lateness[kind].map { String(format: "%.3f", $0) } ?? "NaN"
            lines.append("sandboxd_expiry_lateness_seconds{pool=\"\(label)\",kind=\"\(kind.rawValue)\"} \(value)")
        }
        return lines
    }
}
