import Foundation
import SandboxCore

extension FakeServiceCatalogServer.State {
    /// Carries out one operation on a body the model accepted.
    mutating func perform(
        _ operation: String,
        body: JSONValue,
        caller: Principal,
        now: Date
    ) throws(Failure) -> [String: Any] {
        // Operations that complete with time are brought up to date before any call sees the catalog.
        if completionTime != nil { step(now: now) }
        switch operation {
        case "ProvisionProduct": return try provision(body, caller: caller, now: now)
        case "TerminateProvisionedProduct": return try terminate(body, caller: caller, now: now)
        case "DescribeRecord":
            step(now: now)
            return try describeRecord(body, caller: caller)
        case "DescribeProvisionedProduct":
            step(now: now)
            let product = try findProduct(id: body["Id"]?.stringValue, name: body["Name"]?.stringValue)
            try authorize(caller, on: product, operation)
            return ["ProvisionedProductDetail": detail(product), "CloudWatchDashboards": [] as [Any]]
        case "SearchProvisionedProducts":
            step(now: now)
            return try search(body, caller: caller)
        case "GetProvisionedProductOutputs":
            let product = try findProduct(
                id: body["ProvisionedProductId"]?.stringValue,
                name: body["ProvisionedProductName"]?.stringValue
            )
            try authorize(caller, on: product, operation)
            let outputs = product.status == "AVAILABLE" ? product.outputs : []
            let (page, next) = try paginate(outputs, body: body, limit: outputsPageSize, kind: "out")
            var answer: [String: Any] = ["Outputs": page.map(Self.output)]
            if let next { answer["NextPageToken"] = next }
            return answer
        case "DescribeProduct":
            let product = try catalogProduct(body["Id"]?.stringValue)
            return [
                "ProductViewSummary": [
                    "Id": "prodview-" + product.id.dropFirst(5), "ProductId": product.id, "Name": product.name,
                    "Owner": "Platform team", "Type": "CLOUD_FORMATION_TEMPLATE",
                    "HasDefaultPath": product.launchPaths.count == 1,
                ] as [String: Any],
                "ProvisioningArtifacts": product.artifacts.filter(\.active).map { artifact -> [String: Any] in
                    [
                        "Id": artifact.id, "Name": "v-\(artifact.id)", "Guidance": artifact.guidance,
                        "CreatedTime": 1_700_000_000.25,
                    ]
                },
                "LaunchPaths": product.launchPaths.map { ["Id": $0, "Name": "Sandbox portfolio"] },
                "Budgets": [] as [Any],
            ]
        case "DescribeProvisioningArtifact":
            let product = try catalogProduct(body["ProductId"]?.stringValue)
            guard
                let artifact = product.artifacts.first(where: { $0.id == body["ProvisioningArtifactId"]?.stringValue })
            else {
                throw Failure(
                    status: 400,
                    code: "ResourceNotFoundException",
                    message: "Provisioning artifact not found."
                )
            }
            return [
                "ProvisioningArtifactDetail": [
                    "Id": artifact.id, "Name": "v-\(artifact.id)", "Type": "CLOUD_FORMATION_TEMPLATE",
                    "CreatedTime": 1_700_000_000.25, "Active": artifact.active, "Guidance": artifact.guidance,
                ] as [String: Any],
                "Status": "AVAILABLE",
            ]
        default:
            throw Failure(status: 400, code: "UnknownOperationException", message: operation)
        }
    }

