import Foundation
import SandboxAWS
import SandboxCore
import SandboxHTTP
import SandboxTesting
import Testing

/// The fake Service Catalog's standing faults (`injectFault(_:on:)`), through real HTTP.
@Suite("the fake Service Catalog's standing faults")
struct FakeCatalogStandingFaultTests {
    /// Polls `condition` every 20 ms for up to 10 s; whether it came true.
    private static func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    private static func calls(_ operation: String, _ fake: FakeServiceCatalogServer) -> Int {
        fake.requests.filter { $0.headers["X-Amz-Target"] == "AWS242ServiceCatalogService.\(operation)" }.count
    }

    @Test("a hung operation is recorded and never answered while other operations are; clearing it answers it")
    func hang() async throws {
        let fake = try makeFakeCatalog()
        defer { fake.stop() }
        fake.injectFault(.hang, on: "ProvisionProduct")
        // One attempt with a short timeout for the call that hangs; the others keep the default 5 s.
        let impatient = AWSCatalog(
            client: makeClient(for: fake, retryPolicy: testRetryPolicy(maxAttempts: 1, attemptTimeout: .seconds(1)))
        )
        let catalog = AWSCatalog(client: makeClient(for: fake))
        let request = provisionRequest("sandbox-req-held", token: "sbxheld1")

        async let held = catalogError { _ = try await impatient.provision(request) }
        #expect(await Self.eventually { fake.heldRequests == 1 }, "the ProvisionProduct call never arrived")
        try await catalog.checkProduct(sandboxProduct)
        #expect(try await catalog.listProducts(pool: "default").isEmpty)

        let error = await held
        #expect(error?.kind == .unavailable)
        #expect(error?.message.contains("timed out") == true, "\(String(describing: error))")
        #expect(Self.calls("ProvisionProduct", fake) == 1)
        #expect(fake.heldRequests == 1, "the server answered (or dropped) the held call after the client gave up")
        #expect(fake.productsCreated == 0)

        fake.injectFault(.clear, on: "ProvisionProduct")
        // Released, the held call is carried out as a late call would be: its answer goes to a closed connection.
        #expect(await Self.eventually { fake.heldRequests == 0 && fake.productsCreated == 1 })
        let receipt = try await catalog.provision(request)
        #expect(receipt.provisionedProductId == fake.liveProducts.first?.id)
        #expect(fake.productsCreated == 1)
        #expect(Self.calls("ProvisionProduct", fake) == 2)
        #expect(fake.violations.isEmpty)
    }

    @Test("an endless body is cut off by the client's limit, and the fault stays until cleared")
    func endlessBody() async throws {
        let fake = try makeFakeCatalog()
        defer { fake.stop() }
        fake.injectFault(.endlessBody, on: "SearchProvisionedProducts")
        let client = makeClient(for: fake, transport: URLSessionTransport(maximumResponseBytes: 1 << 20))
        let catalog = AWSCatalog(client: client)

        for _ in 0..<2 {
            let error = await catalogError { _ = try await catalog.listProducts(pool: "default") }
            #expect(error?.message.contains("larger than 1048576 bytes") == true, "\(String(describing: error))")
        }
        try await catalog.checkProduct(sandboxProduct)
        #expect(Self.calls("SearchProvisionedProducts", fake) == 2, "each call was sent once, not retried")
        #expect(fake.calls["SearchProvisionedProducts"] == 2)
        #expect(fake.injectedFaults["endlessBody"] == 2)

        fake.injectFault(.clear, on: "SearchProvisionedProducts")
        #expect(try await catalog.listProducts(pool: "default").isEmpty)
        #expect(fake.violations.isEmpty)
    }

    @Test("a hung request is dropped when the fake stops")
    func stopReleasesHeld() async throws {
        let fake = try makeFakeCatalog()
        fake.injectFault(.hang, on: "DescribeProduct")
        // A transport of its own: its first connection is new, so libcurl does not try to replay the call.
        let client = makeClient(
            for: fake,
            retryPolicy: testRetryPolicy(maxAttempts: 1, attemptTimeout: .seconds(600)),
            transport: URLSessionTransport()
        )
        let catalog = AWSCatalog(client: client)
        let started = ContinuousClock.now
        async let held = catalogError { try await catalog.checkProduct(sandboxProduct) }
        #expect(await Self.eventually { fake.heldRequests == 1 })
        fake.stop()
        let error = await held
        #expect(fake.heldRequests == 0)
        #expect(error?.kind == .unavailable, "\(String(describing: error))")
        // Far below the call's own 600 s timeout, and far above what a loaded 2-core machine needs to stop.
        #expect(ContinuousClock.now - started < .seconds(300), "the call waited for its timeout, not for stop()")
    }
}
