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
    /// The request files that do not validate, by id (docs/behaviour.md §2.5): shown on their record's row,
    /// or as a row of their own in state `invalid` when no valid version was ever seen.
    var invalidFiles: [RequestID: InvalidFile] = [:]

    /// What `status` shows of a request file that does not validate.
    struct InvalidFile {
        /// The requester, when it can still be read from the file.
        var requester: String?
        /// The first problem, as `line L, column C: field: message`.
        var problem: String

        /// The invalid files of `desired`.
        static func of(_ desired: DesiredState) -> [RequestID: InvalidFile] {
            var files: [RequestID: InvalidFile] = [:]
            for (id, entry) in desired.requests {
                guard let problems = entry.problems else { continue }
                let problem = problems.first.map(NotificationContext.problemLine) ?? "the file is not valid"
                files[id] = InvalidFile(requester: entry.recovered?.requester, problem: problem)
            }
            return files
        }
    }

    var rows: [RequestRecord] { journal.recordsInOrder }

    /// Invalid files with no record, by id: they have never been a request (docs/behaviour.md §2.5).
    var invalidRows: [(id: RequestID, file: InvalidFile)] {
        invalidFiles.filter { journal.requests[$0.key] == nil }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The NOTE column of a record: its file's problem while the file is invalid, else its reason.
    func note(of record: RequestRecord) -> String {
        if let problem = fileProblem(of: record) {
            return TextTable.truncated("file invalid: " + problem, to: Self.noteWidth + 20)
        }
        return record.reason.map { TextTable.truncated($0, to: Self.noteWidth) } ?? ""
    }

    /// The problem of a record's file, when the file is invalid and the request is not over.
    func fileProblem(of record: RequestRecord) -> String? {
        record.state.isFinal ? nil : invalidFiles[record.id]?.problem
    }

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
                ("fileProblem", JSONValue(optional: fileProblem(of: record))),
            ])
        }
        let invalid = invalidRows.map { row -> JSONValue in
            JSONValue(members: [
                ("id", JSONValue(.string(row.id.rawValue))), ("requester", JSONValue(optional: row.file.requester)),
                ("state", JSONValue(.string("invalid"))), ("endReason", JSONValue(.null)),
                ("product", JSONValue(.null)), ("leaseEnd", JSONValue(.null)), ("queuePosition", JSONValue(.null)),
                ("verification", JSONValue(.null)), ("reason", JSONValue(.string(row.file.problem))),
                ("fileProblem", JSONValue(.string(row.file.problem))),
            ])
        }
        // The access level only against AWS, once a listing was answered (docs/behaviour.md §3.14).
        let access = awsAccessLevel.map { [("awsAccessLevel", JSONValue(.string($0)))] } ?? []
        return JSONValue(
            members: [("pool", JSONValue(.string(poolName))), ("capacity", JSONValue(optional: capacity))] + access
                + [("requests", JSONValue(elements: requests + invalid))]
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
        let records: [[String]] = rows.map { record in
            [
                record.id.rawValue,
                record.spec.requester,
                record.state.rawValue + (record.endReason.map { " (\($0.rawValue))" } ?? ""),
                record.productName ?? "-",
                record.leaseEnd.map(NotificationDateFormat.rfc3339) ?? "-",
                positions[record.id].map(String.init) ?? "-",
                note(of: record),
            ]
        }
        let invalid: [[String]] = invalidRows.map { row in
            [row.id.rawValue, row.file.requester ?? "-", "invalid", "-", "-", "-", String(row.file.problem.prefix(80))]
        }
        let body = records + invalid
        let live = rows.filter { $0.state.occupiesSlot }.count
        let summary =
            "pool \(poolName): \(live) of \(capacity.map(String.init) ?? "?") slots in use, "
            + "\(positions.count) queued, \(Counted.phrase(rows.count, "request"))"
            + (invalidRows.isEmpty ? "" : ", \(Counted.phrase(invalidRows.count, "invalid request file"))")
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
