// Synthetic desired states and journals at scale: request files, a journal snapshot holding them as sandboxd
// would after running a long time (a tenth active, the rest ended), and the local simulator's catalog.json
// with the active ones' products — written directly, since reaching that state through passes would take
// longer than the benchmark may.

import Foundation
import SandboxCore
import SandboxRuntime

#if canImport(Glibc)
import Glibc
#endif

enum Synthetic {
    static let productId = "prod-benchmark0001"
    static let artifactId = "pa-benchmark00001"
    static let lease: TimeInterval = 7 * 86_400

    /// `pool.json` with `capacity` slots, a 7-day lease, no verification rules.
    static func pool(capacity: Int) -> String {
        """
        {"capacity": \(capacity), "lease": "7d", "maxLease": "14d", "expiryWarning": "24h",
         "product": {"productId": "\(productId)", "provisioningArtifactId": "\(artifactId)"},
         "parameters": {"SandboxOwner": "{{requester}}"}, "namePrefix": "sandbox-"}
        """
    }

    static func requestID(_ index: Int) -> String { String(format: "req-%06d", index) }
    static func requester(_ index: Int) -> String { String(format: "dev%06d", index) }

    /// Writes `desired/pool.json` and `count` request files under `root`; returns the desired-state path.
    @discardableResult
    static func writeDesired(in root: TemporaryDirectory, name: String, count: Int, capacity: Int) throws -> String {
        let desired = root.path(name)
        try root.write("\(name)/pool.json", pool(capacity: capacity))
        let requests = desired + "/requests"
        try FileManager.default.createDirectory(atPath: requests, withIntermediateDirectories: true)
        for index in 0..<count {
            let text =
                #"{"requester": "\#(requester(index))", "pullRequest": \#(index + 1), "purpose": "a "#
                + #"synthetic request for the benchmark"}"#
            // Plain writes: FileManager.createFile flushes each file, which takes minutes for 100,000.
            let path = "\(requests)/\(requestID(index)).json"
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            let bytes = Array(text.utf8)
            guard fd >= 0, write(fd, bytes, bytes.count) == bytes.count, close(fd) == 0 else {
                throw BenchmarkError("cannot write \(path)")
            }
        }
        return desired
    }

    /// A desired state of `count` request files and a `pool.json` of `capacity`, kept under the temporary
    /// directory (`sandboxd-benchmark-desired-COUNT`) for the next run: writing and removing 100,000 files
    /// took minutes on a busy disk. A tree is used only once it was written whole (its `.complete` file);
    /// `pool.json` is written for each use. Remove the directories to write them again.
    static func keptDesired(count: Int, capacity: Int) throws -> String {
        let root = TemporaryDirectory(
            existing: FileManager.default.temporaryDirectory.appendingPathComponent(
                "sandboxd-benchmark-desired-\(count)"
            )
        )
        let marker = root.path("desired/.complete")
        if !FileManager.default.fileExists(atPath: marker) {
            progress("writing \(count.formatted()) request files into \(root.url.path) (kept for the next run)")
            try? FileManager.default.removeItem(at: root.url)
            try FileManager.default.createDirectory(at: root.url, withIntermediateDirectories: true)
            _ = try writeDesired(in: root, name: "desired", count: count, capacity: capacity)
            try root.write("desired/.complete", "\(count)\n")
        }
        try root.write("desired/pool.json", pool(capacity: capacity))
        return root.path("desired")
    }

