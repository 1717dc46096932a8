import Foundation
import SandboxAWS
import SandboxCore
import SandboxHTTP
import SandboxTesting
import Testing

@Suite("AWSCatalog against the fake Service Catalog over real HTTP")
struct AWSCatalogLifecycleTests {
    @Test("a full lifecycle: provision, records complete asynchronously, list, outputs, terminate")
    func lifecycle() async throws {
        let fake = try makeFakeCatalog(stepsToComplete: 2)
        defer { fake.stop() }
        let catalog = AWSCatalog(client: makeClient(for: fake))
        try await catalog.checkProduct(sandboxProduct)

        let receipt = try await catalog.provision(provisionRequest("sandbox-req-alice", token: "sbxtoken1"))
        #expect(receipt.provisionedProductId?.hasPrefix("pp-") == true)

        var record = try await catalog.describeRecord(id: receipt.recordId)
        #expect(record.status == .inProgress)
        record = try await catalog.describeRecord(id: receipt.recordId)
        #expect(record.status == .succeeded)
        #expect(record.provisionedProductId == receipt.provisionedProductId)

        let products = try await catalog.listProducts(pool: "default")
        #expect(products.map(\.name) == ["sandbox-req-alice"])
        #expect(products.first?.status == .available)
        #expect(products.first?.tags[TagKey.requester] == "octocat")
        #expect(products.first?.lastRecordId == receipt.recordId)

        let outputs = try await catalog.outputs(provisionedProductId: receipt.provisionedProductId!)
        #expect(outputs.map(\.key) == ["BucketName", "QueueArn", "NotebookUrl", "Region"])
        #expect(outputs.first?.description == "The BucketName")

        let termination = try await catalog.terminate(
            provisionedProductId: receipt.provisionedProductId!,
            token: "sbxterm1"
        )
        #expect(try await catalog.describeRecord(id: termination.recordId).status == .inProgress)
        #expect(try await catalog.describeRecord(id: termination.recordId).status == .succeeded)
        #expect(try await catalog.listProducts(pool: "default").isEmpty)
        #expect(fake.liveProducts.isEmpty)
        #expect(fake.violations.isEmpty)
    }

    @Test("the same provision token returns the same record and creates one product")
    func idempotentProvision() async throws {
        let fake = try makeFakeCatalog()
        defer { fake.stop() }
        let catalog = AWSCatalog(client: makeClient(for: fake))
        let first = try await catalog.provision(provisionRequest("sandbox-req-bob", token: "sbxsame"))
        let second = try await catalog.provision(provisionRequest("sandbox-req-bob", token: "sbxsame"))
        #expect(first == second)
        #expect(fake.productsCreated == 1)
    }

    @Test("a second product with a live product's name is a duplicate")
    func duplicateName() async throws {
        let fake = try makeFakeCatalog()
        defer { fake.stop() }
        let catalog = AWSCatalog(client: makeClient(for: fake))
        _ = try await catalog.provision(provisionRequest("sandbox-req-carol", token: "sbxfirst"))
        let error = await catalogError {
            _ = try await catalog.provision(provisionRequest("sandbox-req-carol", token: "sbxother"))
        }
        #expect(error?.kind == .duplicate)
        #expect(error?.code == "DuplicateResourceException")
        #expect(error?.message.contains("sandbox-req-carol already exists") == true)
    }

    @Test("terminating after the product is gone, even with the same token, is not found")
    func terminateGone() async throws {
        let fake = try makeFakeCatalog(stepsToComplete: 1)
        defer { fake.stop() }
        let catalog = AWSCatalog(client: makeClient(for: fake))
        let receipt = try await catalog.provision(provisionRequest("sandbox-req-dave", token: "sbxdave"))
        _ = try await catalog.describeRecord(id: receipt.recordId)
        let id = try #require(receipt.provisionedProductId)
        let termination = try await catalog.terminate(provisionedProductId: id, token: "sbxdaveterm")
        #expect(try await catalog.terminate(provisionedProductId: id, token: "sbxdaveterm") == termination)
        _ = try await catalog.describeRecord(id: termination.recordId)
        let error = await catalogError {
            _ = try await catalog.terminate(provisionedProductId: id, token: "sbxdaveterm")
        }
        #expect(error?.kind == .notFound)
        let unknown = await catalogError { _ = try await catalog.describeRecord(id: "rec-doesnotexist1") }
        #expect(unknown?.kind == .notFound)
    }

    @Test("listing follows every page and keeps only the pool's products")
    func listingPagesAndFilters() async throws {
        let fake = try makeFakeCatalog(stepsToComplete: 1)
        defer { fake.stop() }
        fake.addExistingProduct(name: "someone-elses", tags: ["team": "data"])
        fake.addExistingProduct(name: "other-pool-1", tags: [TagKey.pool: "staging"])
        let catalog = AWSCatalog(client: makeClient(for: fake))
        for index in 1...5 {
            _ = try await catalog.provision(provisionRequest("sandbox-req-\(index)", token: "sbxlist\(index)"))
        }
        fake.addExistingProduct(name: "orphan-of-default", tags: [TagKey.pool: "default"], status: "TAINTED")
        let products = try await catalog.listProducts(pool: "default")
        #expect(Set(products.map(\.name)) == Set((1...5).map { "sandbox-req-\($0)" } + ["orphan-of-default"]))
        #expect(products.count == 6)
        #expect(products.map(\.id) == products.map(\.id).sorted())  // SortBy id, across pages
        #expect(products.first { $0.name == "orphan-of-default" }?.status == .tainted)
        // The first listing is narrowed to the pool (6 products, 3 pages) and checked against the account's 8 (4 pages).
        #expect(fake.calls["SearchProvisionedProducts"] == 7)
        #expect(try await catalog.listProducts(pool: "default").count == 6)
        #expect(fake.calls["SearchProvisionedProducts"] == 10)  // then narrowed only
        let staging = try await catalog.listProducts(pool: "staging")
        #expect(staging.map(\.name) == ["other-pool-1"])
    }

