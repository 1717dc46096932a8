public import Foundation
public import SandboxAWS
public import SandboxHTTP

/// A small client for DynamoDB's JSON 1.0 protocol (docs/behaviour.md §12.4): `POST /` with `X-Amz-Target:
/// DynamoDB_20120810.<Operation>` and `Content-Type: application/x-amz-json-1.0`, signed with SigV4 (service
/// `dynamodb`) for each attempt, retried by SandboxAWS's ``AWSRetryingSender``. Bodies are ``JSONValue``s in the
/// shapes of botocore's `dynamodb/2012-08-10/service-2.json`.
public struct DynamoDBClient: Sendable {
    public static let targetPrefix = "DynamoDB_20120810"
    public static let contentType = "application/x-amz-json-1.0"

    /// The operations sandboxd makes.
    public enum Operation: String, Sendable, CaseIterable {
        case getItem = "GetItem"
        case putItem = "PutItem"
        case updateItem = "UpdateItem"
        case query = "Query"
        case batchWriteItem = "BatchWriteItem"
        case transactWriteItems = "TransactWriteItems"
        case createTable = "CreateTable"
        case describeTable = "DescribeTable"
        case updateTimeToLive = "UpdateTimeToLive"
        /// Whether the table's TTL is on (an operator's check; sandboxd itself never calls it).
        case describeTimeToLive = "DescribeTimeToLive"

        /// The IAM actions it needs (docs/behaviour.md §12.4): a transaction needs those of its parts.
        public var iamActions: [String] {
            self == .transactWriteItems
                ? ["dynamodb:ConditionCheckItem", "dynamodb:PutItem"] : ["dynamodb:\(rawValue)"]
        }

        /// What a replica (and `ha import`) calls; the rest is `ha create-table`'s, an administrator's.
        public static let replicaOperations: [Operation] = [
            .getItem, .putItem, .updateItem, .query, .batchWriteItem, .transactWriteItems,
        ]
    }

    public let endpoint: URL
    public let region: String
    private let credentials: any AWSCredentialsProvider
    private let sender: AWSRetryingSender
    private let signer: SigV4Signer
    private let now: @Sendable () -> Date

    /// `retryPolicy` should give up well within a third of the lease: a renewal that waits longer is late.
    public init(
        endpoint: URL,
        region: String,
        credentials: any AWSCredentialsProvider,
        transport: any HTTPTransport,
        retryPolicy: AWSRetryPolicy = Self.defaultRetryPolicy,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.endpoint = endpoint
        self.region = region
        self.credentials = credentials
        sender = AWSRetryingSender(transport: transport, policy: retryPolicy, quota: AWSRetryQuota())
        signer = SigV4Signer(region: region, service: "dynamodb")
        self.now = now
    }

    /// Two attempts of at most 2 s each, 0.2 s apart: the lease is renewed every 5 s by default.
    public static let defaultRetryPolicy = AWSRetryPolicy(
        maxAttempts: 2,
        baseDelay: .milliseconds(200),
        maxDelay: .milliseconds(400),
        maxTotalBackoff: .milliseconds(400),
        attemptTimeout: .seconds(2),
        maxCallDuration: .seconds(4)
    )

    /// One call. `safeToRepeat` says whether a call that may have been carried out can be sent again (a read, a
    /// transaction with its `ClientRequestToken`, a write whose condition still holds after it).
    public func call(
        _ operation: Operation,
        _ body: [String: JSONValue],
        safeToRepeat: Bool
    ) async throws(DynamoDBError) -> JSONValue {
        guard let bytes = try? Self.encoder.encode(JSONValue.object(body)) else {
            throw DynamoDBError(.other, message: "\(operation.rawValue): cannot encode the request")
        }
        let response: HTTPResponse
        do throws(AWSCallError) {
            response = try await sender.send(
                safeToRepeat: safeToRepeat,
                makeRequest: signer.attempts(
                    endpoint: endpoint,
                    headers: [
                        ("X-Amz-Target", "\(Self.targetPrefix).\(operation.rawValue)"),
                        ("Content-Type", Self.contentType),
                    ],
                    body: Array(bytes),
                    credentials: credentials,
                    now: now
                ),
                classify: Self.classify
            )
        } catch {
            throw Self.error(error, operation: operation).advising(table: Self.tableName(in: body))
        }
        guard
            let answer = try? JSONDecoder().decode(
                JSONValue.self,
                from: response.body.isEmpty ? Data("{}".utf8) : response.body
            ),
            answer.objectValue != nil
        else {
            throw DynamoDBError(
                .other,
                message: "\(operation.rawValue) answered HTTP \(response.status) with a body that is not a JSON object"
            )
        }
        return answer
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func classify(_ response: HTTPResponse) -> AWSRetryingSender.Classification {
        (200...299).contains(response.status) ? .success : AWSErrorResponse(json: response).classification
    }

    static func error(_ error: AWSCallError, operation: Operation) -> DynamoDBError {
        switch error {
        case .response(let response, let attempts):
            let parsed = AWSErrorResponse(json: response)
            let reasons = cancellationReasons(in: response.body)
            return DynamoDBError(
                DynamoDBError.kind(ofCode: parsed.code, reasons: reasons),
                code: parsed.code,
                message: "\(operation.rawValue) (HTTP \(response.status), \(attempts) attempt"
                    + "\(attempts == 1 ? "" : "s")): \(parsed.message)",
                cancellationReasons: reasons
            )
        case .transport(let failure, let attempts):
            return DynamoDBError(.unavailable, message: "\(operation.rawValue): \(failure) (\(attempts) attempts)")
        case .credentials(let failure):
            return DynamoDBError(
                failure.code == .credentialsUnavailable ? .unavailable : .accessDenied,
                message: "cannot get AWS credentials: \(failure.message)"
            )
        }
    }

    /// The table a request names: `TableName`, else the first of a transaction's actions or of `RequestItems`.
    static func tableName(in body: [String: JSONValue]) -> String? {
        if let name = body["TableName"]?.stringValue { return name }
        if let action = body["TransactItems"]?.arrayValue?.first?.objectValue?.values.first {
            return action["TableName"]?.stringValue
        }
        return body["RequestItems"]?.objectValue?.keys.sorted().first
    }

    /// `CancellationReasons[].Code` of a `TransactionCanceledException`.
    static func cancellationReasons(in body: Data) -> [String] {
        guard let answer = try? JSONDecoder().decode(JSONValue.self, from: body),
            let reasons = answer["CancellationReasons"]?.arrayValue
        else { return [] }
        return reasons.map { $0["Code"]?.stringValue ?? "None" }
    }
}
