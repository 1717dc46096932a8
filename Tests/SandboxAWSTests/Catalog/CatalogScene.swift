import Foundation
import SandboxAWS
import SandboxCore
import SandboxHTTP
import SandboxRuntime
import SandboxTesting
import SandboxLocking

/// The real Reconciler over AWSCatalog and the fake Service Catalog on loopback HTTP, on one manual clock (the
/// client signs with it and the fake checks signatures and completes operations by it).
struct CatalogScene {
    let clock = ManualClock(Date())
    let fake: FakeServiceCatalogServer
    let github = OfflineGitHub()
    let store = InMemoryJournalStore(lineage: "scene")
    let catalog: AWSCatalog
    let reconciler: Reconciler
    /// Every access level the adapter told its observer of, in order.
    let levels = LevelLog()
    let capacity: Int

    init(
        capacity: Int,
        pageSize: Int = 100,
        completionTime: TimeInterval? = nil,
        principals: [String: FakeServiceCatalogServer.Principal] = [:]
    ) throws {
        let clock = clock
        fake = try FakeServiceCatalogServer(
            .init(
                credentials: [acceptedTestCredentials],
                searchPageSize: pageSize,
                stepsToComplete: 1,
                completionTime: completionTime,
                principals: principals,
                now: { clock.now() }
            )
        )
        let levels = levels
        catalog = AWSCatalog(client: makeClient(for: fake, now: { clock.now() }))
            .remembering(nil) { level in levels.entries.withLock { $0.append(level) } }
        reconciler = Reconciler(
            store: store,
            state: JournalState(lineage: "scene"),
            catalog: catalog,
            github: github,
            clock: clock,
            poolName: "default"
        )
        self.capacity = capacity
    }

    /// A pool of `capacity` and one request per requester (`req-<name>`), lease 3 days.
    func desired(_ requesters: [String]) -> DesiredState {
        let pool = PoolConfiguration(capacity: capacity, lease: LeaseDuration("3d")!, product: sandboxProduct)
        var requests: [RequestID: RequestEntry] = [:]
        for (index, requester) in requesters.enumerated() {
            let id = RequestID("req-\(requester)")!
            requests[id] = .valid(RequestSpec(id: id, requester: requester, pullRequest: 10 + index))
        }
        return DesiredState(pool: pool, requests: requests)
    }

    /// Passes `seconds` apart until `done` holds (at most `limit`).
    @discardableResult
    func converge(
        _ desired: DesiredState,
        every seconds: TimeInterval = 5,
        limit: Int = 30,
        until done: ([String: RequestState]) -> Bool
    ) async throws -> Int {
        for passes in 1...limit {
            _ = try await reconciler.pass(desired: desired)
            if done(await states()) { return passes }
            clock.advance(by: seconds)
        }
        return limit
    }

    /// The state of each request, by requester.
    func states() async -> [String: RequestState] {
        let records = await reconciler.state.requests.values
        return Dictionary(uniqueKeysWithValues: records.map { (String($0.id.rawValue.dropFirst(4)), $0.state) })
    }

    /// The product of `requester`'s request.
    func productId(of requester: String) async -> String? {
        await reconciler.state.requests[RequestID("req-\(requester)")!]?.productId
    }

    /// Every event recorded so far.
    var events: [JournalEvent] {
        store.stored.records.compactMap { try? JSONDecoder().decode(JournalEvent.self, from: Data($0)) }
    }

    /// The comments written for `event`.
    func comments(_ event: NotificationEvent) -> [String] {
        github.bodies.filter { body in NotificationMarker.markers(in: body).contains { $0.event == event } }
    }

    /// The bodies of the `SearchProvisionedProducts` requests after the first `skip` requests.
    func searches(after skip: Int = 0) -> [JSONValue] {
        fake.requests.dropFirst(skip).filter {
            $0.headers["X-Amz-Target"]?.hasSuffix(".SearchProvisionedProducts") == true
        }
        .compactMap { JSONValue.parse($0.body) }
    }

    /// The operations the fake received after the first `skip` requests.
    func operations(after skip: Int) -> [String] {
        fake.requests.dropFirst(skip).compactMap {
            $0.headers["X-Amz-Target"]?.split(separator: ".").last.map(String.init)
        }
    }
}

/// What an observer was told, for assertions.
final class LevelLog: Sendable {
    let entries = Locked<[AWSCatalog.AccessLevel]>([])

    var all: [AWSCatalog.AccessLevel] { entries.withLock { $0 } }
}
