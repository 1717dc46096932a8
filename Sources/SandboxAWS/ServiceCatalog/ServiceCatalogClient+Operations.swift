public import SandboxCore

extension ServiceCatalogClient {
    /// The most pages a listing follows before giving up (a server that never stops paging).
    static let maximumPages = 1000

    /// `ProvisionProduct`: starts provisioning.
    ///
    /// - Returns: The record of the operation (status `CREATED` or `IN_PROGRESS`); poll it with
    ///   ``describeRecord(_:)``.
    public func provisionProduct(
        _ input: ServiceCatalog.ProvisionProductInput
    ) async throws(CatalogError)
        -> ServiceCatalog.RecordDetail
    {
        try await recordDetail(of: input)
    }

    /// `TerminateProvisionedProduct` (never with `IgnoreErrors`).
    ///
    /// - Returns: The record of the operation.
    public func terminateProvisionedProduct(
        _ input: ServiceCatalog.TerminateProvisionedProductInput
    )
        async throws(CatalogError) -> ServiceCatalog.RecordDetail
    {
        try await recordDetail(of: input)
    }

    /// `DescribeRecord`: one page of the record's outputs with its detail.
    public func describeRecord(
        _ input: ServiceCatalog.DescribeRecordInput
    ) async throws(CatalogError)
        -> ServiceCatalog.DescribeRecordOutput
    {
        try await send(input, as: ServiceCatalog.DescribeRecordOutput.self)
    }

    /// `DescribeProvisionedProduct` by id.
    public func describeProvisionedProduct(
        _ input: ServiceCatalog.DescribeProvisionedProductInput
    )
        async throws(CatalogError) -> ServiceCatalog.ProvisionedProductDetail
    {
        let output = try await send(input, as: ServiceCatalog.DescribeProvisionedProductOutput.self)
        guard let detail = output.provisionedProductDetail else {
            throw CatalogError(.other, message: "DescribeProvisionedProduct answered without ProvisionedProductDetail")
        }
        return detail
    }

    /// `SearchProvisionedProducts`: one page.
    public func searchProvisionedProducts(
        _ input: ServiceCatalog.SearchProvisionedProductsInput
    )
        async throws(CatalogError) -> ServiceCatalog.SearchProvisionedProductsOutput
    {
        try await send(input, as: ServiceCatalog.SearchProvisionedProductsOutput.self)
    }

    /// `SearchProvisionedProducts`, every page, each product once (by id, first seen wins).
    ///
    /// Paging stops when `NextPageToken` is absent, null or empty; a token that comes back twice is an error, as
    /// in botocore's paginator.
    ///
    /// - Parameter input: The first page's request; its `PageToken` is replaced page by page.
    public func searchAllProvisionedProducts(
        _ input: ServiceCatalog.SearchProvisionedProductsInput
    )
        async throws(CatalogError) -> [ServiceCatalog.ProvisionedProductAttribute]
    {
        var request = input
        var products: [ServiceCatalog.ProvisionedProductAttribute] = []
        var seenIds: Set<String> = []
        var seenTokens: Set<String> = []
        for _ in 0..<Self.maximumPages {
            let page = try await searchProvisionedProducts(request)
            for product in page.provisionedProducts ?? [] {
                if let id = product.id, !seenIds.insert(id).inserted { continue }
                products.append(product)
            }
            guard let token = page.nextPageToken, !token.isEmpty else { return products }
            guard seenTokens.insert(token).inserted else {
                throw CatalogError(.other, message: "SearchProvisionedProducts returned the same NextPageToken twice")
            }
            request.pageToken = token
        }
        throw CatalogError(.other, message: "SearchProvisionedProducts did not stop after \(Self.maximumPages) pages")
    }

    /// `GetProvisionedProductOutputs`: one page.
    public func getProvisionedProductOutputs(
        _ input: ServiceCatalog.GetProvisionedProductOutputsInput
    )
        async throws(CatalogError) -> ServiceCatalog.GetProvisionedProductOutputsOutput
    {
        try await send(input, as: ServiceCatalog.GetProvisionedProductOutputsOutput.self)
    }

    /// `GetProvisionedProductOutputs`, every page, in the order the service lists them.
    ///
    /// - Parameter provisionedProductId: The product.
    public func allProvisionedProductOutputs(
        provisionedProductId: String
    ) async throws(CatalogError)
        -> [ServiceCatalog.RecordOutput]
    {
        var request = ServiceCatalog.GetProvisionedProductOutputsInput(provisionedProductId: provisionedProductId)
        var outputs: [ServiceCatalog.RecordOutput] = []
        var seenTokens: Set<String> = []
        for _ in 0..<Self.maximumPages {
            let page = try await getProvisionedProductOutputs(request)
            outputs += page.outputs ?? []
            guard let token = page.nextPageToken, !token.isEmpty else { return outputs }
            guard seenTokens.insert(token).inserted else {
                throw CatalogError(
                    .other,
                    message: "GetProvisionedProductOutputs returned the same NextPageToken twice"
                )
            }
            request.pageToken = token
        }
        throw CatalogError(
            .other,
            message: "GetProvisionedProductOutputs did not stop after \(Self.maximumPages) pages"
        )
    }

    /// `DescribeProduct` by id (the end user's view).
    public func describeProduct(
        _ input: ServiceCatalog.DescribeProductInput
    ) async throws(CatalogError)
        -> ServiceCatalog.DescribeProductOutput
    {
        try await send(input, as: ServiceCatalog.DescribeProductOutput.self)
    }

    /// `DescribeProvisioningArtifact`.
    public func describeProvisioningArtifact(
        _ input: ServiceCatalog.DescribeProvisioningArtifactInput
    )
        async throws(CatalogError) -> ServiceCatalog.DescribeProvisioningArtifactOutput
    {
        try await send(input, as: ServiceCatalog.DescribeProvisioningArtifactOutput.self)
    }

    private func recordDetail(
        of input: some ServiceCatalogInput
    ) async throws(CatalogError)
        -> ServiceCatalog.RecordDetail
    {
        let operation = type(of: input).operation.rawValue
        let output = try await send(input, as: ServiceCatalog.RecordDetailOutput.self)
        guard let detail = output.recordDetail, let recordId = detail.recordId, !recordId.isEmpty else {
            throw CatalogError(.other, message: "\(operation) answered without RecordDetail.RecordId")
        }
        return detail
    }
}
