import Foundation
import SandboxCore

/// Who may see what (access levels), and what a search finds (`SearchQuery`, an index that lags).
extension FakeServiceCatalogServer.State {
    /// The principal signing with `accessKey` (see ``FakeServiceCatalogServer/Configuration/principals``).
    func principal(of accessKey: String) -> Principal {
        if let principal = principals[accessKey] { return principal }
        return Principal(
            userArn: "arn:aws:sts::123456789012:assumed-role/sandboxd/\(accessKey)",
            roleArn: "arn:aws:iam::123456789012:role/sandboxd",
            accessLevels: accountLevelAccess ? ["Account", "Role", "User"] : ["Role", "User"]
        )
    }

    /// Whether `caller`'s products at `level` include `product`.
    static func covers(_ level: String, _ caller: Principal, _ product: Product) -> Bool {
        switch level {
        case "Account": return true
        case "Role": return product.owner.roleArn == caller.roleArn
        default: return product.owner.userArn == caller.userArn
        }
    }

    /// Refuses a call on `product` that none of `caller`'s levels covers (the hierarchy of AWS's condition keys).
    func authorize(_ caller: Principal, on product: Product, _ operation: String) throws(Failure) {
        guard !caller.accessLevels.contains(where: { Self.covers($0, caller, product) }) else { return }
        throw Self.denied(caller, operation)
    }

    static func denied(_ caller: Principal, _ operation: String) -> Failure {
        Failure(
            status: 400,
            code: "AccessDeniedException",
            message: "User: \(caller.userArn) is not authorized to perform: servicecatalog:\(operation)"
        )
    }

    /// `SearchProvisionedProducts`: the caller's products at the level asked, matching every `SearchQuery` entry,
    /// minus those the index hides for now, sorted and paged.
    mutating func search(_ body: JSONValue, caller: Principal) throws(Failure) -> [String: Any] {
        let level = body["AccessLevelFilter"]?["Key"]?.stringValue ?? "Account"
        guard caller.accessLevels.contains(level) else { throw Self.denied(caller, "SearchProvisionedProducts") }
        let query = (body["Filters"]?["SearchQuery"]?.elements ?? []).compactMap(\.stringValue)
        if refusesSearchQueries, !query.isEmpty {
            throw Failure(status: 400, code: "InvalidParametersException", message: "Invalid SearchQuery")
        }
        var found: [Product] = []
        for product in products where Self.covers(level, caller, product) && hidden[product.id, default: 0] <= 0 {
            if try Self.matches(product, query: query) { found.append(product) }
        }
        hidden = hidden.mapValues { $0 - 1 }.filter { $0.value > 0 }
        let requested = Int(body["PageSize"]?.integerValue ?? 20)
        let limit = min(searchPageSize, requested == 0 ? 20 : requested)
        switch body["SortBy"]?.stringValue {
        case "id"?: found.sort { $0.id < $1.id }
        case "name"?: found.sort { $0.name < $1.name }
        case nil: break
        case let other?:
            throw Failure(status: 400, code: "InvalidParametersException", message: "Invalid SortBy: \(other)")
        }
        if body["SortOrder"]?.stringValue == "DESCENDING" { found.reverse() }
        let (page, pageEnd) = try paginate(found, body: body, limit: limit, kind: "spp")
        var next = pageEnd
        if let token = next, pagesToLose > 0, let offset = Int(token.dropFirst(4), radix: 36) {
            pagesToLose -= 1
            let skipped = offset + limit
            next = skipped < found.count ? "spp-\(String(skipped, radix: 36))" : nil
        }
        var answer: [String: Any] = [
            "ProvisionedProducts": page.map { product -> [String: Any] in
                var attribute = detail(product)
                attribute["Tags"] = product.tags.map { ["Key": $0.0, "Value": $0.1] }
                attribute["PhysicalId"] = "arn:aws:cloudformation:us-east-1:123456789012:stack/SC-\(product.id)/x"
                attribute["ProductName"] = catalog.first { $0.id == product.productId }?.name ?? "unknown"
                attribute["UserArn"] = product.owner.userArn
                return attribute
            },
            "TotalResultsCount": found.count,
        ]
        // Real AWS sends an empty string on the last page at times; the client must stop on it too.
        answer["NextPageToken"] = next ?? ""
        return answer
    }

    /// The searchable fields AWS documents for `SearchQuery`; another field is refused.
    static let searchableFields: Set<String> = [
        "arn", "createdTime", "id", "lastRecordId", "idempotencyToken", "name", "physicalId", "productId",
        "provisioningArtifactId", "type", "status", "tags", "userArn", "userArnSession", "lastProvisioningRecordId",
        "lastSuccessfulProvisioningRecordId", "productName", "provisioningArtifactName",
    ]

    /// Whether `product` matches every entry of `query`: `field:value` compares the field with the value, a bare
    /// term compares every field the fake models, ignoring case. AWS documents `field:value` for `tags` without
    /// saying what the value is matched against; the fake takes a tag's key, its value, or `key=value`. Fields the
    /// fake does not model (`physicalId`, `createdTime`, …) match nothing.
    static func matches(_ product: Product, query: [String]) throws(Failure) -> Bool {
        for entry in query {
            let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
            let field = parts.count == 2 ? parts[0] : nil
            let value = (parts.count == 2 ? parts[1] : entry).lowercased()
            if let field, !searchableFields.contains(field) {
                throw Failure(
                    status: 400,
                    code: "InvalidParametersException",
                    message: "Invalid search field: \(field)"
                )
            }
            let tags = product.tags.flatMap { [$0.0, $0.1, "\($0.0)=\($0.1)"] }
            let fields: [String: [String]] = [
                "id": [product.id], "name": [product.name], "status": [product.status],
                "productId": [product.productId], "provisioningArtifactId": [product.artifactId],
                "userArn": [product.owner.userArn], "type": ["CFN_STACK"], "tags": tags,
            ]
            let candidates = field.map { fields[$0] ?? [] } ?? fields.values.flatMap { $0 }
            if !candidates.contains(where: { $0.lowercased() == value }) { return false }
        }
        return true
    }
}
