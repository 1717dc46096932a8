import Foundation
import SandboxCore
import SandboxRuntime

/// What `sandboxd status` shows: every request with its state, requester, product, expiry and queue position.
struct StatusReport {
    let poolName: String
    let capacity: Int?
    let journal: JournalState
    /// What the last `reconcile` or `run` pass met, when one was recorded.
    var lastPass: LastPass? = nil
    /// The `AccessLevelFilter` level AWS answers listings at, as the state directory remembers it.
    var awsAccessLevel: String? = nil
    /// The next due work by the journal (the catalog is not asked), and the time it is measured from.
    var nextDue: DueWork? = nil
    var now = Date()

    var rows: [RequestRecord] { journal.recordsInOrder }

    /// `status --json` (docs/behaviour.md §4): absent values are `null`.
    var json: JSONValue {
        let positions = journal.queuePositions
        let requests = rows.map { record -> JSONValue in
            let product =
                record.productName == nil && record.productId == nil
                ? JSONValue(.null)
                : JSONValue(members: [
                    ("name", JSONValue(optional: record.productName)), ("id", JSONValue(optional: record.productId)),
                ])
            return JSONValue(members: [
                ("id", JSONValue(.string(record.id.rawValue))),
                ("requester", JSONValue(.string(record.spec.requester))),
                ("state", JSONValue(.string(record.state.rawValue))),
                ("endReason", JSONValue(optional: record.endReason?.rawValue)),
                ("product", product),
                ("leaseEnd", JSONValue(optional: record.leaseEnd.map(NotificationDateFormat.rfc3339))),
                ("queuePosition", JSONValue(optional: positions[record.id])),
                ("verification", JSONValue(optional: record.verification?.label)),
                ("reason", JSONValue(optional: record.reason)),
            ])
        }
        // The access level only against AWS, once a listing was answered (docs/behaviour.md §3.14).
        let access = awsAccessLevel.map { [("awsAccessLevel", JSONValue(.string($0)))] } ?? []
        return JSONValue(
            members: [("pool", JSONValue(.string(poolName))), ("capacity", JSONValue(optional: capacity))] + access
                + [("requests", JSONValue(elements: requests))]
        )
    }

    /// The lines under the table naming the last pass's problems.
    var problemLines: String {
        guard let lastPass, !lastPass.problems.isEmpty else { return "" }
        let at = NotificationDateFormat.rfc3339(lastPass.finishedAt)
        return "\nthe last pass (\(at)) met \(Counted.phrase(lastPass.problems.count, "problem")):\n"
            + lastPass.problems.map { "  [\($0.kind.rawValue)] \($0)\n" }.joined()
    }

    /// A readable table.
    var table: String {
        let positions = journal.queuePositions
        let header = ["REQUEST", "REQUESTER", "STATE", "PRODUCT", "LEASE END", "QUEUE", "NOTE"]
        let body = rows.map { record in
            [
                record.id.rawValue,
                record.spec.requester,
                record.state.rawValue + (record.endReason.map { " (\($0.rawValue))" } ?? ""),
                record.productName ?? "-",
                record.leaseEnd.map(NotificationDateFormat.rfc3339) ?? "-",
                positions[record.id].map(String.init) ?? "-",
                record.reason.map { TextTable.truncated($0, to: Self.noteWidth) } ?? "",
            ]
        }
        let live = rows.filter { $0.state.occupiesSlot }.count
        let summary =
            "pool \(poolName): \(live) of \(capacity.map(String.init) ?? "?") slots in use, "
            + "\(positions.count) queued, \(Counted.phrase(rows.count, "request"))"
        // The commit the latest decisions were made from (docs/behaviour.md §4.9).
        let revision = journal.desiredRevision.map { "desired state: \($0.summary)\n" } ?? ""
        let access = awsAccessLevel.map { "AWS access level: \($0)\(Self.accessNote($0))\n" } ?? ""
        let due = revision + access + (nextDue.map { "next due: \($0.line(now: now))\n" } ?? "")
        guard !body.isEmpty else { return summary + "\n" + due + problemLines }
        return summary + "\n" + due + "\n" + TextTable.render([header] + body) + problemLines
    }
}

extension StatusReport {
    /// The NOTE column's width: a longer reason is cut at a word, `status --json` has it whole.
    static let noteWidth = 60

    /// What a level lets sandboxd see (README, AWS permissions).
    static func accessNote(_ level: String) -> String {
        switch level {
        case "Role": " (sees the products of every session of its role)"
        case "User": " (sees only the products its own principal launched; orphans of others are invisible)"
        default: ""
        }
    }
}

/// Left-aligned columns separated by two spaces.
enum TextTable {
    /// `text` in at most `width` characters: whole, or cut after the last whole word that fits, then `…`.
    static func truncated(_ text: String, to width: Int) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        guard flat.count > width else { return flat }
        let room = flat.prefix(width - 1)
        let cut = room.lastIndex(of: " ").map { room[..<$0] } ?? room
        return cut.trimmingCharacters(in: CharacterSet(charactersIn: " ,;:")) + "…"
    }

    static func render(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.first?.count ?? 0)).map { column in
            rows.map { $0[column].count }.max() ?? 0
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }
}

extension DueWork {
    /// `lease-end of alice-sbx at 2026-12-01T10:00:00Z (in 5h 12m)`.
    func line(now: Date) -> String {
        let span = DaemonStatusLine.span(at.timeIntervalSince(now))
        return "\(description) (\(span == "now" ? "due now" : "in " + span))"
    }
}
