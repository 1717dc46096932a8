public import Foundation
public import SandboxCore
public import SandboxHTTP

/// A small, exact client for AWS Service Catalog's JSON 1.1 protocol: `POST /` with `X-Amz-Target:
/// AWS242ServiceCatalogService.<Operation>`, signed with SigV4 for each attempt, with botocore's `amz-sdk-invocation-id`
/// (one per call) and `amz-sdk-request: attempt=N; max=M`. Retries follow ``AWSRetryingSender``; errors come back as
/// ``CatalogError`` with AWS's code and message.
public struct ServiceCatalogClient: Sendable {
    public static let targetPrefix = "AWS242ServiceCatalogService"
    public static let contentType = "application/x-amz-json-1.1"
    /// Of every AWS request sandboxd sends.
    public static let userAgent = "sandboxd (Swift; no AWS SDK)"
    /// The most pages a listing follows (a server that never stops paging).
    static let maximumPages = 1000

    /// Its path, if any, is kept.
    public let endpoint: URL
    public let region: String

    private let credentials: any AWSCredentialsProvider
    private let sender: AWSRetryingSender
    private let signer: SigV4Signer
    private let now: @Sendable () -> Date

    /// `now` is the clock used for signing.
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

    // MARK: - Operations

    public func provisionProduct(
        _ input: ServiceCatalog.ProvisionProductInput
    ) async throws(CatalogError) -> ServiceCatalog.RecordDetail {
        try await recordDetail(.provisionProduct, input)
    }

    public func terminateProvisionedProduct(
        _ input: ServiceCatalog.TerminateProvisionedProductInput
    ) async throws(CatalogError) -> ServiceCatalog.RecordDetail {
        try await recordDetail(.terminateProvisionedProduct, input)
    }

    public func describeRecord(
        _ input: ServiceCatalog.DescribeRecordInput
    ) async throws(CatalogError) -> ServiceCatalog.DescribeRecordOutput {
        try await send(.describeRecord, input)
    }

    /// Strongly consistent, unlike the search index: `ResourceNotFoundException` means the product is gone.
    public func describeProvisionedProduct(
        _ input: ServiceCatalog.DescribeProvisionedProductInput
    ) async throws(CatalogError) -> ServiceCatalog.ProvisionedProductDetail {
        let output: ServiceCatalog.DescribeProvisionedProductOutput = try await send(.describeProvisionedProduct, input)
        guard let detail = output.provisionedProductDetail else {
            throw CatalogError(.other, message: "DescribeProvisionedProduct answered without ProvisionedProductDetail")
        }
        return detail
    }

    /// Every page of `SearchProvisionedProducts`, each product once (by id, first seen wins).
    public func searchAllProvisionedProducts(
        _ input: ServiceCatalog.SearchProvisionedProductsInput
    ) async throws(CatalogError) -> [ServiceCatalog.ProvisionedProductAttribute] {
        var seenIds: Set<String> = []
        let products = try await allPages(.searchProvisionedProducts, input, \.pageToken) {
            (page: ServiceCatalog.SearchProvisionedProductsOutput) in
            (page.provisionedProducts ?? [], page.nextPageToken)
        }
        return products.filter { product in product.id.map { seenIds.insert($0).inserted } ?? true }
    }

    /// Every output of a product, in the order the service lists them.
    public func allProvisionedProductOutputs(
        provisionedProductId: String
    ) async throws(CatalogError) -> [ServiceCatalog.RecordOutput] {
        let first = ServiceCatalog.GetProvisionedProductOutputsInput(provisionedProductId: provisionedProductId)
        return try await allPages(.getProvisionedProductOutputs, first, \.pageToken) {
            (page: ServiceCatalog.GetProvisionedProductOutputsOutput) in
            (page.outputs ?? [], page.nextPageToken)
        }
    }

    public func describeProduct(
        _ input: ServiceCatalog.DescribeProductInput
    ) async throws(CatalogError) -> ServiceCatalog.DescribeProductOutput {
        try await send(.describeProduct, input)
    }

    public func describeProvisioningArtifact(
        _ input: ServiceCatalog.DescribeProvisioningArtifactInput
    ) async throws(CatalogError) -> ServiceCatalog.DescribeProvisioningArtifactOutput {
        try await send(.describeProvisioningArtifact, input)
    }

    // MARK: - The call

