// API calls against the loopback fakes: a steady pass with many live sandboxes, and one request taken from its
// file to active and told.

import Foundation
import SandboxCore
import SandboxHTTP
import SandboxRuntime
import SandboxTesting

#if canImport(Glibc)
import Glibc
#endif

enum CallsBenchmark {
    /// A steady pass of `sandboxd run` (started by SIGHUP) with `live` active sandboxes, all told.
    static func steadyPass(live: Int, rows: TableRows) throws {
        progress("table: steady pass with \(live) live sandboxes against the fakes")
        let scene = try RemoteScene(
            name: "steady",
            pool: """
                {"capacity": \(live),
                 "product": {"productId": "prod-sandbox000001", "provisioningArtifactId": "pa-sandbox000001"}}
                """,
            completionTime: 1
        )
        defer { scene.stop() }
        var specs: [RequestSpec] = []
        var products: [String] = []
        for index in 0..<live {
            let id = Synthetic.requestID(index)
            let login = Synthetic.requester(index)
            try scene.directory.write(
                "desired/requests/\(id).json",
                #"{"requester": "\#(login)", "pullRequest": \#(index + 1)}"#
            )
            specs.append(RequestSpec(id: RequestID(id)!, requester: login, pullRequest: index + 1))
            products.append(
                scene.catalog.addExistingProduct(
                    name: "sandbox-\(id)",
                    tags: [TagKey.pool: "default", TagKey.request: id, TagKey.requester: login],
                    launchedBy: RemoteScene.credentials.accessKeyId
                )
            )
        }
        try writeRemoteState(scene: scene, products: products)
        let notify = try NotifySocket(path: scene.notifyPath)
        let daemon = try scene.startDaemon()
        defer { daemon.stop(SIGTERM) }
        guard notify.wait(seconds: 60, for: { $0.contains("STATUS=\(live)/\(live) active") }) else {
            throw BenchmarkError(
                "the steady daemon did not settle: \(notify.messages.suffix(3).map(\.text))\n\(daemon.log.suffix(3000))"
            )
        }
        Thread.sleep(forTimeInterval: 1)
        let catalogBefore = scene.catalog.requests.count
        let githubBefore = scene.github.requests.count
        let costlyBefore = scene.github.costlyCalls
        let statusBefore = notify.messages.count
        kill(daemon.pid, SIGHUP)
        guard poll(timeout: 30, every: 0.01, until: { notify.messages.count > statusBefore }) else {
            throw BenchmarkError("no pass after SIGHUP")
        }
        Thread.sleep(forTimeInterval: 0.5)
        let catalogCalls = scene.catalog.requests[catalogBefore...].map { operation(of: $0) }
        let githubCalls = scene.github.requests.count - githubBefore
        // What uses GitHub's rate limit: a conditional read answered 304 (the forecasts' listing of open pull
        // requests, docs/behaviour.md §6.9) costs nothing.
        let costlyCalls = scene.github.costlyCalls - costlyBefore
        let floor = (live + 99) / 100
        let searches = catalogCalls.filter { $0 == "SearchProvisionedProducts" }.count
        rows.add(
            "steady pass, \(live.formatted()) live: Service Catalog calls",
            "\(catalogCalls.count) (\(summary(catalogCalls)))",
            target: "= floor",
            floor: "⌈\(live)/100⌉ = \(floor)",
            met: catalogCalls.count == floor && searches == floor
        )
        rows.add(
            "steady pass, \(live.formatted()) live: rate-limited GitHub calls",
            "\(costlyCalls) (\(githubCalls) sent, the rest answered 304)",
            target: "0",
            floor: "0",
            met: costlyCalls == 0
        )
    }

