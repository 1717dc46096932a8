public import SandboxCore
import Foundation
import Synchronization

/// The ``CatalogPort`` over real AWS Service Catalog.
///
/// It maps the port's values to Service Catalog calls through ``ServiceCatalogClient``:
///
/// - ``provision(_:)``: `ProvisionProduct`, parameters and tags sorted by key, `ProvisionToken` = the request's token.
/// - ``terminate(provisionedProductId:token:)``: `TerminateProvisionedProduct` by id, never with `IgnoreErrors`.
/// - ``describeRecord(id:)``: `DescribeRecord`.
/// - ``listProducts(pool:)``: `SearchProvisionedProducts` over the account, every page, keeping the products whose
///   `sandboxd:pool` tag is the pool.
/// - ``outputs(provisionedProductId:)``: `GetProvisionedProductOutputs`, every page, in the product's order.
/// - ``checkProduct(_:)``: `DescribeProduct` (the end user's view) and `DescribeProvisioningArtifact`.
///
/// Create one with ``fromEnvironment(_:poolName:fileReader:transport:)`` in production.
public struct AWSCatalog: CatalogPort {
    /// The client the adapter calls.
    public let client: ServiceCatalogClient
    /// One line for the start-up log: endpoint, region and credential source, without secrets.
    public let summary: String
    /// The access level listings use: `Account` until the role turns out not to be allowed it, then `Role`.
    private let accessLevel = AccessLevelMemory()

    /// Creates an adapter over a client.
    ///
    /// - Parameters:
    ///   - client: The Service Catalog client.
    ///   - summary: A line for the start-up log; the endpoint and region by default.
    public init(client: ServiceCatalogClient, summary: String? = nil) {
        self.client = client
        self.summary = summary ?? "AWS Service Catalog at \(client.endpoint.absoluteString) (region \(client.region))"
    }

    /// Starts provisioning with `ProvisionProduct`; the same token returns the same record.
    public func provision(_ request: ProvisionRequest) async throws(CatalogError) -> CatalogReceipt {
        let input = ServiceCatalog.ProvisionProductInput(
            productId: request.product.productId,
            provisioningArtifactId: request.product.provisioningArtifactId,
            pathId: request.product.pathId,
            provisionedProductName: request.name,
            provisioningParameters: request.parameters.sorted { $0.key < $1.key }
                .map { ServiceCatalog.ProvisioningParameter(key: $0.key, value: $0.value) },
            tags: request.tags.sorted { $0.key < $1.key }.map { ServiceCatalog.Tag(key: $0.key, value: $0.value) },
            provisionToken: request.token
        )
        let record = try await client.provisionProduct(input)
        return CatalogReceipt(recordId: record.recordId ?? "", provisionedProductId: record.provisionedProductId)
    }

    /// Starts terminating with `TerminateProvisionedProduct`.
    public func terminate(provisionedProductId: String, token: String) async throws(CatalogError) -> CatalogReceipt {
        let record = try await client.terminateProvisionedProduct(
            ServiceCatalog.TerminateProvisionedProductInput(
                provisionedProductId: provisionedProductId,
                terminateToken: token
            )
        )
        return CatalogReceipt(
            recordId: record.recordId ?? "",
            provisionedProductId: record.provisionedProductId ?? provisionedProductId
        )
    }

    /// Reads a record with `DescribeRecord`. A status the port does not know yet reads as in progress.
    public func describeRecord(id: String) async throws(CatalogError) -> CatalogRecord {
        let output = try await client.describeRecord(ServiceCatalog.DescribeRecordInput(id: id))
        guard let detail = output.recordDetail else {
            throw CatalogError(.other, message: "DescribeRecord \(id) answered without RecordDetail")
        }
        let errors = (detail.recordErrors ?? []).map { error in
            switch (error.code, error.description) {
            case (let code?, let description?): "\(code): \(description)"
            case (nil, let description?): description
            case (let code?, nil): code
            case (nil, nil): "unspecified error"
            }
        }
        return CatalogRecord(
            id: detail.recordId ?? id,
            status: detail.status.flatMap(CatalogRecord.Status.init(rawValue:)) ?? .inProgress,
            provisionedProductId: detail.provisionedProductId,
            errors: errors
        )
    }

