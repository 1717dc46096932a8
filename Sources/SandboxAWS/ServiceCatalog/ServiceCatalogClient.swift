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

    public let credentials: any AWSCredentialsProvider
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

    // MARK: - The call

    /// Every page's items: follows `NextPageToken` until it is absent, null or empty; a token that comes back twice
    /// is an error, as in botocore's paginator.
    public func all<Input: ServiceCatalogPagedRequest, Page: ServiceCatalogPage>(
        _ call: ServiceCatalog.Call<Input, Page>,
        _ first: Input
    ) async throws(CatalogError) -> [Page.Item] {
        let operation = call.operation.rawValue
        var (request, items, seenTokens) = (first, [Page.Item](), Set<String>())
        for _ in 0..<Self.maximumPages {
            let page = try await send(call, request)
            items += page.items
            guard let next = page.nextPageToken, !next.isEmpty else { return items }
            guard seenTokens.insert(next).inserted else {
                throw CatalogError(.other, message: "\(operation) returned the same NextPageToken twice")
            }
            request.pageToken = next
        }
        throw CatalogError(.other, message: "\(operation) did not stop after \(Self.maximumPages) pages")
    }

    /// One operation: the request checked against the model, sent (retried when safe), and the answer decoded and
    /// checked for the members callers rely on.
    public func send<Input, Output>(
        _ call: ServiceCatalog.Call<Input, Output>,
        _ input: Input
    ) async throws(CatalogError) -> Output {
        let operation = call.operation
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
                makeRequest: signer.attempts(
                    endpoint: endpoint,
                    headers: [("X-Amz-Target", operation.target), ("Content-Type", Self.contentType)],
                    body: Array(body),
                    credentials: credentials,
                    now: now
                ),
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
        if let missing = output.missingMember {
            throw CatalogError(.other, message: "\(operation.rawValue) answered without \(missing)")
        }
        return output
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

    static func classify(_ response: HTTPResponse) -> AWSRetryingSender.Classification {
        (200...299).contains(response.status) ? .success : AWSErrorResponse(json: response).classification
    }

    static func catalogError(_ error: AWSCallError, operation: ServiceCatalog.Operation, now: Date) -> CatalogError {
        switch error {
        case .response(let response, let attempts):
            return CatalogError(
                aws: AWSErrorResponse(json: response),
                operation: operation.rawValue,
                attempts: attempts,
                now: now
            )
        case .transport(let failure, let attempts):
            return CatalogError(
                .unavailable,
                message: "\(operation.rawValue): \(failure) (\(attempts) attempt\(attempts == 1 ? "" : "s"))"
            )
        case .credentials(let failure):
            return CatalogError(
                failure.code == .credentialsUnavailable ? .unavailable : .accessDenied,
                message: "cannot get AWS credentials: \(failure.message)"
            )
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