    @Test("a failed provisioning record carries Service Catalog's errors")
    func failedRecord() async throws {
        let fake = try makeFakeCatalog(stepsToComplete: 1)
        defer { fake.stop() }
        fake.failProvisioning(of: "sandbox-req-erin")
        let catalog = AWSCatalog(client: makeClient(for: fake))
        let receipt = try await catalog.provision(provisionRequest("sandbox-req-erin", token: "sbxerin"))
        let record = try await catalog.describeRecord(id: receipt.recordId)
        #expect(record.status == .failed)
        #expect(record.errors == ["CREATE_FAILED: simulated: stack creation failed"])
        let product = try await catalog.listProducts(pool: "default").first
        #expect(product?.status == .error)
        #expect(product?.statusMessage == "simulated: stack creation failed")
    }

    @Test(
        "checkProduct reports what cannot be launched",
        arguments: [
            (
                ProductReference(productId: "prod-doesnotexist", provisioningArtifactId: "pa-sandbox000001"),
                CatalogError.Kind.notFound, "no launch path"
            ),
            (
                ProductReference(productId: "prod-sandbox000001", provisioningArtifactId: "pa-unknown000001"),
                .notFound, "is not a version"
            ),
            (
                ProductReference(productId: "prod-sandbox000001", provisioningArtifactId: "pa-sandbox000000"),
                .invalidRequest, "deprecated"
            ),
            (
                ProductReference(
                    productId: "prod-sandbox000001",
                    provisioningArtifactId: "pa-sandbox000001",
                    pathId: "lpv3-elsewhere0001"
                ), .notFound, "launch path lpv3-elsewhere0001"
            ),
        ]
    )
    func checkProductProblems(reference: ProductReference, kind: CatalogError.Kind, fragment: String) async throws {
        let fake = try makeFakeCatalog()
        defer { fake.stop() }
        let catalog = AWSCatalog(client: makeClient(for: fake))
        let error = await catalogError { try await catalog.checkProduct(reference) }
        #expect(error?.kind == kind)
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "no error")")
        #expect(fake.violations.isEmpty)
    }

    @Test("a product without a path is accepted when it has one launch path")
    func defaultPath() async throws {
        let fake = try makeFakeCatalog()
        defer { fake.stop() }
        let catalog = AWSCatalog(client: makeClient(for: fake))
        var reference = sandboxProduct
        reference.pathId = nil
        try await catalog.checkProduct(reference)
        var request = provisionRequest("sandbox-req-nopath", token: "sbxnopath")
        request.product = reference
        _ = try await catalog.provision(request)
        #expect(fake.violations.isEmpty)
    }

    @Test("without account-level access the listing falls back to the role level, and remembers it")
    func roleLevelFallback() async throws {
        let fake = try FakeServiceCatalogServer(
            .init(credentials: [acceptedTestCredentials], stepsToComplete: 1, accountLevelAccess: false)
        )
        defer { fake.stop() }
        let catalog = AWSCatalog(client: makeClient(for: fake))
        _ = try await catalog.provision(provisionRequest("sandbox-req-role", token: "sbxrole"))
        #expect(try await catalog.listProducts(pool: "default").map(\.name) == ["sandbox-req-role"])
        #expect(try await catalog.listProducts(pool: "default").count == 1)
        let levels = fake.requests.filter { $0.headers["X-Amz-Target"]?.hasSuffix("SearchProvisionedProducts") == true }
            .compactMap { JSONValue.parse($0.body)?["AccessLevelFilter"]?["Key"]?.stringValue }
        // Refused at Account, answered at Role (narrowed, then the same in full), and Role from then on.
        #expect(levels == ["Account", "Role", "Role", "Role"])
    }

    @Test("describeProduct: the product by id, nil once it is gone; another principal's is refused at User level")
    func describeProduct() async throws {
        let fake = try makeFakeCatalog(stepsToComplete: 1)
        defer { fake.stop() }
        let catalog = AWSCatalog(client: makeClient(for: fake))
        let receipt = try await catalog.provision(provisionRequest("sandbox-req-describe", token: "sbxdescribe"))
        let id = try #require(receipt.provisionedProductId)
        let described = try await catalog.describeProduct(id: id)
        #expect(described?.name == "sandbox-req-describe")
        #expect(described?.status == .available)  // the describe call itself completed the operation
        #expect(described?.tags == [:])  // DescribeProvisionedProduct has no tags
        fake.removeProduct(id: id)
        #expect(try await catalog.describeProduct(id: id) == nil)
        #expect(try await catalog.describeProduct(id: "pp-neverexisted01") == nil)

        let foreign = fake.addExistingProduct(name: "someone-elses-sandbox", tags: [TagKey.pool: "default"])
        fake.setPrincipal(
            .init(
                userArn: "arn:aws:iam::123456789012:user/sandboxd",
                roleArn: "arn:aws:iam::123456789012:user/sandboxd",
                accessLevels: ["User"]
            ),
            forAccessKey: testCredentials.accessKeyId
        )
        let refused = await catalogError { _ = try await catalog.describeProduct(id: foreign) }
        #expect(refused?.kind == .accessDenied)
        #expect(try await catalog.listProducts(pool: "default").isEmpty)  // invisible at the User level
        #expect(catalog.accessLevel == .user)
        #expect(fake.violations.isEmpty)
    }
}
