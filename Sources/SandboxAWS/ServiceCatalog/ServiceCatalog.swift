public import Foundation

/// The Service Catalog API (2015-12-10) as sandboxd uses it: the operations it calls and the members of botocore's
/// `servicecatalog/2015-12-10/service-2.json` it sends or reads.
///
/// Members are named as in the model with the first letter lowered; ``ServiceCatalogClient`` maps the names with a
/// key strategy. Requests carry only members of the model (unset optionals are left out). Responses decode
/// leniently: unknown members are ignored, every member is optional, enums stay strings (the model's enums grow),
/// and timestamps are epoch seconds, possibly fractional.
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

        /// Whether the operation changes anything; both that do carry an idempotency token.
        public var isMutating: Bool { self == .provisionProduct || self == .terminateProvisionedProduct }
    }

    /// An operation with the request it takes and the answer it gives, so that ``ServiceCatalogClient/send(_:_:)``
    /// serves every one.
    public struct Call<Input: ServiceCatalogRequest, Output: ServiceCatalogAnswer>: Sendable {
        public let operation: Operation
    }

    public static let provisionProduct = Call<ProvisionProductInput, RecordDetailOutput>(operation: .provisionProduct)
    public static let terminateProvisionedProduct = Call<TerminateProvisionedProductInput, RecordDetailOutput>(
        operation: .terminateProvisionedProduct
    )
    public static let describeRecord = Call<IdInput, DescribeRecordOutput>(operation: .describeRecord)
    /// Strongly consistent, unlike the search index: `ResourceNotFoundException` means the product is gone.
    public static let describeProvisionedProduct = Call<IdInput, DescribeProvisionedProductOutput>(
        operation: .describeProvisionedProduct
    )
    public static let searchProvisionedProducts = Call<SearchProvisionedProductsInput, SearchProvisionedProductsOutput>(
        operation: .searchProvisionedProducts
    )
    public static let getProvisionedProductOutputs = Call<
        GetProvisionedProductOutputsInput, GetProvisionedProductOutputsOutput
    >(operation: .getProvisionedProductOutputs)
    public static let describeProduct = Call<IdInput, DescribeProductOutput>(operation: .describeProduct)
    public static let describeProvisioningArtifact = Call<
        DescribeProvisioningArtifactInput, DescribeProvisioningArtifactOutput
    >(operation: .describeProvisioningArtifact)

    public struct Tag: Codable, Hashable, Sendable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }

        /// A missing key or value reads as empty.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            key = try container.decodeIfPresent(String.self, forKey: .key) ?? ""
            value = try container.decodeIfPresent(String.self, forKey: .value) ?? ""
        }
    }

    public struct ProvisioningParameter: Codable, Hashable, Sendable {
        public var key: String
        public var value: String
    }

    // MARK: - Requests

    /// Idempotent by `ProvisionToken`: the same token returns the same record.
    public struct ProvisionProductInput: Encodable, Hashable, Sendable {
        public var productId: String
        public var provisioningArtifactId: String
        /// Optional when the product has a default launch path.
        public var pathId: String?
        public var provisionedProductName: String
        /// Left out when empty, as are the tags.
        public var provisioningParameters: [ProvisioningParameter]?
        public var tags: [Tag]?
        public var provisionToken: String
    }

    /// Never sends `IgnoreErrors` (sandboxd does not abandon a product whose resources could not be deleted,
    /// docs/behaviour.md §3) nor `RetainPhysicalResources`.
    public struct TerminateProvisionedProductInput: Encodable, Hashable, Sendable {
        public var provisionedProductId: String
        public var terminateToken: String
    }

    /// Used for `DescribeRecord`, `DescribeProvisionedProduct` and `DescribeProduct`, which all take an `Id`.
    public struct IdInput: ServiceCatalogRequest, Hashable {
        public var id: String

        public init(id: String) { self.id = id }
    }

    /// `Key` is `Account`, `Role` or `User`; `Value` is always `self`.
    public struct AccessLevelFilter: Encodable, Hashable, Sendable {
        public var key: String
        public var value: String

        public static let account = AccessLevelFilter(key: "Account", value: "self")
    }

    public struct SearchProvisionedProductsInput: ServiceCatalogPagedRequest, Hashable {
        /// Always sent: its default has changed over time (User, then Account).
        public var accessLevelFilter = AccessLevelFilter.account
        /// `{"SearchQuery": [...]}`, the only key the model allows; left out when there is no query.
        public var filters: [String: [String]]?
        /// `id` is immutable, so the pages of one listing come in a stable order.
        public var sortBy: String? = "id"
        public var sortOrder: String? = "ASCENDING"
        public var pageSize: Int? = 100
        public var pageToken: String?
    }

    public struct GetProvisionedProductOutputsInput: ServiceCatalogPagedRequest, Hashable {
        public var provisionedProductId: String
        public var pageSize: Int? = 20
        public var pageToken: String?
    }

    public struct DescribeProvisioningArtifactInput: ServiceCatalogRequest, Hashable {
        public var productId: String
        public var provisioningArtifactId: String
    }

    // MARK: - Responses

    public struct RecordError: Decodable, Hashable, Sendable {
        public var code: String?
        public var description: String?
    }

    /// An operation on a provisioned product. `Status`: `CREATED`, `IN_PROGRESS`, `IN_PROGRESS_IN_ERROR`,
    /// `SUCCEEDED`, `FAILED`.
    public struct RecordDetail: Decodable, Hashable, Sendable {
        public var recordId: String?
        public var status: String?
        public var createdTime: Date?
        public var provisionedProductId: String?
        public var recordErrors: [RecordError]?
        public var recordTags: [Tag]?
    }

    /// The answer of `ProvisionProduct` and `TerminateProvisionedProduct`.
    public struct RecordDetailOutput: ServiceCatalogAnswer {
        public var recordDetail: RecordDetail?
        public var missingMember: String? { recordDetail?.recordId?.isEmpty == false ? nil : "RecordDetail.RecordId" }
    }

    public struct RecordOutput: Decodable, Hashable, Sendable {
        public var outputKey: String?
        public var outputValue: String?
        public var description: String?
    }

    public struct DescribeRecordOutput: ServiceCatalogAnswer, Hashable {
        public var recordDetail: RecordDetail?
        public var missingMember: String? { recordDetail == nil ? "RecordDetail" : nil }
    }

    /// A product as `DescribeProvisionedProduct` (without tags) and `SearchProvisionedProducts` (with them)
    /// describe it. `Status`: `AVAILABLE`, `UNDER_CHANGE`, `TAINTED`, `ERROR`, `PLAN_IN_PROGRESS`.
    public struct ProvisionedProductAttribute: Decodable, Hashable, Sendable {
        public var name: String?
        public var id: String?
        public var status: String?
        public var statusMessage: String?
        public var createdTime: Date?
        public var lastRecordId: String?
        public var tags: [Tag]?
    }

    public typealias ProvisionedProductDetail = ProvisionedProductAttribute

    public struct DescribeProvisionedProductOutput: ServiceCatalogAnswer {
        public var provisionedProductDetail: ProvisionedProductDetail?
        public var missingMember: String? { provisionedProductDetail == nil ? "ProvisionedProductDetail" : nil }
    }

    public struct SearchProvisionedProductsOutput: ServiceCatalogPage, Hashable {
        public var provisionedProducts: [ProvisionedProductAttribute]?
        /// Absent, null or empty on the last page.
        public var nextPageToken: String?
        public var items: [ProvisionedProductAttribute] { provisionedProducts ?? [] }
    }

    public struct GetProvisionedProductOutputsOutput: ServiceCatalogPage, Hashable {
        public var outputs: [RecordOutput]?
        public var nextPageToken: String?
        public var items: [RecordOutput] { outputs ?? [] }
    }

    /// A version of a product as an end user sees it; `Guidance` is `DEFAULT` or `DEPRECATED`.
    public struct ProvisioningArtifact: Decodable, Hashable, Sendable {
        public var id: String?
        public var guidance: String?
    }

    public struct LaunchPath: Decodable, Hashable, Sendable {
        /// A `PathId`.
        public var id: String?
    }

    /// The end user's view: it answers only when the caller has a launch path to the product.
    public struct DescribeProductOutput: ServiceCatalogAnswer, Hashable {
        public var provisioningArtifacts: [ProvisioningArtifact]?
        public var launchPaths: [LaunchPath]?
    }

    /// `Active` false: end users cannot launch it. `Guidance` `DEPRECATED`: no new products from it.
    public struct ProvisioningArtifactDetail: Decodable, Hashable, Sendable {
        public var id: String?
        public var active: Bool?
        public var guidance: String?
    }

    public struct DescribeProvisioningArtifactOutput: ServiceCatalogAnswer, Hashable {
        public var provisioningArtifactDetail: ProvisioningArtifactDetail?
        /// `AVAILABLE`, `CREATING`, `FAILED`.
        public var status: String?
    }
}
