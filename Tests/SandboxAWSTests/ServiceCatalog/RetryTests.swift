import Foundation
import SandboxCore
import SandboxHTTP
import SandboxTesting
import SandboxLocking
import Testing

@testable import SandboxAWS

/// A transport that answers from a script, one entry per request, and counts requests.
final class ScriptedTransport: HTTPTransport {
    enum Step: Sendable {
        case respond(Int, String)
        case fail(HTTPTransportError)
    }

    private let steps: Locked<[Step]>
    private let sent = Locked<[HTTPRequest]>([])

    init(_ steps: [Step]) {
        self.steps = Locked(steps)
    }

    var requests: [HTTPRequest] { sent.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        sent.withLock { $0.append(request) }
        let step = steps.withLock { $0.isEmpty ? Step.respond(200, "{}") : $0.removeFirst() }
        switch step {
        case .respond(let status, let body):
            return HTTPResponse(
                status: status,
                headers: ["Content-Type": "application/x-amz-json-1.1"],
                body: Data(body.utf8)
            )
        case .fail(let error):
            throw error
        }
    }
}

@Suite("retries: what is retried, how long it backs off, the retry quota")
struct RetryTests {
    static let url = URL(string: "https://servicecatalog.us-east-1.amazonaws.com/")!
    static let throttled = ScriptedTransport.Step.respond(
        400,
        #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#
    )
    static let serverError = ScriptedTransport.Step.respond(500, #"{"__type":"InternalFailure"}"#)

    func send(
        _ transport: ScriptedTransport,
        safe: Bool,
        policy: AWSRetryPolicy = testRetryPolicy(),
        quota: AWSRetryQuota = AWSRetryQuota()
    ) async -> Result<HTTPResponse, AWSCallError> {
        let sender = AWSRetryingSender(transport: transport, policy: policy, quota: quota)
        do throws(AWSCallError) {
            return .success(
                try await sender.send(
                    safeToRepeat: safe,
                    makeRequest: { (_, _) throws(AWSCallError) -> HTTPRequest in
                        HTTPRequest(method: "POST", url: Self.url)
                    },
                    classify: ServiceCatalogClient.classify
                )
            )
        } catch {
            return .failure(error)
        }
    }

    @Test("throttling, 5xx and dropped connections are retried for a safe call")
    func retriesSafe() async {
        let transport = ScriptedTransport([
            Self.throttled, Self.serverError, .fail(.connectionFailed(Self.url, "cut off")), .respond(200, "{}"),
        ])
        let result = await send(transport, safe: true, policy: testRetryPolicy(maxAttempts: 5))
        #expect((try? result.get())?.status == 200)
        #expect(transport.requests.count == 4)
    }

    @Test("a timed-out attempt ends the call, unanswered: a hanging service holds a pass once, not per attempt")
    func timeoutNotRetried() async {
        let transport = ScriptedTransport([.fail(.timedOut(Self.url)), .respond(200, "{}")])
        let result = await send(transport, safe: true, policy: testRetryPolicy(maxAttempts: 5))
        #expect(transport.requests.count == 1)
        guard case .failure(.transport(.timedOut, let attempts)) = result else {
            Issue.record("expected the timeout, got \(result)")
            return
        }
        #expect(attempts == 1)
    }

    @Test("a call that is not safe to repeat is retried after throttling only")
    func unsafeCall() async {
        let throttledThenOK = ScriptedTransport([Self.throttled, .respond(200, "{}")])
        #expect((try? await send(throttledThenOK, safe: false).get())?.status == 200)
        for step in [Self.serverError, .fail(.timedOut(Self.url)), .fail(.connectionFailed(Self.url, "reset"))] {
            let transport = ScriptedTransport([step, .respond(200, "{}")])
            #expect((try? await send(transport, safe: false).get()) == nil)
            #expect(transport.requests.count == 1)
        }
    }

    @Test("LimitExceededException is a quota: not retried")
    func limitExceeded() async throws {
        let transport = ScriptedTransport([.respond(400, #"{"__type":"LimitExceededException","message":"quota"}"#)])
        let result = await send(transport, safe: true)
        #expect(transport.requests.count == 1)
        guard case .failure(.response(let response, _)) = result else {
            Issue.record("expected an error response")
            return
        }
        let error = CatalogError(
            aws: AWSErrorResponse(json: response),
            operation: "P",
            attempts: 1,
            now: Date()
        )
        #expect(error.kind == .limitExceeded)
        #expect(error.message == "quota")
    }

    @Test("client errors are not retried")
    func clientErrors() async {
        let transport = ScriptedTransport([.respond(400, #"{"__type":"InvalidParametersException","message":"x"}"#)])
        _ = await send(transport, safe: true)
        #expect(transport.requests.count == 1)
    }

    @Test("backoff is full jitter over a capped exponential, and one call backs off 5 seconds at most")
    func backoff() async {
        let recorder = SleepRecorder()
        let policy = AWSRetryPolicy(
            maxAttempts: 6,
            random: { 0.999_999 },
            sleep: { await recorder.sleep($0) }
        )
        #expect(policy.delay(beforeRetry: 1) < .seconds(1))
        #expect(policy.delay(beforeRetry: 3) > .milliseconds(3_990))
        #expect(policy.delay(beforeRetry: 9) <= .seconds(4))
        let transport = ScriptedTransport(Array(repeating: Self.throttled, count: 6))
        _ = await send(transport, safe: true, policy: policy)
        let total = recorder.recorded.reduce(Duration.zero, +)
        #expect(total <= .seconds(5))
        #expect(recorder.recorded.count == 3)  // ~1 s + ~2 s + the 2 s left; then the budget is spent
        #expect(transport.requests.count == 4)
        let zero = AWSRetryPolicy(random: { 0 })
        #expect(zero.delay(beforeRetry: 2) == .zero)
    }

    @Test("the retry quota runs dry under sustained failure and refills on success")
    func quota() async {
        let quota = AWSRetryQuota(capacity: 12, retryCost: 5, successRefund: 1)
        let failing = ScriptedTransport(Array(repeating: Self.serverError, count: 10))
        _ = await send(failing, safe: true, quota: quota)
        #expect(failing.requests.count == 3)  // two retries: 12 → 2 tokens
        #expect(quota.availableTokens == 2)
        let noBudget = ScriptedTransport([Self.serverError, .respond(200, "{}")])
        _ = await send(noBudget, safe: true, quota: quota)
        #expect(noBudget.requests.count == 1)
        _ = await send(ScriptedTransport([.respond(200, "{}")]), safe: true, quota: quota)
        #expect(quota.availableTokens == 3)
        let timeouts = ScriptedTransport([.fail(.timedOut(Self.url)), .respond(200, "{}")])
        _ = await send(timeouts, safe: true, quota: quota)
        #expect(timeouts.requests.count == 1)  // a timeout is not retried within the call
    }

    @Test("through real HTTP: a response cut off after provisioning is retried with the same token, no duplicate")
    func droppedProvision() async throws {
        let fake = try makeFakeCatalog()
        defer { fake.stop() }
        fake.enqueue(.dropAfterApplying, for: "ProvisionProduct")
        fake.enqueue(.serverErrorAfterApplying, for: "ProvisionProduct")
        let catalog = AWSCatalog(client: makeClient(for: fake))
        let receipt = try await catalog.provision(provisionRequest("sandbox-req-drop", token: "sbxdrop"))
        #expect(fake.productsCreated == 1)
        #expect(fake.liveProducts.count == 1)
        #expect(fake.liveProducts.first?.id == receipt.provisionedProductId)
        let attempts = fake.requests.filter { $0.headers["X-Amz-Target"]?.hasSuffix("ProvisionProduct") == true }
        #expect(
            attempts.map { $0.headers["amz-sdk-request"] ?? "" } == [
                "attempt=1; max=3", "attempt=2; max=3", "attempt=3; max=3",
            ]
        )
        #expect(Set(attempts.compactMap { $0.headers["amz-sdk-invocation-id"] }).count == 1)
        #expect(Set(attempts.compactMap { $0.headers["X-Amz-Date"] }).count >= 1)
        #expect(fake.violations.isEmpty)
    }

    @Test("through real HTTP: an attempt that times out ends the call unanswered, not retried")
    func timeout() async throws {
        let fake = try makeFakeCatalog()
        defer { fake.stop() }
        fake.enqueue(.delay(.seconds(2)), for: "DescribeProduct")
        let client = makeClient(for: fake, retryPolicy: testRetryPolicy(attemptTimeout: .milliseconds(500)))
        let error = await catalogError {
            _ = try await client.send(
                ServiceCatalog.describeProduct,
                ServiceCatalog.IdInput(id: sandboxProduct.productId)
            )
        }
        #expect(error?.kind == .unavailable, "\(String(describing: error))")
        #expect((fake.calls["DescribeProduct"] ?? 0) == 1)
    }

    @Test("through real HTTP: what still fails after the attempts surfaces as unavailable")
    func exhausted() async throws {
        let fake = try makeFakeCatalog()
        defer { fake.stop() }
        for _ in 0..<3 { fake.enqueue(.throttle, for: "SearchProvisionedProducts") }
        let error = await catalogError {
            _ = try await AWSCatalog(client: makeClient(for: fake)).listProducts(pool: "p")
        }
        #expect(error?.kind == .unavailable)
        #expect(error?.code == "ThrottlingException")
        #expect(error?.message.hasPrefix("Rate exceeded (SearchProvisionedProducts, 3 attempts)") == true)
    }
}
