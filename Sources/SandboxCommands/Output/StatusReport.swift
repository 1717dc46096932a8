import Foundation
import SandboxCore

/// What `sandboxd status` shows: every request with its state, requester, product, expiry and queue position.
struct StatusReport {
    let poolName: String
    let capacity: Int?
    let journal: JournalState

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
        return JSONValue(members: [
            ("pool", JSONValue(.string(poolName))),
            ("capacity", JSONValue(optional: capacity)),
            ("requests", JSONValue(elements: requests)),
        ])
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
                record.reason.map { String($0.prefix(60)) } ?? "",
            ]
        }
        let live = rows.filter { $0.state.occupiesSlot }.count
        let summary =
            "pool \(poolName): \(live) of \(capacity.map(String.init) ?? "?") slots in use, "
            + "\(positions.count) queued, \(rows.count) requests"
        guard !body.isEmpty else { return summary + "\n" }
        return summary + "\n\n" + TextTable.render([header] + body)
    }
}

/// Left-aligned columns separated by two spaces.
enum TextTable {
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