    /// The events that take request `spec` to active (`ended == false`) or through its lease to ended, with
    /// every comment told.
    static func events(
        for spec: RequestSpec,
        index: Int,
        pool: PoolConfiguration,
        ended: Bool,
        now: Date,
        product: String? = nil
    ) -> [JournalEvent] {
        let id = spec.id
        let start = now.addingTimeInterval(ended ? -10 * 86_400 : -86_400)
        let end = start.addingTimeInterval(lease)
        let product = product ?? productID(index)
        let request = ProvisionRequest(
            name: pool.namePrefix + id.rawValue,
            token: "benchmark-provision-\(index)",
            product: pool.product,
            parameters: ["SandboxOwner": spec.requester],
            tags: [TagKey.pool: "default", TagKey.request: id.rawValue, TagKey.requester: spec.requester]
        )
        var events: [JournalEvent] = [
            .requestSeen(spec: spec, at: start.addingTimeInterval(-60)),
            // Its pull request read before any step (docs/behaviour.md §3.15), else a steady pass reads it.
            .pullRequestRead(id: id, found: [], at: start.addingTimeInterval(-55)),
            .verified(id: id, verification: .skipped(at: start.addingTimeInterval(-50))),
            .admitted(id: id),
            .provisionStarted(id: id, attempt: 1, request: request, at: start.addingTimeInterval(-40)),
            .provisionAccepted(
                id: id,
                receipt: CatalogReceipt(recordId: "rec-p\(index)", provisionedProductId: product)
            ),
            .activated(id: id, productId: product, outputs: outputs(index), leaseStart: start, leaseEnd: end),
            .notifyStarted(id: id, event: .ready, occurrence: 1),
            .notified(
                id: id,
                event: .ready,
                occurrence: 1,
                comment: CommentReference(id: Int64(index * 4 + 1)),
                position: nil
            ),
        ]
        if ended {
            events += [
                .notifyStarted(id: id, event: .expiring, occurrence: 1),
                .notified(
                    id: id,
                    event: .expiring,
                    occurrence: 1,
                    comment: CommentReference(id: Int64(index * 4 + 2)),
                    position: nil
                ),
                .terminationStarted(
                    productId: product,
                    owner: .request(id, purpose: .expired),
                    token: "benchmark-terminate-\(index)",
                    at: end
                ),
                .terminationAccepted(productId: product, recordId: "rec-t\(index)"),
                .productGone(productId: product),
                .notifyStarted(id: id, event: .ended, occurrence: 1),
                .notified(
                    id: id,
                    event: .ended,
                    occurrence: 1,
                    comment: CommentReference(id: Int64(index * 4 + 3)),
                    position: nil
                ),
            ]
        }
        return events
    }

    static func productID(_ index: Int) -> String { String(format: "pp-%013d", index) }

    static func outputs(_ index: Int) -> [ProductOutput] {
        [
            ProductOutput(key: "BucketName", value: "sandbox-bucket-\(index)"),
            ProductOutput(key: "QueueArn", value: "arn:aws:sqs:local-1:000000000000:sandbox-\(index)"),
        ]
    }

    /// The journal state of `desired` after a long run: every `liveEvery`-th request active, the others ended.
    static func state(lineage: String, desired: DesiredState, liveEvery: Int, now: Date) throws -> JournalState {
        guard let pool = desired.pool else { throw BenchmarkError("the synthetic pool.json is invalid") }
        var state = JournalState(lineage: lineage)
        for (index, spec) in specs(desired).enumerated() {
            for event in events(for: spec, index: index, pool: pool, ended: index % liveEvery != 0, now: now) {
                state.apply(event)
            }
        }
        return state
    }

    /// The valid request specs of `desired`, by id.
    static func specs(_ desired: DesiredState) -> [RequestSpec] {
        desired.requests.keys.sorted().compactMap { id in
            if case .valid(let spec) = desired.requests[id] { return spec }
            return nil
        }
    }

    /// The live products of `state`'s active requests, as the catalog lists them.
    static func liveProducts(_ state: JournalState, now: Date) -> [LiveProduct] {
        state.requests.values.compactMap { record -> LiveProduct? in
            guard case .active(let lease) = record.phase else { return nil }
            return LiveProduct(
                id: lease.productId,
                name: lease.productName,
                status: .available,
                tags: [
                    TagKey.pool: "default", TagKey.request: record.id.rawValue, TagKey.requester: record.spec.requester,
                ],
                lastRecordId: "rec-p",
                createdTime: lease.start
            )
        }
    }

