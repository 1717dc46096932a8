public import Foundation

extension ServiceCatalog {
    /// `RecordError`.
    public struct RecordError: Decodable, Hashable, Sendable {
        /// `Code`.
        public var code: String?
        /// `Description`.
        public var description: String?

        enum CodingKeys: String, CodingKey {
            case code = "Code"
            case description = "Description"
        }
    }

    /// `RecordDetail`: an operation on a provisioned product.
    public struct RecordDetail: Decodable, Hashable, Sendable {
        /// `RecordId`.
        public var recordId: String?
        /// `ProvisionedProductName`.
        public var provisionedProductName: String?
        /// `Status`: `CREATED`, `IN_PROGRESS`, `IN_PROGRESS_IN_ERROR`, `SUCCEEDED`, `FAILED` (kept as sent).
        public var status: String?
        /// `CreatedTime`.
        public var createdTime: Date?
        /// `UpdatedTime`.
        public var updatedTime: Date?
        /// `ProvisionedProductType`.
        public var provisionedProductType: String?
        /// `RecordType`: `PROVISION_PRODUCT`, `UPDATE_PROVISIONED_PRODUCT`, `TERMINATE_PROVISIONED_PRODUCT`.
        public var recordType: String?
        /// `ProvisionedProductId`.
        public var provisionedProductId: String?
        /// `ProductId`.
        public var productId: String?
        /// `ProvisioningArtifactId`.
        public var provisioningArtifactId: String?
        /// `PathId`.
        public var pathId: String?
        /// `RecordErrors`.
        public var recordErrors: [RecordError]?
        /// `RecordTags`.
        public var recordTags: [Tag]?

        enum CodingKeys: String, CodingKey {
            case recordId = "RecordId"
            case provisionedProductName = "ProvisionedProductName"
            case status = "Status"
            case createdTime = "CreatedTime"
            case updatedTime = "UpdatedTime"
            case provisionedProductType = "ProvisionedProductType"
            case recordType = "RecordType"
            case provisionedProductId = "ProvisionedProductId"
            case productId = "ProductId"
            case provisioningArtifactId = "ProvisioningArtifactId"
            case pathId = "PathId"
            case recordErrors = "RecordErrors"
            case recordTags = "RecordTags"
        }
    }

    /// `{"RecordDetail": …}`, the answer of `ProvisionProduct` and `TerminateProvisionedProduct`.
    struct RecordDetailOutput: Decodable, Sendable {
        var recordDetail: RecordDetail?

        enum CodingKeys: String, CodingKey {
            case recordDetail = "RecordDetail"
        }
    }

    /// `RecordOutput`: one output of a provisioned product.
    public struct RecordOutput: Decodable, Hashable, Sendable {
        /// `OutputKey`.
        public var outputKey: String?
        /// `OutputValue`.
        public var outputValue: String?
        /// `Description`.
        public var description: String?

        enum CodingKeys: String, CodingKey {
            case outputKey = "OutputKey"
            case outputValue = "OutputValue"
            case description = "Description"
        }
    }

    /// The answer of `DescribeRecord`.
    public struct DescribeRecordOutput: Decodable, Hashable, Sendable {
        /// `RecordDetail`.
        public var recordDetail: RecordDetail?
        /// `RecordOutputs` (this page).
        public var recordOutputs: [RecordOutput]?
        /// `NextPageToken`.
        public var nextPageToken: String?

        enum CodingKeys: String, CodingKey {
            case recordDetail = "RecordDetail"
            case recordOutputs = "RecordOutputs"
            case nextPageToken = "NextPageToken"
        }
    }

    /// `ProvisionedProductDetail`, the answer of `DescribeProvisionedProduct`.
    public struct ProvisionedProductDetail: Decodable, Hashable, Sendable {
        /// `Name`.
        public var name: String?
        /// `Arn`.
        public var arn: String?
        /// `Type`.
        public var type: String?
        /// `Id`.
        public var id: String?
        /// `Status`: `AVAILABLE`, `UNDER_CHANGE`, `TAINTED`, `ERROR`, `PLAN_IN_PROGRESS` (kept as sent).
        public var status: String?
        /// `StatusMessage`.
        public var statusMessage: String?
        /// `CreatedTime`.
        public var createdTime: Date?
        /// `IdempotencyToken`.
        public var idempotencyToken: String?
        /// `LastRecordId`.
        public var lastRecordId: String?
        /// `ProductId`.
        public var productId: String?
        /// `ProvisioningArtifactId`.
        public var provisioningArtifactId: String?

        enum CodingKeys: String, CodingKey {
            case name = "Name"
            case arn = "Arn"
            case type = "Type"
            case id = "Id"
            case status = "Status"
            case statusMessage = "StatusMessage"
            case createdTime = "CreatedTime"
            case idempotencyToken = "IdempotencyToken"
            case lastRecordId = "LastRecordId"
            case productId = "ProductId"
            case provisioningArtifactId = "ProvisioningArtifactId"
        }
    }

    /// `{"ProvisionedProductDetail": …}`.
    struct DescribeProvisionedProductOutput: Decodable, Sendable {
        var provisionedProductDetail: ProvisionedProductDetail?

        enum CodingKeys: String, CodingKey {
            case provisionedProductDetail = "ProvisionedProductDetail"
        }
    }

