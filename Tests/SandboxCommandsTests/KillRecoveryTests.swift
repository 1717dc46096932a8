import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A small deterministic generator (SplitMix64), so the kill moments are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The `sandboxd` executable built beside the test bundle.
var sandboxdExecutable: URL {
    let bundle = Bundle.main.bundleURL
    let candidates = [bundle.deletingLastPathComponent(), bundle]
    for directory in candidates {
        let url = directory.appendingPathComponent("sandboxd")
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/sandboxd")
}

@Suite("reconcile survives SIGKILL at any moment")
struct KillRecoveryTests {
    struct SimulatorFile: Decodable {
        struct Product: Decodable {
            var id: String
            var name: String
            var tags: [String: String]
        }
        struct Record: Decodable {
            var type: String
            var productId: String
        }
        var products: [Product]
        var records: [String: Record]
    }

    /// Starts `reconcile --local --wait`, lets it run `delay` seconds (or to the end), and kills it.
    func runAndKill(state: String, desired: String, delay: Double?, log: URL) throws {
        let process = Process()
        process.executableURL = sandboxdExecutable
        process.arguments = [
            "reconcile", "--local", "--wait", "--timeout", "60s", "--desired-state", desired,
            "--state-dir", state,
        ]
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        try process.run()
        if let delay {
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        try handle.close()
    }

    @Test("killed 20 times at random moments and run again: no product twice, none unaccounted, no comment twice")
    func killTwentyTimes() async throws {
        // Sleeping and waiting for children blocks a thread: keep it off the concurrency pool, which
        // the other tests (and their loopback servers) share.
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                do {
                    try self.killTwentyTimesBlocking()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }

    func killTwentyTimesBlocking() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let desired = directory.path("desired")
        try FileManager.default.copyItem(atPath: exampleDesiredState, toPath: desired)
        // Short leases, so the kills also land in expiry, termination and hand-over.
        for name in try FileManager.default.contentsOfDirectory(atPath: desired + "/requests") {
            let path = desired + "/requests/" + name
            let text = try String(contentsOfFile: path, encoding: .utf8)
                .replacingOccurrences(of: "\"lease\": \"3d\"", with: "\"lease\": \"4s\"")
                .replacingOccurrences(of: "\"lease\": \"2d\"", with: "\"lease\": \"6s\"")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let state = directory.path("state")
        let log = URL(fileURLWithPath: directory.path("stdout.log"))
        var random = SeededGenerator(state: 20_261_129)
        for round in 1...20 {
            let delay = Double.random(in: 0.05...2.5, using: &random)
            try runAndKill(state: state, desired: desired, delay: delay, log: log)
            try checkInvariants(state: state, log: log, after: "kill \(round) at \(delay)s")
        }
        try runAndKill(state: state, desired: desired, delay: nil, log: log)
        try checkInvariants(state: state, log: log, after: "the final run")
    }

    func checkInvariants(state: String, log: URL, after moment: String) throws {
        let catalogPath = state + "/local/catalog.json"
        guard let data = FileManager.default.contents(atPath: catalogPath) else { return }
        let simulator = try JSONDecoder().decode(SimulatorFile.self, from: data)
        // One provisioning record per product name (no failure is simulated, so one attempt each).
        let provisioned = simulator.records.values.filter { $0.type == "PROVISION_PRODUCT" }
        let namesByProduct = Dictionary(uniqueKeysWithValues: simulator.products.map { ($0.id, $0.name) })
        var productsPerRequest: [String: Set<String>] = [:]
        for record in provisioned {
            let request =
                simulator.products.first { $0.id == record.productId }?.tags["sandboxd:request"]
                ?? namesByProduct[record.productId] ?? record.productId
            productsPerRequest[request, default: []].insert(record.productId)
        }
        for (request, products) in productsPerRequest {
            #expect(products.count == 1, "two products for \(request) after \(moment)")
        }
        #expect(Set(simulator.products.map(\.name)).count == simulator.products.count, "a name twice after \(moment)")
        // Every live product belongs to a request file.
        for product in simulator.products {
            let request = product.tags["sandboxd:request"] ?? ""
            #expect(
                FileManager.default.fileExists(
                    atPath: URL(fileURLWithPath: state).deletingLastPathComponent().path
                        + "/desired/requests/\(request).json"
                ),
                "\(product.name) is accounted for by no request after \(moment)"
            )
        }
        // Comments: every event but the edited-in-place queued one is posted at most once.
        let printed = String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self)
        var counts: [String: Int] = [:]
        for line in printed.split(separator: "\n") where line.hasPrefix("── outbox/") {
            counts[String(line), default: 0] += 1
        }
        for (line, count) in counts where !line.contains(".queued.") {
            #expect(count == 1, "\(line) printed \(count) times after \(moment)")
        }
    }
}
