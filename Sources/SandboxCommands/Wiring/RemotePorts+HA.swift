import Foundation
import SandboxAWS
import SandboxHA
import SandboxHTTP
import SandboxRuntime

extension RemotePorts {
    /// The HA table of `--ha-table` for this pool (docs/behaviour.md §12.4): signed with the credentials and the
    /// region Service Catalog uses; the endpoint is `AWS_ENDPOINT_URL_DYNAMODB`, else `AWS_ENDPOINT_URL`, else
    /// DynamoDB's regional endpoint. (The profile's `services` section is not read for DynamoDB.)
    static func haTable(context: CommandContext, options: CommandOptions.HAOptions) async throws -> HATable {
        let catalog: AWSCatalog
        do {
            catalog = try await AWSCatalog.fromEnvironment(context.environment, poolName: context.poolName)
        } catch {
            throw CommandFailure(lines: error.messages)
        }
        let region = catalog.client.region
        let configured = ["AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"].lazy
            .compactMap { name in context.environment[name].flatMap { $0.isEmpty ? nil : (name, $0) } }.first
        let endpoint: URL
        if let (name, value) = configured {
            guard let url = URL(string: value), url.scheme == "http" || url.scheme == "https", url.host != nil,
                url.user == nil
            else {
                throw CommandFailure(lines: [
                    "\(name) is not an endpoint URL: use http(s)://HOST[:PORT], no credentials"
                ])
            }
            endpoint = url
        } else {
            let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
            endpoint = URL(string: "https://dynamodb.\(region).\(suffix)")!
        }
        let client = DynamoDBClient(
            endpoint: endpoint,
            region: region,
            credentials: catalog.client.credentials,
            transport: URLSessionTransport()
        )
        context.logger.info("HA table", ["table": options.table, "endpoint": endpoint.absoluteString])
        return HATable(client: client, name: options.table, pool: context.poolName)
    }
}