    /// `ProvisionedProductAttribute`: one product in a `SearchProvisionedProducts` answer, with its tags.
    public struct ProvisionedProductAttribute: Decodable, Hashable, Sendable {
        /// `Name`.
        public var name: String?
        /// `Arn`.
        public var arn: String?
        /// `Type`.
        public var type: String?
        /// `Id`.
        public var id: String?
        /// `Status` (kept as sent).
        public var status: String?
        /// `StatusMessage`.
        public var statusMessage: String?
        /// `CreatedTime`.
        public var createdTime: Date?
        /// `IdempotencyToken`.
        public var idempotencyToken: String?
        /// `LastRecordId`.
        public var lastRecordId: String?
        /// `Tags`.
        public var tags: [Tag]?
        /// `PhysicalId`.
        public var physicalId: String?
        /// `ProductId`.
        public var productId: String?
        /// `ProvisioningArtifactId`.
        public var provisioningArtifactId: String?

        enum CodingKeys: String, CodingKey {
            case name = "Name"
            case arn = "Arn"
            case type = "Type"
            case id = "Id"
            case status = "Status"
            case statusMessage = "StatusMessage"
            case createdTime = "CreatedTime"
            case idempotencyToken = "IdempotencyToken"
            case lastRecordId = "LastRecordId"
            case tags = "Tags"
            case physicalId = "PhysicalId"
            case productId = "ProductId"
            case provisioningArtifactId = "ProvisioningArtifactId"
        }
    }

    /// The answer of `SearchProvisionedProducts`: one page.
    public struct SearchProvisionedProductsOutput: Decodable, Hashable, Sendable {
        /// `ProvisionedProducts`.
        public var provisionedProducts: [ProvisionedProductAttribute]?
        /// `TotalResultsCount`.
        public var totalResultsCount: Int?
        /// `NextPageToken`; absent, null or empty on the last page.
        public var nextPageToken: String?

        enum CodingKeys: String, CodingKey {
            case provisionedProducts = "ProvisionedProducts"
            case totalResultsCount = "TotalResultsCount"
            case nextPageToken = "NextPageToken"
        }
    }

    /// The answer of `GetProvisionedProductOutputs`: one page.
    public struct GetProvisionedProductOutputsOutput: Decodable, Hashable, Sendable {
        /// `Outputs`.
        public var outputs: [RecordOutput]?
        /// `NextPageToken`.
        public var nextPageToken: String?

        enum CodingKeys: String, CodingKey {
            case outputs = "Outputs"
            case nextPageToken = "NextPageToken"
        }
    }

    /// `ProductViewSummary`.
    public struct ProductViewSummary: Decodable, Hashable, Sendable {
        /// `Id` (the product view id).
        public var id: String?
        /// `ProductId`.
        public var productId: String?
        /// `Name`.
        public var name: String?
        /// `Owner`.
        public var owner: String?
        /// `Type`.
        public var type: String?
        /// `HasDefaultPath`.
        public var hasDefaultPath: Bool?

        enum CodingKeys: String, CodingKey {
            case id = "Id"
            case productId = "ProductId"
            case name = "Name"
            case owner = "Owner"
            case type = "Type"
            case hasDefaultPath = "HasDefaultPath"
        }
    }

    /// `ProvisioningArtifact`: a version of a product as an end user sees it.
    public struct ProvisioningArtifact: Decodable, Hashable, Sendable {
        /// `Id`.
        public var id: String?
        /// `Name`.
        public var name: String?
        /// `Description`.
        public var description: String?
        /// `CreatedTime`.
        public var createdTime: Date?
        /// `Guidance`: `DEFAULT` or `DEPRECATED`.
        public var guidance: String?

        enum CodingKeys: String, CodingKey {
            case id = "Id"
            case name = "Name"
            case description = "Description"
            case createdTime = "CreatedTime"
            case guidance = "Guidance"
        }
    }

    /// `LaunchPath`.
    public struct LaunchPath: Decodable, Hashable, Sendable {
        /// `Id`: a `PathId`.
        public var id: String?
        /// `Name`.
        public var name: String?

        enum CodingKeys: String, CodingKey {
            case id = "Id"
            case name = "Name"
        }
    }

    /// The answer of `DescribeProduct`.
    public struct DescribeProductOutput: Decodable, Hashable, Sendable {
        /// `ProductViewSummary`.
        public var productViewSummary: ProductViewSummary?
        /// `ProvisioningArtifacts`: the versions the caller may launch.
        public var provisioningArtifacts: [ProvisioningArtifact]?
        /// `LaunchPaths`: the caller's launch paths.
        public var launchPaths: [LaunchPath]?

        enum CodingKeys: String, CodingKey {
            case productViewSummary = "ProductViewSummary"
            case provisioningArtifacts = "ProvisioningArtifacts"
            case launchPaths = "LaunchPaths"
        }
    }

    /// `ProvisioningArtifactDetail`.
    public struct ProvisioningArtifactDetail: Decodable, Hashable, Sendable {
        /// `Id`.
        public var id: String?
        /// `Name`.
        public var name: String?
        /// `Type`.
        public var type: String?
        /// `CreatedTime`.
        public var createdTime: Date?
        /// `Active`: false means end users cannot launch it.
        public var active: Bool?
        /// `Guidance`: `DEPRECATED` means no new products from it.
        public var guidance: String?

        enum CodingKeys: String, CodingKey {
            case id = "Id"
            case name = "Name"
            case type = "Type"
            case createdTime = "CreatedTime"
            case active = "Active"
            case guidance = "Guidance"
        }
    }

    /// The answer of `DescribeProvisioningArtifact`.
    public struct DescribeProvisioningArtifactOutput: Decodable, Hashable, Sendable {
        /// `ProvisioningArtifactDetail`.
        public var provisioningArtifactDetail: ProvisioningArtifactDetail?
        /// `Status`: `AVAILABLE`, `CREATING`, `FAILED`.
        public var status: String?

        enum CodingKeys: String, CodingKey {
            case provisioningArtifactDetail = "ProvisioningArtifactDetail"
            case status = "Status"
        }
    }
}
