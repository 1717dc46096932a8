import Foundation
import SandboxAWS
import SandboxCore
import SandboxHTTP
import SandboxTesting
import SandboxLocking

/// Long-term test keys (botocore's documentation example).
let testCredentials = AWSCredentials(
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

/// The same keys as the fakes accept them.
let acceptedTestCredentials = SigV4Verifier.Credentials(
    accessKeyId: testCredentials.accessKeyId,
    secretAccessKey: testCredentials.secretAccessKey
)

/// A deterministic jitter source: a linear congruential generator in `[0, 1)`.
final class SeededRandom: Sendable {
    private let state: Locked<UInt64>

    init(seed: UInt64 = 42) {
        state = Locked(seed)
    }

    func next() -> Double {
        state.withLock { value in
            value = value &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(value >> 11) / Double(1 << 53)
        }
    }
}

/// Records the delays asked for instead of sleeping.
final class SleepRecorder: Sendable {
    private let delays = Locked<[Duration]>([])

    var recorded: [Duration] { delays.withLock { $0 } }

    func sleep(_ duration: Duration) async {
        delays.withLock { $0.append(duration) }
    }
}

/// A retry policy that never sleeps, with seeded jitter.
func testRetryPolicy(
    maxAttempts: Int = 3,
    // Generous: the whole suite runs in parallel on 2 cores, where an answer can take seconds to come back;
    // an attempt that times out is not retried, and no retry starts after maxCallDuration, so the
    // production bounds would read a loaded machine as a hung service. The timeout tests set their own.
    attemptTimeout: Duration = .seconds(30),
    maxCallDuration: Duration = .seconds(120),
    recorder: SleepRecorder = SleepRecorder(),
    seed: UInt64 = 42
) -> AWSRetryPolicy {
    let random = SeededRandom(seed: seed)
    return AWSRetryPolicy(
        maxAttempts: maxAttempts,
        attemptTimeout: attemptTimeout,
        maxCallDuration: maxCallDuration,
        random: { random.next() },
        sleep: { await recorder.sleep($0) }
    )
}

/// One transport for the tests, as production shares one: a URLSession per client would add threads and
/// connections that slow down every other test on the machine.
let sharedTransport: any HTTPTransport = URLSessionTransport()

/// A fake Service Catalog accepting the test keys.
func makeFakeCatalog(
    stepsToComplete: Int = 2,
    faults: FakeServiceCatalogServer.Faults = .none,
    credentials: [SigV4Verifier.Credentials] = [acceptedTestCredentials],
    now: @escaping @Sendable () -> Date = { Date() }
) throws -> FakeServiceCatalogServer {
    try FakeServiceCatalogServer(
        FakeServiceCatalogServer.Configuration(
            credentials: credentials,
            stepsToComplete: stepsToComplete,
            faults: faults,
            now: now
        )
    )
}

/// A client for a fake, signing with `credentials`.
func makeClient(
    for fake: FakeServiceCatalogServer,
    credentials: any AWSCredentialsProvider = StaticCredentialsProvider(testCredentials),
    retryPolicy: AWSRetryPolicy = testRetryPolicy(),
    transport: any HTTPTransport = sharedTransport,
    now: @escaping @Sendable () -> Date = { Date() }
) -> ServiceCatalogClient {
    ServiceCatalogClient(
        endpoint: fake.endpoint,
        region: "us-east-1",
        credentials: credentials,
        transport: transport,
        retryPolicy: retryPolicy,
        now: now
    )
}

/// The product the fake can launch.
let sandboxProduct = ProductReference(
    productId: FakeServiceCatalogServer.CatalogProduct.sandbox.id,
    provisioningArtifactId: FakeServiceCatalogServer.CatalogProduct.sandbox.artifacts[0].id,
    pathId: FakeServiceCatalogServer.CatalogProduct.sandbox.launchPaths[0]
)

/// A provision request for `name` in pool `pool`.
func provisionRequest(_ name: String, token: String, pool: String = "default") -> ProvisionRequest {
    ProvisionRequest(
        name: name,
        token: token,
        product: sandboxProduct,
        parameters: ["SandboxOwner": "octocat", "Purpose": "tests"],
        tags: [TagKey.pool: pool, TagKey.request: name, TagKey.requester: "octocat"]
    )
}

/// Runs `body` and returns the catalog error it threw.
func catalogError(_ body: () async throws -> Void) async -> CatalogError? {
    do {
        try await body()
        return nil
    } catch {
        return error as? CatalogError
    }
}

/// A temporary directory, removed by the caller.
func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sandboxd-aws-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
