extension ServiceCatalog {
    /// A tag (`Tag`: `Key` 1–128, `Value` 1–256 characters of letters, digits, spaces and `_.:/=+-@`).
    public struct Tag: Codable, Hashable, Sendable {
        /// The key.
        public var key: String
        /// The value.
        public var value: String

        /// Creates a tag.
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }

        enum CodingKeys: String, CodingKey {
            case key = "Key"
            case value = "Value"
        }

        /// Decodes leniently: a missing key or value reads as empty.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            key = try container.decodeIfPresent(String.self, forKey: .key) ?? ""
            value = try container.decodeIfPresent(String.self, forKey: .value) ?? ""
        }
    }

    /// A provisioning parameter (`ProvisioningParameter`: `Key` 1–1000, `Value` at most 4096 characters).
    public struct ProvisioningParameter: Codable, Hashable, Sendable {
        /// The parameter's name in the product's template.
        public var key: String
        /// Its value.
        public var value: String

        /// Creates a parameter.
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }

        enum CodingKeys: String, CodingKey {
            case key = "Key"
            case value = "Value"
        }
    }

    /// `ProvisionProduct`: starts provisioning; idempotent by ``provisionToken``.
    public struct ProvisionProductInput: Encodable, Hashable, Sendable {
        /// `ProductId`.
        public var productId: String
        /// `ProvisioningArtifactId`.
        public var provisioningArtifactId: String
        /// `PathId`; optional when the product has a default launch path.
        public var pathId: String?
        /// `ProvisionedProductName` (1–128, `[a-zA-Z0-9][a-zA-Z0-9._-]*`), unique in the account.
        public var provisionedProductName: String
        /// `ProvisioningParameters`; omitted when empty.
        public var provisioningParameters: [ProvisioningParameter]
        /// `Tags` (at most 50); omitted when empty.
        public var tags: [Tag]
        /// `ProvisionToken` (1–128, `[a-zA-Z0-9][a-zA-Z0-9_-]*`): the same token makes the same call.
        public var provisionToken: String

        /// Creates the request.
        public init(
            productId: String,
            provisioningArtifactId: String,
            pathId: String?,
            provisionedProductName: String,
            provisioningParameters: [ProvisioningParameter],
            tags: [Tag],
            provisionToken: String
        ) {
            self.productId = productId
            self.provisioningArtifactId = provisioningArtifactId
            self.pathId = pathId
            self.provisionedProductName = provisionedProductName
            self.provisioningParameters = provisioningParameters
            self.tags = tags
            self.provisionToken = provisionToken
        }

        enum CodingKeys: String, CodingKey {
            case productId = "ProductId"
            case provisioningArtifactId = "ProvisioningArtifactId"
            case pathId = "PathId"
            case provisionedProductName = "ProvisionedProductName"
            case provisioningParameters = "ProvisioningParameters"
            case tags = "Tags"
            case provisionToken = "ProvisionToken"
        }

        /// Encodes the members, leaving out empty lists and a missing path.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(productId, forKey: .productId)
            try container.encode(provisioningArtifactId, forKey: .provisioningArtifactId)
            try container.encodeIfPresent(pathId, forKey: .pathId)
            try container.encode(provisionedProductName, forKey: .provisionedProductName)
            if !provisioningParameters.isEmpty {
                try container.encode(provisioningParameters, forKey: .provisioningParameters)
            }
            if !tags.isEmpty {
                try container.encode(tags, forKey: .tags)
            }
            try container.encode(provisionToken, forKey: .provisionToken)
        }
    }

    /// `TerminateProvisionedProduct` by id; idempotent by ``terminateToken``.
    ///
    /// `IgnoreErrors` is never sent: sandboxd never abandons a product whose resources could not be deleted
    /// (docs/behaviour.md §3). `RetainPhysicalResources` is never sent either (default false: resources are deleted).
    public struct TerminateProvisionedProductInput: Encodable, Hashable, Sendable {
        /// `ProvisionedProductId`.
        public var provisionedProductId: String
        /// `TerminateToken`.
        public var terminateToken: String

        /// Creates the request.
        public init(provisionedProductId: String, terminateToken: String) {
            self.provisionedProductId = provisionedProductId
            self.terminateToken = terminateToken
        }

        enum CodingKeys: String, CodingKey {
            case provisionedProductId = "ProvisionedProductId"
            case terminateToken = "TerminateToken"
        }
    }

    /// `DescribeRecord`.
    public struct DescribeRecordInput: Encodable, Hashable, Sendable {
        /// `Id`: the record id.
        public var id: String
        /// `PageToken` over the record's outputs.
        public var pageToken: String?
        /// `PageSize` (0–20).
        public var pageSize: Int?

        /// Creates the request.
        public init(id: String, pageToken: String? = nil, pageSize: Int? = nil) {
            self.id = id
            self.pageToken = pageToken
            self.pageSize = pageSize
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id"
            case pageToken = "PageToken"
            case pageSize = "PageSize"
        }
    }

    /// `DescribeProvisionedProduct` by id.
    public struct DescribeProvisionedProductInput: Encodable, Hashable, Sendable {
        /// `Id`.
        public var id: String

        /// Creates the request.
        public init(id: String) {
            self.id = id
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id"
        }
    }

    /// `AccessLevelFilter`.
    public struct AccessLevelFilter: Encodable, Hashable, Sendable {
        /// `Key`: `Account`, `Role` or `User`.
        public var key: String
        /// `Value`: only `self` is supported.
        public var value: String

        /// Everything in the account: `{"Key": "Account", "Value": "self"}`.
        public static let account = AccessLevelFilter(key: "Account", value: "self")

        /// Creates a filter.
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }

        enum CodingKeys: String, CodingKey {
            case key = "Key"
            case value = "Value"
        }
    }

    /// `SearchProvisionedProducts`: one page.
    public struct SearchProvisionedProductsInput: Encodable, Hashable, Sendable {
        /// `AccessLevelFilter`; sent explicitly because its default has changed over time (User, then Account).
        public var accessLevelFilter: AccessLevelFilter
        /// `Filters`: `{"SearchQuery": [...]}`, the only key the model allows.
        public var searchQuery: [String]
        /// `SortBy`: one of the model's valid fields (`arn`, `id`, `name`, `lastRecordId`). Sorting by the
        /// immutable `id` keeps the pages of one listing in a stable order. (Older API documentation suggested
        /// `createdTime`; the current model no longer lists it, so it is not used.)
        public var sortBy: String?
        /// `SortOrder`: `ASCENDING` or `DESCENDING`.
        public var sortOrder: String?
        /// `PageSize` (0–100).
        public var pageSize: Int?
        /// `PageToken`.
        public var pageToken: String?

        /// Creates the request.
        public init(
            accessLevelFilter: AccessLevelFilter = .account,
            searchQuery: [String] = [],
            sortBy: String? = "id",
            sortOrder: String? = "ASCENDING",
            pageSize: Int? = 100,
            pageToken: String? = nil
        ) {
            self.accessLevelFilter = accessLevelFilter
            self.searchQuery = searchQuery
            self.sortBy = sortBy
            self.sortOrder = sortOrder
            self.pageSize = pageSize
            self.pageToken = pageToken
        }

        enum CodingKeys: String, CodingKey {
            case accessLevelFilter = "AccessLevelFilter"
            case filters = "Filters"
            case sortBy = "SortBy"
            case sortOrder = "SortOrder"
            case pageSize = "PageSize"
            case pageToken = "PageToken"
        }

        /// Encodes the members; `Filters` only when there is a query.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(accessLevelFilter, forKey: .accessLevelFilter)
            if !searchQuery.isEmpty {
                try container.encode(["SearchQuery": searchQuery], forKey: .filters)
            }
            try container.encodeIfPresent(sortBy, forKey: .sortBy)
            try container.encodeIfPresent(sortOrder, forKey: .sortOrder)
            try container.encodeIfPresent(pageSize, forKey: .pageSize)
            try container.encodeIfPresent(pageToken, forKey: .pageToken)
        }
    }

    /// `GetProvisionedProductOutputs`: one page of a product's outputs.
    public struct GetProvisionedProductOutputsInput: Encodable, Hashable, Sendable {
        /// `ProvisionedProductId`.
        public var provisionedProductId: String
        /// `PageSize` (0–20).
        public var pageSize: Int?
        /// `PageToken`.
        public var pageToken: String?

        /// Creates the request.
        public init(provisionedProductId: String, pageSize: Int? = 20, pageToken: String? = nil) {
            self.provisionedProductId = provisionedProductId
            self.pageSize = pageSize
            self.pageToken = pageToken
        }

        enum CodingKeys: String, CodingKey {
            case provisionedProductId = "ProvisionedProductId"
            case pageSize = "PageSize"
            case pageToken = "PageToken"
        }
    }

    /// `DescribeProduct` by id: the end user's view, which succeeds only with a launch path to the product.
    public struct DescribeProductInput: Encodable, Hashable, Sendable {
        /// `Id`: the product id.
        public var id: String

        /// Creates the request.
        public init(id: String) {
            self.id = id
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id"
        }
    }

    /// `DescribeProvisioningArtifact` by product and artifact id.
    public struct DescribeProvisioningArtifactInput: Encodable, Hashable, Sendable {
        /// `ProductId`.
        public var productId: String
        /// `ProvisioningArtifactId`.
        public var provisioningArtifactId: String

        /// Creates the request.
        public init(productId: String, provisioningArtifactId: String) {
            self.productId = productId
            self.provisioningArtifactId = provisioningArtifactId
        }

        enum CodingKeys: String, CodingKey {
            case productId = "ProductId"
            case provisioningArtifactId = "ProvisioningArtifactId"
        }
    }
}
