import Foundation
import SandboxAWS
import SandboxHA
import SandboxHTTP

/// moto's server, which `.ci/run` starts and names in `SANDBOXD_TEST_MOTO_URL`, playing DynamoDB. Without it each
/// test passes without checking anything and prints "moto not configured", as the SandboxAWS moto suite does.
enum MotoDynamoDB {
    static func url(_ test: String) -> URL? {
        guard let value = ProcessInfo.processInfo.environment["SANDBOXD_TEST_MOTO_URL"], !value.isEmpty,
            let url = URL(string: value)
        else {
            print("moto not configured: \(test) checked nothing (set SANDBOXD_TEST_MOTO_URL to a moto_server URL)")
            return nil
        }
        return url
    }

    static let transport = URLSessionTransport()

    static func client(_ url: URL) -> DynamoDBClient {
        DynamoDBClient(
            endpoint: url,
            region: "us-east-1",
            credentials: StaticCredentialsProvider(AWSCredentials(accessKeyId: "testing", secretAccessKey: "testing")),
            transport: transport,
            // moto loads its DynamoDB backend on the first call, and answers slowly beside a build on 2 cores.
            retryPolicy: AWSRetryPolicy(maxAttempts: 2, attemptTimeout: .seconds(60), maxCallDuration: .seconds(120))
        )
    }

    /// A new table of its own for one test, created as `sandboxd ha create-table` does.
    static func freshTable(_ url: URL, pool: String = "default") async throws -> HATable {
        let table = HATable(client: client(url), name: "sandboxd-ha-" + UUID().uuidString.prefix(8), pool: pool)
        try await table.create()
        return table
    }
}