    /// Lists the pool's products: every page of `SearchProvisionedProducts` over the account, sorted by id,
    /// kept only when the `sandboxd:pool` tag equals `pool`.
    ///
    /// A status the port does not know yet (the model's enums grow) reads as `UNDER_CHANGE`, so the planner waits
    /// rather than acts on it.
    ///
    /// The search asks for the whole account (`AccessLevelFilter` `Account`/`self`), which sees orphans whoever made
    /// them. A role that is only granted role-level access (`servicecatalog:roleLevel`, as in
    /// `AWSServiceCatalogEndUserFullAccess`-style policies) gets AccessDenied for that; the adapter then lists at the
    /// `Role` level from then on: every product made by any session of the role. (Never `User`: a new role session
    /// name after a restart would hide the products of the previous one.)
    ///
    /// No server-side query narrows the search: the `SearchQuery` syntax for tags is not documented, and a query
    /// that matched less than expected would hide live products, which the planner would then take for lost.
    public func listProducts(pool: String) async throws(CatalogError) -> [LiveProduct] {
        let level = accessLevel.current
        let products: [ServiceCatalog.ProvisionedProductAttribute]
        do throws(CatalogError) {
            products = try await search(level)
        } catch  where level == "Account" && ["AccessDeniedException", "AccessDenied"].contains(error.code ?? "") {
            // Not allowed account-level access (servicecatalog:accountLevel): every session of this role is the
            // next best view, and it still holds every product sandboxd made under it.
            products = try await search("Role")
            accessLevel.current = "Role"
        }
        return products.compactMap { product -> LiveProduct? in
            guard let id = product.id, !id.isEmpty else { return nil }
            var tags: [String: String] = [:]
            for tag in product.tags ?? [] {
                tags[tag.key] = tag.value
            }
            guard tags[TagKey.pool] == pool else { return nil }
            return LiveProduct(
                id: id,
                name: product.name ?? "",
                status: product.status.flatMap(LiveProduct.Status.init(rawValue:)) ?? .underChange,
                tags: tags,
                lastRecordId: product.lastRecordId,
                createdTime: product.createdTime,
                statusMessage: product.statusMessage
            )
        }
    }

    /// `DescribeProvisionedProduct`: `nil` on `ResourceNotFoundException`. Its answer carries no tags, so the product
    /// has none: the planner asks a described product for its status only, its id being the journal's.
    public func describeProduct(id: String) async throws(CatalogError) -> LiveProduct? {
        let detail: ServiceCatalog.ProvisionedProductDetail
        do throws(CatalogError) {
            detail = try await client.describeProvisionedProduct(ServiceCatalog.DescribeProvisionedProductInput(id: id))
        } catch where error.kind == .notFound {
            return nil
        }
        return LiveProduct(
            id: detail.id ?? id,
            name: detail.name ?? "",
            status: detail.status.flatMap(LiveProduct.Status.init(rawValue:)) ?? .underChange,
            lastRecordId: detail.lastRecordId,
            createdTime: detail.createdTime,
            statusMessage: detail.statusMessage
        )
    }

    private func search(_ level: String) async throws(CatalogError) -> [ServiceCatalog.ProvisionedProductAttribute] {
        try await client.searchAllProvisionedProducts(
            ServiceCatalog.SearchProvisionedProductsInput(
                accessLevelFilter: ServiceCatalog.AccessLevelFilter(key: level, value: "self")
            )
        )
    }

    /// Reads every output with `GetProvisionedProductOutputs`, in the order Service Catalog lists them.
    public func outputs(provisionedProductId: String) async throws(CatalogError) -> [ProductOutput] {
        let outputs = try await client.allProvisionedProductOutputs(provisionedProductId: provisionedProductId)
        return outputs.compactMap { output in
            guard let key = output.outputKey else { return nil }
            return ProductOutput(key: key, value: output.outputValue ?? "", description: output.description)
        }
    }

