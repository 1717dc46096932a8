// The journal at length: 1,000,000 records written in groups, replayed (read, checked, folded) as a start-up
// does, compacted as a pass does (final requests whose files are gone forgotten), and its size after.

import Foundation
import SandboxCore
import SandboxRuntime

#if canImport(Glibc)
import Glibc
#endif

enum JournalBenchmark {
    /// Records per group commit while writing the journal.
    static let group = 10_000

    /// `sandboxd-benchmarks journal`: the table's journal rows alone.
    static func table(records: Int) throws {
        let rows = TableRows()
        try run(records: records, rows: rows)
        print("### The journal rows (`sandboxd-benchmarks journal`)")
        print("")
        rows.print()
    }

    static func run(records: Int, rows: TableRows) throws {
        progress("table: journal of \(records.formatted()) records")
        let root = try TemporaryDirectory("journal")
        defer { root.remove() }
        let url = URL(fileURLWithPath: root.path("state"))
        let pool = PoolConfiguration(
            capacity: 10_000,
            product: ProductReference(productId: Synthetic.productId, provisioningArtifactId: Synthetic.artifactId),
            parameters: ["SandboxOwner": "{{requester}}"]
        )
        let now = Date()
        var written = 0
        var index = 0
        let writing = try secondsAndCPU {
            let (journal, _) = try FileJournal.openForWriting(stateDirectory: url)
            defer { journal.close() }
            var batch: [[UInt8]] = []
            while written < records {
                let spec = RequestSpec(
                    id: RequestID(Synthetic.requestID(index))!,
                    requester: Synthetic.requester(index),
                    pullRequest: index + 1
                )
                // A tenth stay active; the others run their lease out and end.
                for event in Synthetic.events(for: spec, index: index, pool: pool, ended: index % 10 != 0, now: now)
                where written < records {
                    batch.append(try JournalCodec.encode(event))
                    written += 1
                    if batch.count == group {
                        try journal.append(contentsOf: batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                index += 1
            }
            if !batch.isEmpty { try journal.append(contentsOf: batch) }
        }
        let onDisk = directoryBytes(root.path("state/journal"))

        var state = JournalState(lineage: "")
        var reading = (wall: 0.0, cpu: 0.0)
        let replay = try secondsAndCPU {
            var read: JournalContents?
            reading = try secondsAndCPU { read = try FileJournal.read(stateDirectory: url) }
            guard let contents = read else { throw BenchmarkError("no journal") }
            state = try JournalCodec.replay(contents)
        }
        let live = state.requests.values.filter { !$0.state.isFinal }.count

        // As `Reconciler.compactIfNeeded` does with the ended requests' files gone (docs/behaviour.md §3.13).
        let compaction = try secondsAndCPU {
            var compacted = state
            for (id, record) in state.requests where record.state.isFinal { compacted.requests[id] = nil }
            let (journal, _) = try FileJournal.openForWriting(stateDirectory: url)
            defer { journal.close() }
            try journal.compact(snapshot: JournalCodec.encodeSnapshot(compacted))
        }
        let after = directoryBytes(root.path("state/journal"))

        rows.add(
            "journal: write \(records.formatted()) records in groups of \(group.formatted()) (s; CPU s)",
            "\(format(writing.wall)); \(format(writing.cpu))",
            floor: "\(format(Double(onDisk) / 1e6, 0)) MB, \(index.formatted()) requests"
        )
        rows.add(
            "journal: replay \(records.formatted()) records (read, check, fold) (s; CPU s)",
            "\(format(replay.wall)); \(format(replay.cpu))",
            target: "< 2",
            floor: "\(format(Double(onDisk) / 1e6 / replay.wall, 0)) MB/s; reading and checking alone "
                + "\(format(reading.cpu)) CPU s; load \(TableBenchmark.loadAverage())",
            met: replay.wall < 2
        )
        rows.add(
            "journal: compaction, \(live.formatted()) live kept (s; CPU s)",
            "\(format(compaction.wall)); \(format(compaction.cpu))",
            floor: "snapshot \(format(Double(after) / 1e6, 1)) MB"
        )
        rows.add(
            "journal: bytes on disk per live request after compaction",
            live > 0 ? "\(after / live)" : "—",
            floor: "\(format(Double(onDisk) / Double(records), 0)) bytes a record before"
        )
    }

    /// The bytes of the files in `directory`.
    static func directoryBytes(_ directory: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.reduce(0) { total, name in
            var info = stat()
            return total + (stat(directory + "/" + name, &info) == 0 ? Int(info.st_size) : 0)
        }
    }
}
