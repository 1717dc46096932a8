import Foundation
public import SandboxCore

/// Counts every catalog call by operation and outcome for the metrics file.
public struct InstrumentedCatalog: CatalogPort {
    let wrapped: any CatalogPort
    let counter: APICallCounter

    public init(_ wrapped: any CatalogPort, counter: APICallCounter) {
        self.wrapped = wrapped
        self.counter = counter
    }

    func counted<T>(_ operation: String, _ call: () async throws(CatalogError) -> T) async throws(CatalogError) -> T {
        do {
            let value = try await call()
            counter.record(service: "servicecatalog", operation: operation, outcome: "success")
            return value
        } catch {
            counter.record(service: "servicecatalog", operation: operation, outcome: error.kind.rawValue)
            throw error
        }
    }

    public func provision(_ request: ProvisionRequest) async throws(CatalogError) -> CatalogReceipt {
        try await counted("ProvisionProduct") { () async throws(CatalogError) in try await wrapped.provision(request) }
    }

    public func terminate(provisionedProductId: String, token: String) async throws(CatalogError) -> CatalogReceipt {
        try await counted("TerminateProvisionedProduct") { () async throws(CatalogError) in
            try await wrapped.terminate(provisionedProductId: provisionedProductId, token: token)
        }
    }

    public func describeRecord(id: String) async throws(CatalogError) -> CatalogRecord {
        try await counted("DescribeRecord") { () async throws(CatalogError) in try await wrapped.describeRecord(id: id)
        }
    }

    public func listProducts(pool: String) async throws(CatalogError) -> [LiveProduct] {
        try await counted("SearchProvisionedProducts") { () async throws(CatalogError) in
            try await wrapped.listProducts(pool: pool)
        }
    }

    /// Counted as `notFound` when the catalog says the product does not exist (AWS answered an error).
    public func describeProduct(id: String) async throws(CatalogError) -> LiveProduct? {
        do {
            let product = try await wrapped.describeProduct(id: id)
            counter.record(
                service: "servicecatalog",
                operation: "DescribeProvisionedProduct",
                outcome: product == nil ? CatalogError.Kind.notFound.rawValue : "success"
            )
            return product
        } catch {
            counter.record(
                service: "servicecatalog",
                operation: "DescribeProvisionedProduct",
                outcome: error.kind.rawValue
            )
            throw error
        }
    }

    public func outputs(provisionedProductId: String) async throws(CatalogError) -> [ProductOutput] {
        try await counted("GetProvisionedProductOutputs") { () async throws(CatalogError) in
            try await wrapped.outputs(provisionedProductId: provisionedProductId)
        }
    }

    public func checkProduct(_ product: ProductReference) async throws(CatalogError) {
        try await counted("DescribeProduct") { () async throws(CatalogError) in try await wrapped.checkProduct(product)
        }
    }
}

/// Counts every GitHub port call by operation and outcome for the metrics file.
public struct InstrumentedGitHub: GitHubPort {
    let wrapped: any GitHubPort
    let counter: APICallCounter

    public init(_ wrapped: any GitHubPort, counter: APICallCounter) {
        self.wrapped = wrapped
        self.counter = counter
    }

    func counted<T>(_ operation: String, _ call: () async throws(GitHubError) -> T) async throws(GitHubError) -> T {
        do {
            let value = try await call()
            counter.record(service: "github", operation: operation, outcome: "success")
            return value
        } catch {
            counter.record(service: "github", operation: operation, outcome: error.kind.rawValue)
            throw error
        }
    }

    /// The wrapped port's.
    public var checksRequesters: Bool { wrapped.checksRequesters }

    /// The wrapped port's answer, counted by the GitHub call it stands for.
    public func answer(_ question: VerificationQuestion) async throws(GitHubError) -> VerificationFact {
        let operation: String
        switch question {
        case .pullRequest: operation = "getPullRequest"
        case .changedFiles: operation = "listPullRequestFiles"
        case .account: operation = "getUser"
        case .membership: operation = "checkMembership"
        }
        return try await counted(operation) { () async throws(GitHubError) in try await wrapped.answer(question) }
    }

    public func ownComments(pullRequest: Int, request: RequestID) async throws(GitHubError) -> [OwnComment] {
        try await counted("ownComments") { () async throws(GitHubError) in
            try await wrapped.ownComments(pullRequest: pullRequest, request: request)
        }
    }

    public func postComment(pullRequest: Int, body: String) async throws(GitHubError) -> CommentReference {
        try await counted("postComment") { () async throws(GitHubError) in
            try await wrapped.postComment(pullRequest: pullRequest, body: body)
        }
    }

    public func editComment(_ comment: CommentReference, body: String) async throws(GitHubError) {
        try await counted("editComment") { () async throws(GitHubError) in
            try await wrapped.editComment(comment, body: body)
        }
    }
}
