public import SandboxCore
import Foundation
import SandboxLocking

/// The ``CatalogPort`` over real AWS Service Catalog, through ``ServiceCatalogClient``: `ProvisionProduct` (parameters
/// and tags sorted by key), `TerminateProvisionedProduct` (never `IgnoreErrors`), `DescribeRecord`,
/// `SearchProvisionedProducts`, `DescribeProvisionedProduct`, `GetProvisionedProductOutputs`, and `DescribeProduct`
/// with `DescribeProvisioningArtifact` for ``checkProduct(_:)``. Made by `fromEnvironment` in production.
public struct AWSCatalog: CatalogPort {
    /// The access levels of `AccessLevelFilter`, each granted by its IAM condition key (docs/behaviour.md §3.14).
    public enum AccessLevel: String, CaseIterable, Sendable {
        case account = "Account"
        case role = "Role"
        case user = "User"

        /// `servicecatalog:accountLevel`, `…roleLevel` or `…userLevel`.
        public var conditionKey: String { "servicecatalog:\(rawValue.lowercased())Level" }
    }

    public let client: ServiceCatalogClient
    /// One line for the start-up log: endpoint, region and credential source, without secrets.
    public let summary: String
    private let memory: ListingMemory

    /// An adapter over `client`; `summary` defaults to the endpoint and region.
    public init(client: ServiceCatalogClient, summary: String? = nil) {
        self.init(client, summary, ListingMemory(level: nil, observer: nil))
    }

    private init(_ client: ServiceCatalogClient, _ summary: String?, _ memory: ListingMemory) {
        self.client = client
        self.summary = summary ?? "AWS Service Catalog at \(client.endpoint.absoluteString) (region \(client.region))"
        self.memory = memory
    }

    /// The same adapter listing at `level` first (the level an earlier process found to work), and telling
    /// `observer` whenever the level that works is another than the one it last heard of.
    public func remembering(
        _ level: AccessLevel?,
        observer: @escaping @Sendable (AccessLevel) -> Void
    ) -> AWSCatalog {
        AWSCatalog(client, summary, ListingMemory(level: level, observer: observer))
    }

    /// The access level listings use now (`Account` until AWS refuses it).
    public var accessLevel: AccessLevel { memory.state.withLock { $0.level } }

    public func provision(_ request: ProvisionRequest) async throws(CatalogError) -> CatalogReceipt {
        let input = ServiceCatalog.ProvisionProductInput(
            productId: request.product.productId,
            provisioningArtifactId: request.product.provisioningArtifactId,
            pathId: request.product.pathId,
            provisionedProductName: request.name,
            provisioningParameters: request.parameters.sorted { $0.key < $1.key }
                .map { ServiceCatalog.ProvisioningParameter(key: $0.key, value: $0.value) }.nonEmpty,
            tags: request.tags.sorted { $0.key < $1.key }.map { ServiceCatalog.Tag(key: $0.key, value: $0.value) }
                .nonEmpty,
            provisionToken: request.token
        )
        let record = try await client.send(ServiceCatalog.provisionProduct, input).recordDetail
        return CatalogReceipt(recordId: record?.recordId ?? "", provisionedProductId: record?.provisionedProductId)
    }

    public func terminate(provisionedProductId: String, token: String) async throws(CatalogError) -> CatalogReceipt {
        let input = ServiceCatalog.TerminateProvisionedProductInput(
            provisionedProductId: provisionedProductId,
            terminateToken: token
        )
        let record = try await client.send(ServiceCatalog.terminateProvisionedProduct, input).recordDetail
        return CatalogReceipt(
            recordId: record?.recordId ?? "",
            provisionedProductId: record?.provisionedProductId ?? provisionedProductId
        )
    }

    /// A status the port does not know yet reads as in progress.
    public func describeRecord(id: String) async throws(CatalogError) -> CatalogRecord {
        let output = try await client.send(ServiceCatalog.describeRecord, ServiceCatalog.IdInput(id: id))
        let detail = output.recordDetail ?? ServiceCatalog.RecordDetail()
        let errors = (detail.recordErrors ?? []).map { error in
            [error.code, error.description].compactMap { $0 }.joined(separator: ": ").nonEmpty ?? "unspecified error"
        }
        return CatalogRecord(
            id: detail.recordId ?? id,
            status: detail.status.flatMap(CatalogRecord.Status.init(rawValue:)) ?? .inProgress,
            provisionedProductId: detail.provisionedProductId,
            errors: errors
        )
    }