    /// Checks that the product can be launched by this role: `DescribeProduct` (the end user's view, which answers
    /// only with a launch path to the product) must list the artifact and the path, and `DescribeProvisioningArtifact`
    /// must not say the artifact is inactive or deprecated.
    ///
    /// A role allowed to provision but not to call `DescribeProvisioningArtifact` passes when `DescribeProduct`
    /// listed the artifact: the check must not stop provisioning that would work.
    public func checkProduct(_ product: ProductReference) async throws(CatalogError) {
        let view: ServiceCatalog.DescribeProductOutput
        do throws(CatalogError) {
            view = try await client.describeProduct(ServiceCatalog.DescribeProductInput(id: product.productId))
        } catch  where error.kind == .notFound {
            throw CatalogError(
                .notFound,
                code: error.code,
                message: "product \(product.productId) was not found, or this role has no launch path to it "
                    + "(share a portfolio holding it with the role): \(error.message)"
            )
        }
        let artifacts = view.provisioningArtifacts ?? []
        let listed = artifacts.first { $0.id == product.provisioningArtifactId }
        if !artifacts.isEmpty, listed == nil {
            throw CatalogError(
                .notFound,
                message: "provisioning artifact \(product.provisioningArtifactId) is not a version of product "
                    + "\(product.productId) this role can launch; it can launch "
                    + artifacts.compactMap(\.id).joined(separator: ", ")
            )
        }
        if listed?.guidance == "DEPRECATED" {
            throw Self.deprecated(product)
        }
        let paths = (view.launchPaths ?? []).compactMap(\.id)
        if let pathId = product.pathId {
            if !paths.isEmpty, !paths.contains(pathId) {
                throw CatalogError(
                    .notFound,
                    message: "launch path \(pathId) is not one of product \(product.productId)'s launch paths for this "
                        + "role: \(paths.joined(separator: ", "))"
                )
            }
        } else if paths.count > 1 {
            throw CatalogError(
                .invalidRequest,
                message: "product \(product.productId) has \(paths.count) launch paths for this role ("
                    + paths.joined(separator: ", ") + "): set product.pathId in pool.json"
            )
        }
        let artifact: ServiceCatalog.DescribeProvisioningArtifactOutput
        do throws(CatalogError) {
            artifact = try await client.describeProvisioningArtifact(
                ServiceCatalog.DescribeProvisioningArtifactInput(
                    productId: product.productId,
                    provisioningArtifactId: product.provisioningArtifactId
                )
            )
        } catch  where error.kind == .accessDenied && listed != nil {
            return
        } catch  where error.kind == .notFound {
            throw CatalogError(
                .notFound,
                code: error.code,
                message: "provisioning artifact \(product.provisioningArtifactId) of product \(product.productId) "
                    + "was not found: \(error.message)"
            )
        }
        if artifact.provisioningArtifactDetail?.active == false {
            throw CatalogError(
                .invalidRequest,
                message: "provisioning artifact \(product.provisioningArtifactId) of product \(product.productId) is "
                    + "inactive: activate it or set another provisioningArtifactId in pool.json"
            )
        }
        if artifact.provisioningArtifactDetail?.guidance == "DEPRECATED" {
            throw Self.deprecated(product)
        }
    }

    private static func deprecated(_ product: ProductReference) -> CatalogError {
        CatalogError(
            .invalidRequest,
            message: "provisioning artifact \(product.provisioningArtifactId) of product \(product.productId) is "
                + "deprecated: new products cannot be launched from it; set another provisioningArtifactId in pool.json"
        )
    }
}

/// The access level that works for this role, remembered across passes.
private final class AccessLevelMemory: Sendable {
    private let level = Mutex("Account")

    var current: String {
        get { level.withLock { $0 } }
        set { level.withLock { $0 = newValue } }
    }
}
