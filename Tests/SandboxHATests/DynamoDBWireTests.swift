import Foundation
import SandboxAWS
import SandboxHA
import SandboxHTTP
import SandboxTesting
import SandboxLocking
import Testing

/// The JSON 1.0 client on the wire, against a loopback server that checks the SigV4 signature (service
/// `dynamodb`): no moto needed.
@Suite("DynamoDB client on the wire")
struct DynamoDBWireTests {
    static let credentials = SigV4Verifier.Credentials(accessKeyId: "AKIDWIRE", secretAccessKey: "wire/secret")

    /// A server answering every request with `reply`, recording what it got (and refusing a bad signature).
    static func server(
        _ reply: @escaping @Sendable (RecordedRequest) -> ServerReply
    ) throws -> (LoopbackHTTPServer, Recorded) {
        let seen = Recorded()
        let verifier = SigV4Verifier(service: "dynamodb", region: "eu-west-1", requiredSignedHeaders: ["x-amz-target"])
        let server = try LoopbackHTTPServer { request in
            seen.requests.withLock { $0.append(request) }
            do {
                _ = try verifier.verify(
                    method: request.method,
                    target: request.path,
                    headers: request.headers,
                    body: request.body,
                    accepted: [credentials],
                    now: Date()
                )
            } catch {
                return .response(status: 400, body: Data(#"{"__type":"InvalidSignatureException"}"#.utf8))
            }
            return reply(request)
        }
        return (server, seen)
    }

    /// What the server received.
    final class Recorded: Sendable {
        let requests = Locked<[RecordedRequest]>([])
    }

    static func client(_ server: LoopbackHTTPServer) -> DynamoDBClient {
        DynamoDBClient(
            endpoint: server.baseURL,
            region: "eu-west-1",
            credentials: StaticCredentialsProvider(
                AWSCredentials(accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey)
            ),
            transport: URLSessionTransport(),
            // The whole call may take long beside the rest of the suite on 2 cores (once the first attempt alone
            // passed the default 15 s, and the retry this suite checks was not made): what is tested is the
            // decision, not the timing.
            retryPolicy: AWSRetryPolicy(
                maxAttempts: 2,
                attemptTimeout: .seconds(120),
                maxCallDuration: .seconds(600),
                sleep: { _ in }
            )
        )
    }

    static func answer(_ status: Int, _ body: String) -> ServerReply {
        .response(status: status, headers: ["Content-Type": "application/x-amz-json-1.0"], body: Data(body.utf8))
    }

    @Test("a GetItem: target, content type, signed; the item's S, N and B attributes read back")
    func getItem() async throws {
        let (server, seen) = try Self.server { _ in
            Self.answer(200, #"{"Item":{"pool":{"S":"p"},"fence":{"N":"7"},"payload":{"B":"AAEC"}}}"#)
        }
        defer { server.stop() }
        let table = HATable(client: Self.client(server), name: "t", pool: "p")
        let answer = try await table.client.call(
            .getItem,
            ["TableName": .string("t"), "Key": table.key("lease").json, "ConsistentRead": .bool(true)],
            safeToRepeat: true
        )
        let item = try #require(DynamoDBItem(json: answer["Item"]))
        #expect(item == ["pool": .string("p"), "fence": .integer(7), "payload": .binary([0, 1, 2])])
        let request = try #require(seen.requests.withLock { $0.first })
        #expect(request.headers["X-Amz-Target"] == "DynamoDB_20120810.GetItem")
        #expect(request.headers["Content-Type"] == "application/x-amz-json-1.0")
        let body = try JSONDecoder().decode(JSONValue.self, from: request.body)
        #expect(
            body["Key"] == .object(["pool": .object(["S": .string("p")]), "item": .object(["S": .string("lease")])])
        )
        #expect(body["ConsistentRead"] == .bool(true))
    }

    @Test("a cancelled transaction whose lease check failed is a failed condition, with its reasons")
    func cancelledTransaction() async throws {
        let (server, seen) = try Self.server { _ in
            Self.answer(
                400,
                #"{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","Message":"Transaction "#
                    + #"cancelled","CancellationReasons":[{"Code":"ConditionalCheckFailed"},{"Code":"None"}]}"#
            )
        }
        defer { server.stop() }
        let table = HATable(client: Self.client(server), name: "t", pool: "p")
        let lease = HALease(table: table, replica: "a", duration: 15)
        let error = await #expect(throws: DynamoDBError.self) {
            try await table.client.call(.transactWriteItems, ["TransactItems": .array([])], safeToRepeat: true)
        }
        #expect(error?.kind == .conditionFailed)
        #expect(error?.cancellationReasons == ["ConditionalCheckFailed", "None"])
        #expect(seen.requests.withLock { $0.count } == 1, "a failed condition is not retried")
        // The lease reads the same answer as "held by another".
        #expect(try await lease.renew(LeaderTerm(holder: "a", fence: 1, expires: Date()), now: Date()) == nil)
    }

    @Test("throttling is retried; a missing table and bad credentials are told apart")
    func errors() async throws {
        let calls = Locked(0)
        let (server, _) = try Self.server { request in
            let n = calls.withLock { count in
                count += 1
                return count
            }
            if request.headers["X-Amz-Target"] == "DynamoDB_20120810.Query" {
                return Self.answer(400, #"{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"}"#)
            }
            return n == 1
                ? Self.answer(400, #"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException"}"#)
                : Self.answer(200, "{}")
        }
        defer { server.stop() }
        let client = Self.client(server)
        _ = try await client.call(.getItem, [:], safeToRepeat: true)
        #expect(calls.withLock { $0 } == 2)
        let missing = await #expect(throws: DynamoDBError.self) {
            try await client.call(.query, ["TableName": .string("sandboxd-ha")], safeToRepeat: true)
        }
        #expect(missing?.kind == .tableMissing)
        // Issue 17: the message says what to do.
        #expect(missing?.description.contains("run sandboxd ha create-table --ha-table sandboxd-ha") == true)

        let wrong = DynamoDBClient(
            endpoint: server.baseURL,
            region: "eu-west-1",
            credentials: StaticCredentialsProvider(AWSCredentials(accessKeyId: "AKIDWIRE", secretAccessKey: "nope")),
            transport: URLSessionTransport()
        )
        let denied = await #expect(throws: DynamoDBError.self) {
            try await wrong.call(.getItem, [:], safeToRepeat: true)
        }
        #expect(denied?.kind == .accessDenied)
    }

    @Test("request tokens name the table, the pool and the lineage, and fit in 36 characters")
    func requestTokens() throws {
        let url = URL(string: "http://127.0.0.1:9")!
        let client = DynamoDBClient(
            endpoint: url,
            region: "eu-west-1",
            credentials: StaticCredentialsProvider(AWSCredentials(accessKeyId: "a", secretAccessKey: "b")),
            transport: URLSessionTransport()
        )
        let one = HATable(client: client, name: "t", pool: "p")
        let other = HATable(client: client, name: "t2", pool: "p")
        let token = one.requestToken(lineage: "l", write: "head 1 1")
        #expect(token.count == 36)
        #expect(token == one.requestToken(lineage: "l", write: "head 1 1"))
        #expect(token != other.requestToken(lineage: "l", write: "head 1 1"))
        #expect(token != one.requestToken(lineage: "m", write: "head 1 1"))
    }
}