    /// The journal of `scene`'s requests, all active on `products` and told: a remote-mode state directory.
    static func writeRemoteState(scene: RemoteScene, products: [String]) throws {
        let url = URL(fileURLWithPath: scene.statePath)
        let desired = DesiredStateLoader(directory: scene.desiredPath).load()
        guard let pool = desired.pool else { throw BenchmarkError("the steady pool.json is invalid") }
        let (journal, _) = try FileJournal.openForWriting(stateDirectory: url)
        defer { journal.close() }
        var state = JournalState(lineage: journal.lineage)
        let now = Date()
        for (index, spec) in Synthetic.specs(desired).enumerated() {
            for event in Synthetic.events(
                for: spec,
                index: index,
                pool: pool,
                ended: false,
                now: now,
                product: products[index]
            ) {
                state.apply(event)
            }
        }
        try journal.compact(snapshot: JournalCodec.encodeSnapshot(state))
        try Data("aws\n".utf8).write(to: url.appendingPathComponent("mode"))
    }

    /// The calls that take one request file to an active sandbox and its `ready` comment, under `sandboxd run`.
    static func oneRequest(rows: TableRows) throws {
        progress("table: one request from its file to active and told")
        let scene = try RemoteScene(name: "one", pool: BurstBenchmark.pool(capacity: 1), completionTime: 0.5)
        defer { scene.stop() }
        let notify = try NotifySocket(path: scene.notifyPath)
        let daemon = try scene.startDaemon()
        defer { daemon.stop(SIGTERM) }
        guard notify.wait(seconds: 30, for: { $0.hasPrefix("STATUS=0/1 active") }) else {
            throw BenchmarkError("sandboxd did not finish its first pass\n\(daemon.log)")
        }
        Thread.sleep(forTimeInterval: 0.5)
        let text = scene.requester(login: "dev000001", request: "req-one", pullRequest: 1)
        let catalogBefore = scene.catalog.requests.count
        let githubBefore = scene.github.requests.count
        let start = Date()
        try scene.directory.write("desired/requests/req-one.json", text)
        guard
            poll(
                timeout: 60,
                every: 0.01,
                until: { scene.github.commentWrites.contains { $0.marker.hasSuffix(":ready") } }
            )
        else { throw BenchmarkError("no ready comment within 60 s\n\(daemon.log.suffix(3000))") }
        let elapsed = Date().timeIntervalSince(start)
        Thread.sleep(forTimeInterval: 0.5)
        let catalogCalls = scene.catalog.requests[catalogBefore...].map { operation(of: $0) }
        let sent = scene.github.requests[githubBefore...].map { "\($0.method) \(template($0.path))" }
        // The forecasts' listing of open pull requests (docs/behaviour.md §6.9) runs beside, whatever the request.
        let forecastListing = "GET repos/octo-org/sandboxes/pulls"
        let githubCalls = sent.filter { $0 != forecastListing }
        let forecasts = sent.count - githubCalls.count
        let floor = [
            "GitHub: the pull request's comments (§3.15)",
            "the pull request, its files, the account (verification)", "ProvisionProduct",
            "one look to see it AVAILABLE (SearchProvisionedProducts or DescribeRecord)",
            "GetProvisionedProductOutputs", "POST the `ready` comment",
        ]
        rows.add(
            "one request, file → active and told: calls",
            "\(catalogCalls.count + githubCalls.count): SC \(summary(catalogCalls)); GitHub \(summary(githubCalls))"
                + (forecasts > 0 ? " (and the forecasts' listing of open pull requests ×\(forecasts))" : ""),
            target: "= floor",
            floor: "8: " + floor.joined(separator: ", "),
            met: catalogCalls.count + githubCalls.count <= 8
        )
        rows.add("one request: file → `ready` comment (s)", format(elapsed), floor: "0.5 s provisioning in the fake")
    }

    /// The Service Catalog operation of a request to the fake.
    static func operation(of request: RecordedRequest) -> String {
        (request.headers["X-Amz-Target"] ?? "?").split(separator: ".").last.map(String.init) ?? "?"
    }

    /// `path` with numbers and query replaced, to group GitHub calls.
    static func template(_ path: String) -> String {
        let bare = path.split(separator: "?").first.map(String.init) ?? path
        return bare.split(separator: "/").map { $0.allSatisfy(\.isNumber) ? "N" : String($0) }.joined(separator: "/")
    }

    /// `name ×count` for each distinct value, most frequent first.
    static func summary(_ values: [String]) -> String {
        var counts: [String: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        let parts = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) ×\($0.value)" }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}
