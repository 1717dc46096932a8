import Foundation
import SandboxCore
import SandboxLocal
import SandboxRuntime

/// A desired state with `capacity` slots and one request file per requester.
func flowDesiredState(capacity: Int, requesters: [String], lease: String = "3d") -> DesiredState {
    let pool = PoolConfiguration(
        capacity: capacity,
        product: ProductReference(productId: "prod-abcdefghijklm", provisioningArtifactId: "pa-abcdefghijklm"),
        parameters: ["SandboxOwner": "{{requester}}"]
    )
    var requests: [RequestID: RequestEntry] = [:]
    for (index, requester) in requesters.enumerated() {
        let id = RequestID("req-\(requester)")!
        requests[id] = .valid(
            RequestSpec(
                id: id,
                requester: requester,
                pullRequest: 100 + index,
                lease: LeaseDuration(lease)
            )
        )
    }
    return DesiredState(pool: pool, requests: requests)
}

/// A temporary directory removed at the end of the test.
func makeTemporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sandboxd-test-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The files in the outbox, sorted.
func outboxFiles(_ outbox: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: outbox.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
}