    /// Makes `stateDirectory` a local-mode state directory holding `state` as its snapshot and the simulator's
    /// `catalog.json` with `products`.
    static func writeLocalState(_ stateDirectory: String, desired: DesiredState, liveEvery: Int) throws -> JournalState
    {
        let url = URL(fileURLWithPath: stateDirectory)
        let now = Date()
        let (journal, _) = try FileJournal.openForWriting(stateDirectory: url)
        defer { journal.close() }
        let state = try state(lineage: journal.lineage, desired: desired, liveEvery: liveEvery, now: now)
        try journal.compact(snapshot: JournalCodec.encodeSnapshot(state))
        try Data("local\n".utf8).write(to: url.appendingPathComponent("mode"))
        let products = liveProducts(state, now: now).map { product in
            CatalogFileProduct(
                id: product.id,
                name: product.name,
                tags: product.tags,
                status: "AVAILABLE",
                createdAt: product.createdTime ?? now,
                lastRecordId: product.lastRecordId ?? "",
                outputs: [:]
            )
        }
        try FileManager.default.createDirectory(
            at: url.appendingPathComponent("local"),
            withIntermediateDirectories: true
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(CatalogFile(products: products, records: [:], serial: products.count))
            .write(to: url.appendingPathComponent("local/catalog.json"))
        return state
    }

    /// Writes the table's `plan` tree of `count` files (a tenth live, at most 1,000) under `directory`.
    static func generate(count: Int, in directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let root = TemporaryDirectory(existing: URL(fileURLWithPath: directory))
        let capacity = min(count / 10, 1_000)
        let desired = try writeDesired(in: root, name: "desired", count: count, capacity: capacity)
        let loaded = DesiredStateLoader(directory: desired).load()
        _ = try writeLocalState(root.path("state"), desired: loaded, liveEvery: count / capacity)
    }

    /// Seconds to plan `count` times over the tree ``generate(count:in:)`` wrote in `directory`.
    static func plans(in directory: String, count: Int) throws -> Double {
        let desired = DesiredStateLoader(directory: directory + "/desired").load()
        guard let contents = try FileJournal.read(stateDirectory: URL(fileURLWithPath: directory + "/state")) else {
            throw BenchmarkError("no journal in \(directory)/state")
        }
        let state = try JournalCodec.replay(contents)
        struct Snapshot: Decodable { var state: JournalState }
        if let snapshot = contents.snapshot {
            let foundation = try JSONDecoder().decode(Snapshot.self, from: Data(snapshot.payload)).state
            progress("the snapshot reads the same with Foundation's decoder: \(foundation == state)")
        }
        let now = Date()
        let input = PlannerInput(
            desired: desired,
            journal: state,
            live: liveProducts(state, now: now),
            now: now,
            poolName: "default"
        )
        return seconds {
            for _ in 0..<count { _ = Planner.plan(input) }
        }
    }

    /// What the planner would do with `state` and its products listed: nothing, for a steady state.
    static func steadyActions(_ state: JournalState, desired: DesiredState) -> [PlannedAction] {
        let now = Date()
        let input = PlannerInput(
            desired: desired,
            journal: state,
            live: liveProducts(state, now: now),
            now: now,
            poolName: "default"
        )
        return Planner.plan(input).actions
    }
}

/// The local simulator's `catalog.json` (docs/behaviour.md §10.1), as SandboxLocal encodes it.
struct CatalogFile: Encodable {
    var products: [CatalogFileProduct]
    var records: [String: String]
    var serial: Int
}

struct CatalogFileProduct: Encodable {
    var id: String
    var name: String
    var tags: [String: String]
    var status: String
    var createdAt: Date
    var lastRecordId: String
    var outputs: [String: String]
}
