import Foundation
import SandboxHTTP
import SandboxTesting
import Testing

/// An API answering with a body that never ends: the built `sandboxd reconcile` must cut it off at the
/// transport's cap, report that, exit 1 soon, and stay small — measured on the real process.
@Suite("an endless response is cut off at the cap: reconcile reports it, exits 1, and stays small")
struct ResponseCapTests {
    /// After this the child is SIGKILLed (and the test fails): far above the few seconds a pass takes.
    static let bound = Duration.seconds(60)
    /// 100 MB, in KiB (`ru_maxrss` on Linux).
    /// Plus what a sanitizer adds to any process (its shadow memory), not what the body could.
    static let maximumRSSKiB = 100 * 1024 + Sanitizer.memoryOverheadKiB
    /// What the cap's error says (``HTTPTransportError/responseTooLarge(_:limit:)``).
    static let capMessage = "larger than \(URLSessionTransport.defaultMaximumResponseBytes) bytes"

    @Test(
        "Service Catalog answering a pass's first calls with an endless body",
        arguments: ["DescribeProduct", "SearchProvisionedProducts"]
    )
    func endlessCatalogAnswer(operation: String) async throws {
        let scene = try RemoteModeCommandTests.Scene()
        defer { scene.stop() }
        scene.catalog.injectFault(.endlessBody, on: operation)

        let run = try await MeasuredProcess.run(
            arguments: ["reconcile"] + scene.arguments,
            environment: scene.environment,
            bound: Self.bound
        )
        let calls = scene.catalog.requests.filter {
            $0.headers["X-Amz-Target"] == "AWS242ServiceCatalogService.\(operation)"
        }
        print("ResponseCapTests: Service Catalog \(operation) endless, \(calls.count) call(s): \(run)")
        Self.expectCutOff(run)
        #expect(calls.count >= 1, "\(operation) was never called: \(run)")
        if operation == "DescribeProduct" {
            // A product that cannot be checked stops new provisioning for the pass (docs/behaviour.md §3.13).
            #expect(
                !scene.catalog.requests.contains {
                    $0.headers["X-Amz-Target"]?.hasSuffix(".ProvisionProduct") == true
                },
                "a pass that could not check the product provisioned"
            )
        } else {
            #expect(run.stderr.contains("cannot list the pool's products"), "\(run.stderr)")
        }
        #expect(scene.catalog.violations.isEmpty, "\(scene.catalog.violations)")
    }

    @Test(
        "GitHub answering verification's calls with an endless body",
        arguments: [FakeGitHubServer.Route.pullRequest, .user]
    )
    func endlessGitHubAnswer(route: FakeGitHubServer.Route) async throws {
        let scene = try RemoteModeCommandTests.Scene()
        defer { scene.stop() }
        scene.github.injectFault(.endlessBody, on: route)

        let run = try await MeasuredProcess.run(
            arguments: ["reconcile"] + scene.arguments,
            environment: scene.environment,
            bound: Self.bound
        )
        let calls = scene.github.requests.filter { request in
            switch route {
            case .pullRequest: request.path.hasSuffix("/pulls/1")
            default: request.path.hasPrefix("/users/")
            }
        }
        print("ResponseCapTests: GitHub \(route) endless, \(calls.count) call(s): \(run)")
        Self.expectCutOff(run)
        #expect(calls.count >= 1, "\(route) was never called: \(run)")
        #expect(
            !scene.catalog.requests.contains { $0.headers["X-Amz-Target"]?.hasSuffix(".ProvisionProduct") == true },
            "an unverified request was provisioned"
        )
    }

    /// Exit 1 well within the bound, the cap named on stderr, and a peak RSS under 100 MB that is the
    /// child's own (above the probe's floor).
    static func expectCutOff(_ run: MeasuredProcess.Outcome) {
        #expect(!run.killedAtBound, "reconcile was still running after \(bound): \(run)\n\(run.stderr)")
        #expect(run.exitCode == 1, "\(run)\n\(run.stderr)")
        #expect(run.stderr.contains(capMessage), "stderr does not name the cap (\(run)):\n\(run.stderr)")
        #expect(run.maxRSSKiB < maximumRSSKiB, "max RSS \(run.maxRSSKiB) KiB is not under 100 MB: \(run)")
        #expect(run.maxRSSKiB > run.floorKiB, "the measurement is the probe's, not sandboxd's: \(run)")
    }
}
