/// The Service Catalog API (version 2015-12-10) as sandboxd uses it: operation names and the request and response
/// shapes of botocore's model `servicecatalog/2015-12-10/service-2.json`, restricted to the operations and members
/// sandboxd needs.
///
/// Request shapes (`…Input`) encode only members of the model and check the model's constraints before anything is
/// sent (see ``ServiceCatalogClient``). Response shapes decode leniently: unknown members are ignored, every member
/// is optional, enums stay strings (the model's enums grow), and timestamps are epoch seconds.
public enum ServiceCatalog {
    /// The operations ``ServiceCatalogClient`` calls.
    public enum Operation: String, Sendable, Hashable, CaseIterable {
        case provisionProduct = "ProvisionProduct"
        case terminateProvisionedProduct = "TerminateProvisionedProduct"
        case describeRecord = "DescribeRecord"
        case describeProvisionedProduct = "DescribeProvisionedProduct"
        case searchProvisionedProducts = "SearchProvisionedProducts"
        case getProvisionedProductOutputs = "GetProvisionedProductOutputs"
        case describeProduct = "DescribeProduct"
        case describeProvisioningArtifact = "DescribeProvisioningArtifact"

        /// The `X-Amz-Target` value: `AWS242ServiceCatalogService.<Operation>`.
        public var target: String { "\(ServiceCatalogClient.targetPrefix).\(rawValue)" }

        /// Whether the operation changes anything. Mutating operations here all carry an idempotency token, which
        /// makes repeating them safe.
        public var isMutating: Bool {
            self == .provisionProduct || self == .terminateProvisionedProduct
        }
    }
}