    private mutating func provision(_ body: JSONValue, caller: Principal, now: Date) throws(Failure) -> [String: Any] {
        let token = body["ProvisionToken"]?.stringValue ?? ""
        if let recordId = provisionTokens[token], let record = records[recordId] {
            return ["RecordDetail": Self.recordDetail(record)]
        }
        let name = body["ProvisionedProductName"]?.stringValue ?? ""
        guard let productId = body["ProductId"]?.stringValue,
            let artifactId = body["ProvisioningArtifactId"]?.stringValue
        else {
            throw Failure(
                status: 400,
                code: "InvalidParametersException",
                message: "ProductId and ProvisioningArtifactId are required by this fake"
            )
        }
        let product = try catalogProduct(productId)
        guard let artifact = product.artifacts.first(where: { $0.id == artifactId }) else {
            throw Failure(
                status: 400,
                code: "ResourceNotFoundException",
                message: "Provisioning artifact \(artifactId) not found."
            )
        }
        guard artifact.active, artifact.guidance != "DEPRECATED" else {
            throw Failure(
                status: 400,
                code: "InvalidParametersException",
                message: "Provisioning artifact \(artifactId) cannot be used to provision new products."
            )
        }
        let pathId = body["PathId"]?.stringValue
        if let pathId, !product.launchPaths.contains(pathId) {
            throw Failure(status: 400, code: "ResourceNotFoundException", message: "Launch path \(pathId) not found.")
        }
        if pathId == nil, product.launchPaths.count > 1 {
            throw Failure(
                status: 400,
                code: "InvalidParametersException",
                message: "There are multiple launch paths for this product; specify a PathId."
            )
        }
        guard !products.contains(where: { $0.name == name }) else {
            throw Failure(
                status: 400,
                code: "DuplicateResourceException",
                message: "A provisioned product with the name \(name) already exists."
            )
        }
        let tags = (body["Tags"]?.elements ?? []).map {
            ($0["Key"]?.stringValue ?? "", $0["Value"]?.stringValue ?? "")
        }
        let id = nextID("pp-")
        let record = Record(
            id: nextID("rec-"),
            type: "PROVISION_PRODUCT",
            productId: id,
            productName: name,
            status: "CREATED",
            createdTime: now,
            updatedTime: now,
            stepsLeft: stepsToComplete,
            errors: [],
            tags: tags,
            catalogProductId: productId,
            artifactId: artifactId,
            pathId: pathId ?? product.launchPaths.first
        )
        let outputs = product.outputKeys.map { key -> (String, String) in
            switch key {
            case "BucketName": (key, "\(name)-bucket-\(id.suffix(6))")
            case "QueueArn": (key, "arn:aws:sqs:us-east-1:123456789012:\(name)")
            case "NotebookUrl": (key, "https://notebooks.example.com/\(name)")
            case "Region": (key, "us-east-1")
            default: (key, "\(key)-of-\(name)")
            }
        }
        products.append(
            Product(
                id: id,
                name: name,
                status: "UNDER_CHANGE",
                statusMessage: nil,
                createdTime: now,
                tags: tags,
                productId: productId,
                artifactId: artifactId,
                pathId: record.pathId,
                token: token,
                lastRecordId: record.id,
                outputs: outputs,
                owner: caller
            )
        )
        records[record.id] = record
        provisionTokens[token] = record.id
        productsCreated += 1
        return ["RecordDetail": Self.recordDetail(record)]
    }

    private mutating func terminate(_ body: JSONValue, caller: Principal, now: Date) throws(Failure) -> [String: Any] {
        if body["IgnoreErrors"]?.kind == .bool(true) {
            violations.append("TerminateProvisionedProduct with IgnoreErrors: true")
        }
        let token = body["TerminateToken"]?.stringValue ?? ""
        if let recordId = terminateTokens[token], let record = records[recordId] {
            guard products.contains(where: { $0.id == record.productId }) else {
                throw Failure(
                    status: 400,
                    code: "ResourceNotFoundException",
                    message: "Provisioned product \(record.productId) not found."
                )
            }
            return ["RecordDetail": Self.recordDetail(record)]
        }
        let product = try findProduct(
            id: body["ProvisionedProductId"]?.stringValue,
            name: body["ProvisionedProductName"]?.stringValue
        )
        try authorize(caller, on: product, "TerminateProvisionedProduct")
        guard product.status != "UNDER_CHANGE" else {
            throw Failure(
                status: 400,
                code: "InvalidStateException",
                message: "Provisioned product \(product.id) is under change and cannot be terminated now."
            )
        }
        let record = Record(
            id: nextID("rec-"),
            type: "TERMINATE_PROVISIONED_PRODUCT",
            productId: product.id,
            productName: product.name,
            status: "CREATED",
            createdTime: now,
            updatedTime: now,
            stepsLeft: stepsToComplete,
            errors: [],
            tags: product.tags,
            catalogProductId: product.productId,
            artifactId: product.artifactId,
            pathId: product.pathId
        )
        records[record.id] = record
        terminateTokens[token] = record.id
        if let index = products.firstIndex(where: { $0.id == product.id }) {
            products[index].status = "UNDER_CHANGE"
            products[index].lastRecordId = record.id
        }
        return ["RecordDetail": Self.recordDetail(record)]
    }

    private func describeRecord(_ body: JSONValue, caller: Principal) throws(Failure) -> [String: Any] {
        guard let record = records[body["Id"]?.stringValue ?? ""] else {
            throw Failure(status: 400, code: "ResourceNotFoundException", message: "Record not found.")
        }
        if let product = products.first(where: { $0.id == record.productId }) {
            try authorize(caller, on: product, "DescribeRecord")
        }
        var outputs: [(String, String)] = []
        if record.type == "PROVISION_PRODUCT", record.status == "SUCCEEDED",
            let product = products.first(where: { $0.id == record.productId })
        {
            outputs = product.outputs
        }
        let limit = min(outputsPageSize, Int(body["PageSize"]?.integerValue ?? 20).clamped(1, 20))
        let (page, next) = try paginate(outputs, body: body, limit: limit, kind: "rec")
        var answer: [String: Any] = ["RecordDetail": Self.recordDetail(record), "RecordOutputs": page.map(Self.output)]
        if let next { answer["NextPageToken"] = next }
        return answer
    }

    /// Moves every open operation one step and completes those whose time has come.
    mutating func step(now: Date) {
        for id in records.keys.sorted() {
            guard var record = records[id], record.status == "CREATED" || record.status == "IN_PROGRESS" else {
                continue
            }
            record.status = "IN_PROGRESS"
            record.updatedTime = now
            if let completionTime {
                let due = record.createdTime.addingTimeInterval(completionTime)
                if now >= due {
                    record.updatedTime = due
                    complete(&record, now: due)
                }
            } else {
                record.stepsLeft -= 1
                if record.stepsLeft <= 0 {
                    complete(&record, now: now)
                }
            }
            records[id] = record
        }
    }