    /// Every page of `SearchProvisionedProducts` sorted by id, kept when the `sandboxd:pool` tag is `pool`, at the
    /// first access level that AWS allows (Account, Role, User), narrowed by ``searchQuery(pool:)`` once a
    /// listing showed the narrowed search missing nothing the full one found (docs/behaviour.md §3.14).
    public func listProducts(pool: String) async throws(CatalogError) -> [LiveProduct] {
        let narrowing = memory.state.withLock { $0.narrowing }
        guard narrowing != .off, let query = Self.searchQuery(pool: pool) else {
            return Self.pool(pool, try await search([]))
        }
        let narrowed: [LiveProduct]
        do throws(CatalogError) {
            narrowed = Self.pool(pool, try await search(query))
        } catch  where error.kind == .invalidRequest {
            memory.state.withLock { $0.narrowing = .off }  // the query is refused: the full listing from now on
            return Self.pool(pool, try await search([]))
        }
        guard narrowing == .unverified else { return narrowed }
        let full = Self.pool(pool, try await search([]))
        let missed = Set(full.map(\.id)).subtracting(narrowed.map(\.id))
        memory.state.withLock { $0.narrowing = !missed.isEmpty ? .off : full.isEmpty ? .vacuous : .trusted }
        return full + narrowed.filter { product in !full.contains { $0.id == product.id } }
    }

    /// The `SearchQuery` that narrows the listing to products tagged with the pool's name, or `nil` when the name is
    /// not a plain word (the query's parsing of other characters is undocumented).
    public static func searchQuery(pool: String) -> [String]? {
        let word = pool.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
        return word && !pool.isEmpty ? ["tags:\(pool)"] : nil
    }

    /// `DescribeProvisionedProduct`: `nil` on `ResourceNotFoundException`. Its answer carries no tags, so the product
    /// has none: the planner asks a described product for its status only, its id being the journal's.
    public func describeProduct(id: String) async throws(CatalogError) -> LiveProduct? {
        let detail: ServiceCatalog.ProvisionedProductDetail?
        do throws(CatalogError) {
            detail = try await client.send(ServiceCatalog.describeProvisionedProduct, ServiceCatalog.IdInput(id: id))
                .provisionedProductDetail
        } catch  where error.kind == .notFound {
            return nil
        }
        // A product missing from a listing exists, and the query was only checked on an empty pool: check it again.
        memory.state.withLock { if $0.narrowing == .vacuous { $0.narrowing = .unverified } }
        return Self.live(detail ?? ServiceCatalog.ProvisionedProductDetail(), id: id)
    }

    /// The port's view of a product; a status it does not know yet (the model's enums grow) reads as
    /// `UNDER_CHANGE`: the planner waits.
    static func live(
        _ product: ServiceCatalog.ProvisionedProductDetail,
        id: String,
        tags: [String: String] = [:]
    )
        -> LiveProduct
    {
        LiveProduct(
            id: product.id ?? id,
            name: product.name ?? "",
            status: product.status.flatMap(LiveProduct.Status.init(rawValue:)) ?? .underChange,
            tags: tags,
            lastRecordId: product.lastRecordId,
            createdTime: product.createdTime,
            statusMessage: product.statusMessage
        )
    }

