import Foundation

/// The environment that points a `sandboxd` binary at a fake Service Catalog and a fake GitHub: static
/// keys the catalog accepts, its endpoint, no instance metadata and no AWS files (`scratch` names a
/// directory where none exist), the fake's repository, token and API root.
public enum FakeRemoteEnvironment {
    /// The variables; `extra` is added on top (`NOTIFY_SOCKET`, …).
    public static func variables(
        catalog: FakeServiceCatalogServer,
        github: FakeGitHubServer,
        credentials: SigV4Verifier.Credentials,
        scratch: String,
        extra: [String: String] = [:]
    ) -> [String: String] {
        [
            "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": credentials.accessKeyId,
            "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
            "AWS_ENDPOINT_URL_SERVICE_CATALOG": catalog.endpoint.absoluteString,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": scratch + "/no-aws-config",
            "AWS_SHARED_CREDENTIALS_FILE": scratch + "/no-aws-credentials",
            "GITHUB_REPOSITORY": "\(github.owner)/\(github.repository)",
            "GITHUB_TOKEN": github.token,
            "GITHUB_API_URL": github.apiURL.absoluteString,
            "PATH": "/usr/bin:/bin",
        ].merging(extra) { _, added in added }
    }
}
