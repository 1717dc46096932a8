public import Foundation
import SandboxCore
public import SandboxHTTP

/// A small, exact client for AWS Service Catalog's JSON 1.1 protocol.
///
/// Every call is `POST /` with `Content-Type: application/x-amz-json-1.1` and
/// `X-Amz-Target: AWS242ServiceCatalogService.<Operation>`, signed with SigV4 (service `servicecatalog`) for each
/// attempt, plus botocore's informational `amz-sdk-invocation-id` (one per call) and
/// `amz-sdk-request: attempt=N; max=M`. The body is the request shape's JSON; it carries only members of the model
/// and is checked against the model's constraints before anything is sent.
///
/// Retries follow ``AWSRetryPolicy`` under an ``AWSRetryQuota``: throttling (but not `LimitExceededException`, a
/// quota), 5xx, timeouts and dropped connections. Reads and writes that carry their idempotency token are safe to
/// repeat; a write without one would be retried only after throttling (the service refused it before acting). Errors
/// come back as ``CatalogError`` with AWS's code and message.
///
/// ```swift
/// let client = ServiceCatalogClient(
///     endpoint: URL(string: "https://servicecatalog.eu-west-1.amazonaws.com")!,
///     region: "eu-west-1",
///     credentials: StaticCredentialsProvider(credentials),
///     transport: URLSessionTransport())
/// let record = try await client.describeRecord(ServiceCatalog.DescribeRecordInput(id: "rec-…"))
/// ```
public struct ServiceCatalogClient: Sendable {
    /// The JSON protocol's target prefix.
    public static let targetPrefix = "AWS242ServiceCatalogService"
    /// The JSON 1.1 content type.
    public static let contentType = "application/x-amz-json-1.1"
    /// The `User-Agent` of every AWS request sandboxd sends.
    public static let userAgent = "sandboxd (Swift; no AWS SDK)"

    /// The endpoint (`https://servicecatalog.<region>.amazonaws.com`, or an override).
    public let endpoint: URL
    /// The signing region.
    public let region: String

    private let credentials: any AWSCredentialsProvider
    private let sender: AWSRetryingSender
    private let signer: SigV4Signer
    private let now: @Sendable () -> Date

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - endpoint: Where to send requests; its path, if any, is kept (`/` otherwise).
    ///   - region: The signing region.
    ///   - credentials: Where the signing credentials come from.
    ///   - transport: The HTTP transport; share one.
    ///   - retryPolicy: How calls are retried.
    ///   - retryQuota: The retry budget; one per client by default.
    ///   - now: The clock used for signing.
    public init(
        endpoint: URL,
        region: String,
        credentials: any AWSCredentialsProvider,
        transport: any HTTPTransport,
        retryPolicy: AWSRetryPolicy = AWSRetryPolicy(),
        retryQuota: AWSRetryQuota = AWSRetryQuota(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.endpoint = endpoint
        self.region = region
        self.credentials = credentials
        sender = AWSRetryingSender(transport: transport, policy: retryPolicy, quota: retryQuota)
        signer = SigV4Signer(region: region, service: "servicecatalog")
        self.now = now
    }

    /// Validates, sends and decodes one call.
    func send<Output: Decodable>(
        _ input: some ServiceCatalogInput,
        as output: Output.Type
    ) async throws(CatalogError)
        -> Output
    {
        let operation = type(of: input).operation
        let problems = input.validationProblems()
        guard problems.isEmpty else {
            throw CatalogError(
                .invalidRequest,
                code: "ParamValidation",
                message: "\(operation.rawValue) was not sent: " + problems.joined(separator: "; ")
            )
        }
        let body: [UInt8]
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            body = Array(try encoder.encode(input))
        } catch {
            throw CatalogError(.invalidRequest, message: "\(operation.rawValue): cannot encode the request: \(error)")
        }
        let url = requestURL
        let invocationId = UUID().uuidString.lowercased()
        let credentials = credentials
        let signer = signer
        let now = now
        let response: HTTPResponse
        do throws(AWSCallError) {
            response = try await sender.send(
                // Reads, and writes with their idempotency token: repeating them is the same call.
                safeToRepeat: input.isSafeToRepeat,
                makeRequest: { (attempt, maxAttempts) throws(AWSCallError) -> HTTPRequest in
                    let signing: AWSCredentials
                    do throws(AWSCredentialsError) {
                        signing = try await credentials.credentials()
                    } catch {
                        throw .credentials(error)
                    }
                    var signable = SigV4Request(
                        method: "POST",
                        url: url,
                        headers: [("X-Amz-Target", operation.target), ("Content-Type", Self.contentType)],
                        body: body
                    )
                    signer.sign(&signable, credentials: signing, date: now())
                    var headers = HTTPHeaders(signable.headers.map { (name: $0.0, value: $0.1) })
                    headers.add(name: "User-Agent", value: Self.userAgent)
                    headers.add(name: "amz-sdk-invocation-id", value: invocationId)
                    headers.add(name: "amz-sdk-request", value: "attempt=\(attempt); max=\(maxAttempts)")
                    return HTTPRequest(method: "POST", url: url, headers: headers, body: Data(body))
                },
                classify: Self.classify
            )
        } catch {
            throw Self.catalogError(error, operation: operation, now: now())
        }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .secondsSince1970
            return try decoder.decode(Output.self, from: response.body.isEmpty ? Data("{}".utf8) : response.body)
        } catch {
            throw CatalogError(
                .other,
                message: "\(operation.rawValue) answered HTTP \(response.status) with a body that is not the expected "
                    + "JSON (\(response.body.count) bytes)"
            )
        }
    }

    /// The endpoint with path `/` when it has none.
    var requestURL: URL {
        guard endpoint.path.isEmpty, var components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false)
        else { return endpoint }
        components.path = "/"
        return components.url ?? endpoint
    }

    /// What a response means for retrying: 2xx succeeds; throttling codes are throttled; transient codes and 5xx are
    /// transient; everything else is final.
    static func classify(_ response: HTTPResponse) -> AWSRetryingSender.Classification {
        if (200...299).contains(response.status) { return .success }
        let error = AWSErrorResponse(json: response)
        if AWSErrorCodes.throttling.contains(error.code) { return .throttled }
        if AWSErrorCodes.isTransient(code: error.code, status: response.status) { return .transient }
        return .final
    }

    /// Turns a failed call into the port's error.
    static func catalogError(_ error: AWSCallError, operation: ServiceCatalog.Operation, now: Date) -> CatalogError {
        switch error {
        case .response(let envelope):
            return CatalogError(
                aws: AWSErrorResponse(json: envelope.response),
                operation: operation.rawValue,
                attempts: envelope.attempts,
                now: now
            )
        case .transport(let failure, let attempts):
            return CatalogError(
                .unavailable,
                message: "\(operation.rawValue): \(failure) (\(attempts) attempt\(attempts == 1 ? "" : "s"))"
            )
        case .credentials(let failure):
            return CatalogError(
                failure.kind == .unavailable ? .unavailable : .accessDenied,
                message: "cannot get AWS credentials: \(failure.message)"
            )
        case .invalidRequest(let message):
            return CatalogError(.invalidRequest, message: message)
        }
    }
}