    static func pool(_ pool: String, _ products: [ServiceCatalog.ProvisionedProductAttribute]) -> [LiveProduct] {
        products.compactMap { product -> LiveProduct? in
            guard let id = product.id, !id.isEmpty else { return nil }
            let tags = Dictionary((product.tags ?? []).map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
            return tags[TagKey.pool] == pool ? live(product, id: id, tags: tags) : nil
        }
    }

    /// Every page at the remembered level; refused there (`AccessDeniedException`), at the other levels in order.
    private func search(_ query: [String]) async throws(CatalogError) -> [ServiceCatalog.ProvisionedProductAttribute] {
        let first = accessLevel
        var refusal: CatalogError?
        for level in [first] + AccessLevel.allCases.filter({ $0 != first }) {
            do throws(CatalogError) {
                let input = ServiceCatalog.SearchProvisionedProductsInput(
                    accessLevelFilter: ServiceCatalog.AccessLevelFilter(key: level.rawValue, value: "self"),
                    filters: query.isEmpty ? nil : ["SearchQuery": query]
                )
                let products = try await client.all(ServiceCatalog.searchProvisionedProducts, input)
                memory.worked(level)
                // Each product once (by id, first seen wins).
                var seenIds: Set<String> = []
                return products.filter { product in product.id.map { seenIds.insert($0).inserted } ?? true }
            } catch  where ["AccessDeniedException", "AccessDenied"].contains(error.code ?? "") {
                refusal = refusal ?? error
            }
        }
        let keys = AccessLevel.allCases.map(\.conditionKey).joined(separator: ", ")
        throw CatalogError(
            .accessDenied,
            code: refusal?.code,
            message: "SearchProvisionedProducts is refused at every access level: allow it with one of \(keys) "
                + "(README, AWS permissions): \(refusal?.message ?? "")"
        )
    }

    /// Every output, in the order Service Catalog lists them.
    public func outputs(provisionedProductId: String) async throws(CatalogError) -> [ProductOutput] {
        let input = ServiceCatalog.GetProvisionedProductOutputsInput(provisionedProductId: provisionedProductId)
        let outputs = try await client.all(ServiceCatalog.getProvisionedProductOutputs, input)
        return outputs.compactMap { output in
            guard let key = output.outputKey else { return nil }
            return ProductOutput(key: key, value: output.outputValue ?? "", description: output.description)
        }
    }

    /// `DescribeProduct` (the end user's view: only with a launch path) must list the artifact and the path, and
    /// `DescribeProvisioningArtifact` must not say it is inactive or deprecated; a role not allowed the latter passes
    /// when the former listed the artifact (the check must not stop provisioning that would work).
    public func checkProduct(_ product: ProductReference) async throws(CatalogError) {
        let (productId, artifactId) = (product.productId, product.provisioningArtifactId)
        let artifactName = "provisioning artifact \(artifactId) of product \(productId)"
        let deprecated = CatalogError(
            .invalidRequest,
            message: "\(artifactName) is deprecated: new products cannot be "
                + "launched from it; set another provisioningArtifactId in pool.json"
        )
        let view: ServiceCatalog.DescribeProductOutput
        do throws(CatalogError) {
            view = try await client.send(ServiceCatalog.describeProduct, ServiceCatalog.IdInput(id: productId))
        } catch  where error.kind == .notFound {
            throw CatalogError(
                .notFound,
                code: error.code,
                message: "product \(productId) was not found, or this role has no launch path to it (share a "
                    + "portfolio holding it with the role): \(error.message)"
            )
        }
        let artifacts = view.provisioningArtifacts ?? []
        let listed = artifacts.first { $0.id == artifactId }
        if !artifacts.isEmpty, listed == nil {
            throw CatalogError(
                .notFound,
                message: "provisioning artifact \(artifactId) is not a version of product \(productId) this role can "
                    + "launch; it can launch " + artifacts.compactMap(\.id).joined(separator: ", ")
            )
        }
        if listed?.guidance == "DEPRECATED" { throw deprecated }
        let paths = (view.launchPaths ?? []).compactMap(\.id)
        if let pathId = product.pathId, !paths.isEmpty, !paths.contains(pathId) {
            throw CatalogError(
                .notFound,
                message: "launch path \(pathId) is not one of product \(productId)'s launch paths for this role: "
                    + paths.joined(separator: ", ")
            )
        } else if product.pathId == nil, paths.count > 1 {
            throw CatalogError(
                .invalidRequest,
                message: "product \(productId) has \(paths.count) launch paths for this role ("
                    + paths.joined(separator: ", ") + "): set product.pathId in pool.json"
            )
        }
        let detail: ServiceCatalog.ProvisioningArtifactDetail?
        do throws(CatalogError) {
            let input = ServiceCatalog.DescribeProvisioningArtifactInput(
                productId: productId,
                provisioningArtifactId: artifactId
            )
            detail = try await client.send(ServiceCatalog.describeProvisioningArtifact, input)
                .provisioningArtifactDetail
        } catch  where error.kind == .accessDenied && listed != nil {
            return
        } catch  where error.kind == .notFound {
            throw CatalogError(.notFound, code: error.code, message: "\(artifactName) was not found: \(error.message)")
        }
        if detail?.active == false {
            throw CatalogError(
                .invalidRequest,
                message: "\(artifactName) is inactive: activate it or set another provisioningArtifactId in pool.json"
            )
        }
        if detail?.guidance == "DEPRECATED" { throw deprecated }
    }
}

/// What listings learnt: the access level that works, and whether the narrowed search can be trusted.
private final class ListingMemory: Sendable {
    /// Whether listings are narrowed: not yet checked; checked when the pool had no product; checked; or not.
    enum Narrowing { case unverified, vacuous, trusted, off }

    struct State {
        var level: AWSCatalog.AccessLevel
        /// The level the observer last heard of.
        var reported: AWSCatalog.AccessLevel?
        var narrowing = Narrowing.unverified
    }

    let state: Locked<State>
    let observer: (@Sendable (AWSCatalog.AccessLevel) -> Void)?

    init(level: AWSCatalog.AccessLevel?, observer: (@Sendable (AWSCatalog.AccessLevel) -> Void)?) {
        state = Locked(State(level: level ?? .account, reported: level))
        self.observer = observer
    }

    /// A search at `level` was answered: it is the level from now on, and the observer hears of a new one once.
    func worked(_ level: AWSCatalog.AccessLevel) {
        let news = state.withLock { state -> Bool in
            state.level = level
            defer { state.reported = level }
            return state.reported != level
        }
        if news { observer?(level) }
    }
}