    private func recordDetail(
        _ operation: ServiceCatalog.Operation,
        _ input: some ServiceCatalogRequest
    ) async throws(CatalogError) -> ServiceCatalog.RecordDetail {
        let output: ServiceCatalog.RecordDetailOutput = try await send(operation, input)
        guard let detail = output.recordDetail, let recordId = detail.recordId, !recordId.isEmpty else {
            throw CatalogError(.other, message: "\(operation.rawValue) answered without RecordDetail.RecordId")
        }
        return detail
    }

    /// Follows `NextPageToken` until it is absent, null or empty; a token that comes back twice is an error, as in
    /// botocore's paginator.
    private func allPages<Input: ServiceCatalogRequest, Page: Decodable, Item>(
        _ operation: ServiceCatalog.Operation,
        _ first: Input,
        _ token: WritableKeyPath<Input, String?>,
        _ items: (Page) -> ([Item], String?)
    ) async throws(CatalogError) -> [Item] {
        var request = first
        var all: [Item] = []
        var seenTokens: Set<String> = []
        for _ in 0..<Self.maximumPages {
            let (page, next) = items(try await send(operation, request) as Page)
            all += page
            guard let next, !next.isEmpty else { return all }
            guard seenTokens.insert(next).inserted else {
                throw CatalogError(.other, message: "\(operation.rawValue) returned the same NextPageToken twice")
            }
            request[keyPath: token] = next
        }
        throw CatalogError(.other, message: "\(operation.rawValue) did not stop after \(Self.maximumPages) pages")
    }

    func send<Output: Decodable>(
        _ operation: ServiceCatalog.Operation,
        _ input: some ServiceCatalogRequest
    ) async throws(CatalogError) -> Output {
        let problems = input.validationProblems()
        guard problems.isEmpty else {
            throw CatalogError(
                .invalidRequest,
                code: "ParamValidation",
                message: "\(operation.rawValue) was not sent: " + problems.joined(separator: "; ")
            )
        }
        guard let body = try? Self.encoder.encode(input) else {
            throw CatalogError(.invalidRequest, message: "\(operation.rawValue): cannot encode the request")
        }
        let response: HTTPResponse
        do throws(AWSCallError) {
            response = try await sender.send(
                safeToRepeat: !operation.isMutating || input.idempotencyToken?.isEmpty == false,
                makeRequest: signedRequest(operation, body: Array(body), invocationId: UUID().uuidString.lowercased()),
                classify: Self.classify
            )
        } catch {
            throw Self.catalogError(error, operation: operation, now: now())
        }
        guard
            let output = try? Self.decoder.decode(
                Output.self,
                from: response.body.isEmpty ? Data("{}".utf8) : response.body
            )
        else {
            throw CatalogError(
                .other,
                message: "\(operation.rawValue) answered HTTP \(response.status) with a body that is not the expected "
                    + "JSON (\(response.body.count) bytes)"
            )
        }
        return output
    }

    /// Builds attempt `attempt` of `maxAttempts`, signed with fresh credentials at the time it is sent.
    private func signedRequest(
        _ operation: ServiceCatalog.Operation,
        body: [UInt8],
        invocationId: String
    ) -> @Sendable (Int, Int) async throws(AWSCallError) -> HTTPRequest {
        let (url, credentials, signer, now) = (requestURL, credentials, signer, now)
        return { (attempt, maxAttempts) throws(AWSCallError) -> HTTPRequest in
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
        }
    }

    /// Member names are the model's with the first letter lowered: `ProvisionToken` is `provisionToken`.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .custom { path in ModelKey(path.last!.stringValue, upper: true) }
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        decoder.keyDecodingStrategy = .custom { path in ModelKey(path.last!.stringValue, upper: false) }
        return decoder
    }()

    var requestURL: URL {
        guard endpoint.path.isEmpty, var components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false)
        else { return endpoint }
        components.path = "/"
        return components.url ?? endpoint
    }

    /// 2xx succeeds; throttling codes are throttled; transient codes and 5xx are transient; the rest is final.
    static func classify(_ response: HTTPResponse) -> AWSRetryingSender.Classification {
        if (200...299).contains(response.status) { return .success }
        let error = AWSErrorResponse(json: response)
        if AWSErrorCodes.throttling.contains(error.code) { return .throttled }
        if AWSErrorCodes.isTransient(code: error.code, status: response.status) { return .transient }
        return .final
    }

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

/// A JSON member name of the model, from or to a Swift property name.
private struct ModelKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ name: String, upper: Bool) {
        let first = name.prefix(1)
        stringValue = (upper ? first.uppercased() : first.lowercased()) + name.dropFirst()
    }

    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