    private mutating func complete(_ record: inout Record, now: Date) {
        guard let index = products.firstIndex(where: { $0.id == record.productId }) else {
            record.status = "FAILED"
            record.errors = [("ResourceNotFound", "the provisioned product disappeared")]
            return
        }
        let name = products[index].name
        defer {
            let status = products.first { $0.id == record.productId }?.status ?? "TERMINATED"
            statusChanges.append(.init(productId: record.productId, name: name, status: status, at: now))
        }
        if record.type == "PROVISION_PRODUCT" {
            if failingProvisioning.contains(name) {
                products[index].status = "ERROR"
                products[index].statusMessage = "simulated: stack creation failed"
                record.status = "FAILED"
                record.errors = [("CREATE_FAILED", "simulated: stack creation failed")]
            } else {
                products[index].status = "AVAILABLE"
                record.status = "SUCCEEDED"
            }
        } else if failingTermination.contains(name) {
            products[index].status = "TAINTED"
            products[index].statusMessage = "simulated: stack deletion failed"
            record.status = "FAILED"
            record.errors = [("DELETE_FAILED", "simulated: stack deletion failed")]
        } else {
            products.remove(at: index)
            record.status = "SUCCEEDED"
        }
    }

    func findProduct(id: String?, name: String?) throws(Failure) -> Product {
        if let id, let product = products.first(where: { $0.id == id }) { return product }
        if let name, let product = products.first(where: { $0.name == name }) { return product }
        throw Failure(
            status: 400,
            code: "ResourceNotFoundException",
            message: "Provisioned product \(id ?? name ?? "(none)") not found."
        )
    }

    private func catalogProduct(_ id: String?) throws(Failure) -> FakeServiceCatalogServer.CatalogProduct {
        guard let product = catalog.first(where: { $0.id == id }) else {
            throw Failure(
                status: 400,
                code: "ResourceNotFoundException",
                message: "Product \(id ?? "(none)") not found."
            )
        }
        return product
    }

    /// One page of `items` from the body's `PageToken`; the next token when more remain.
    func paginate<Item>(
        _ items: [Item],
        body: JSONValue,
        limit: Int,
        kind: String
    ) throws(Failure)
        -> ([Item], String?)
    {
        var offset = 0
        if let token = body["PageToken"]?.stringValue {
            let parts = token.split(separator: "-")
            guard parts.count == 2, parts[0] == kind, let value = Int(parts[1], radix: 36), value >= 0 else {
                throw Failure(status: 400, code: "InvalidParametersException", message: "The page token is not valid.")
            }
            offset = value
        }
        let page = Array(items.dropFirst(offset).prefix(limit))
        let end = offset + page.count
        return (page, end < items.count ? "\(kind)-\(String(end, radix: 36))" : nil)
    }

    func detail(_ product: Product) -> [String: Any] {
        var detail: [String: Any] = [
            "Name": product.name,
            "Arn": "arn:aws:servicecatalog:us-east-1:123456789012:stack/\(product.name)/\(product.id)",
            "Type": "CFN_STACK", "Id": product.id, "Status": product.status,
            "CreatedTime": product.createdTime.timeIntervalSince1970, "ProductId": product.productId,
            "ProvisioningArtifactId": product.artifactId,
            "NewMemberFromTheFuture": ["ignored": true],
        ]
        if let token = product.token { detail["IdempotencyToken"] = token }
        if let record = product.lastRecordId { detail["LastRecordId"] = record }
        if let message = product.statusMessage { detail["StatusMessage"] = message }
        return detail
    }

    static func recordDetail(_ record: Record) -> [String: Any] {
        var detail: [String: Any] = [
            "RecordId": record.id, "ProvisionedProductName": record.productName, "Status": record.status,
            "CreatedTime": record.createdTime.timeIntervalSince1970,
            "UpdatedTime": record.updatedTime.timeIntervalSince1970,
            "ProvisionedProductType": "CFN_STACK", "RecordType": record.type, "ProvisionedProductId": record.productId,
            "ProductId": record.catalogProductId, "ProvisioningArtifactId": record.artifactId,
            "RecordErrors": record.errors.map { ["Code": $0.0, "Description": $0.1] },
            "RecordTags": record.tags.map { ["Key": $0.0, "Value": $0.1] },
            "LaunchRoleArn": "arn:aws:iam::123456789012:role/SCLaunchRole",
        ]
        if let pathId = record.pathId { detail["PathId"] = pathId }
        return detail
    }

    static func output(_ pair: (String, String)) -> [String: Any] {
        ["OutputKey": pair.0, "OutputValue": pair.1, "Description": "The \(pair.0)"]
    }
}

extension Int {
    fileprivate func clamped(_ low: Int, _ high: Int) -> Int { Swift.min(Swift.max(self, low), high) }
}
