/// A request shape that knows its operation and checks the model's constraints on what it is about to send.
protocol ServiceCatalogInput: Encodable, Sendable {
    /// The operation the shape is the input of.
    static var operation: ServiceCatalog.Operation { get }
    /// Every member that breaks the model's constraints, as `Member "value": why`; empty when valid.
    func validationProblems() -> [String]
    /// Whether sending the request twice does no harm: reads, and writes carrying an idempotency token.
    var isSafeToRepeat: Bool { get }
}

extension ServiceCatalogInput {
    /// Reads are safe to repeat.
    var isSafeToRepeat: Bool { !Self.operation.isMutating }
}

extension ServiceCatalog.ProvisionProductInput: ServiceCatalogInput {
    static var operation: ServiceCatalog.Operation { .provisionProduct }

    /// The same `ProvisionToken` returns the same record.
    var isSafeToRepeat: Bool { !provisionToken.isEmpty }

    func validationProblems() -> [String] {
        var problems = ModelConstraints.id("ProductId", productId)
        problems += ModelConstraints.id("ProvisioningArtifactId", provisioningArtifactId)
        if let pathId { problems += ModelConstraints.id("PathId", pathId) }
        problems += ModelConstraints.provisionedProductName("ProvisionedProductName", provisionedProductName)
        problems += ModelConstraints.idempotencyToken("ProvisionToken", provisionToken)
        for (index, parameter) in provisioningParameters.enumerated() {
            problems += ModelConstraints.length("ProvisioningParameters[\(index)].Key", parameter.key, 1...1000)
            problems += ModelConstraints.length(
                "ProvisioningParameters[\(index)].Value (\(parameter.key))",
                parameter.value,
                0...4096,
                showValue: false
            )
        }
        problems += ModelConstraints.tags("Tags", tags)
        return problems
    }
}

extension ServiceCatalog.TerminateProvisionedProductInput: ServiceCatalogInput {
    static var operation: ServiceCatalog.Operation { .terminateProvisionedProduct }

    /// The same `TerminateToken` returns the same record while the termination runs.
    var isSafeToRepeat: Bool { !terminateToken.isEmpty }

    func validationProblems() -> [String] {
        ModelConstraints.id("ProvisionedProductId", provisionedProductId)
            + ModelConstraints.idempotencyToken("TerminateToken", terminateToken)
    }
}

extension ServiceCatalog.DescribeRecordInput: ServiceCatalogInput {
    static var operation: ServiceCatalog.Operation { .describeRecord }

    func validationProblems() -> [String] {
        ModelConstraints.id("Id", id) + ModelConstraints.pageToken(pageToken)
            + ModelConstraints.range("PageSize", pageSize, 0...20)
    }
}

extension ServiceCatalog.DescribeProvisionedProductInput: ServiceCatalogInput {
    static var operation: ServiceCatalog.Operation { .describeProvisionedProduct }

    func validationProblems() -> [String] {
        ModelConstraints.id("Id", id)
    }
}

extension ServiceCatalog.SearchProvisionedProductsInput: ServiceCatalogInput {
    static var operation: ServiceCatalog.Operation { .searchProvisionedProducts }

    func validationProblems() -> [String] {
        var problems: [String] = []
        if !["Account", "Role", "User"].contains(accessLevelFilter.key) {
            problems.append("AccessLevelFilter.Key \"\(accessLevelFilter.key)\": must be Account, Role or User")
        }
        if let sortOrder, !["ASCENDING", "DESCENDING"].contains(sortOrder) {
            problems.append("SortOrder \"\(sortOrder)\": must be ASCENDING or DESCENDING")
        }
        problems += ModelConstraints.range("PageSize", pageSize, 0...100)
        problems += ModelConstraints.pageToken(pageToken)
        return problems
    }
}

extension ServiceCatalog.GetProvisionedProductOutputsInput: ServiceCatalogInput {
    static var operation: ServiceCatalog.Operation { .getProvisionedProductOutputs }

    func validationProblems() -> [String] {
        ModelConstraints.id("ProvisionedProductId", provisionedProductId) + ModelConstraints.pageToken(pageToken)
            + ModelConstraints.range("PageSize", pageSize, 0...20)
    }
}

extension ServiceCatalog.DescribeProductInput: ServiceCatalogInput {
    static var operation: ServiceCatalog.Operation { .describeProduct }

    func validationProblems() -> [String] {
        ModelConstraints.id("Id", id)
    }
}

extension ServiceCatalog.DescribeProvisioningArtifactInput: ServiceCatalogInput {
    static var operation: ServiceCatalog.Operation { .describeProvisioningArtifact }

    func validationProblems() -> [String] {
        ModelConstraints.id("ProductId", productId)
            + ModelConstraints.id("ProvisioningArtifactId", provisioningArtifactId)
    }
}

/// The constraints of the model's shapes, checked as whole-string matches of their patterns. Lengths count Unicode
/// scalars, as botocore (Python `len`) does.
enum ModelConstraints {
    /// `Id`: 1–100 characters of `[a-zA-Z0-9_-]`.
    static func id(_ member: String, _ value: String) -> [String] {
        length(member, value, 1...100)
            + pattern(member, value, "letters, digits, '_' and '-'") { _, scalar in
                isASCIIAlphanumeric(scalar) || "_-".unicodeScalars.contains(scalar)
            }
    }

    /// `ProvisionedProductName`: 1–128 characters, `[a-zA-Z0-9][a-zA-Z0-9._-]*`.
    static func provisionedProductName(_ member: String, _ value: String) -> [String] {
        length(member, value, 1...128)
            + pattern(member, value, "a letter or digit, then letters, digits, '.', '_' and '-'") { index, scalar in
                isASCIIAlphanumeric(scalar) || (index > 0 && "._-".unicodeScalars.contains(scalar))
            }
    }

    /// `IdempotencyToken`: 1–128 characters, `[a-zA-Z0-9][a-zA-Z0-9_-]*`.
    static func idempotencyToken(_ member: String, _ value: String) -> [String] {
        length(member, value, 1...128)
            + pattern(member, value, "a letter or digit, then letters, digits, '_' and '-'") { index, scalar in
                isASCIIAlphanumeric(scalar) || (index > 0 && "_-".unicodeScalars.contains(scalar))
            }
    }

    /// `Tags`: at most 50; keys 1–128 and values 1–256 characters of `[\p{L}\p{Z}\p{N}_.:/=+\-@]`.
    static func tags(_ member: String, _ tags: [ServiceCatalog.Tag]) -> [String] {
        var problems: [String] = []
        if tags.count > 50 {
            problems.append("\(member): \(tags.count) tags, at most 50 are allowed")
        }
        let allowed = "letters, digits, spaces and _.:/=+-@"
        for (index, tag) in tags.enumerated() {
            problems += length("\(member)[\(index)].Key", tag.key, 1...128)
            problems += pattern("\(member)[\(index)].Key", tag.key, allowed) { isTagCharacter($1) }
            problems += length("\(member)[\(index)].Value", tag.value, 1...256)
            problems += pattern("\(member)[\(index)].Value", tag.value, allowed) { isTagCharacter($1) }
        }
        return problems
    }

    /// `PageToken`: at most 2024 characters of `[\t\n\r\u{20}-\u{D7FF}\u{E000}-\u{FFFD}]`.
    static func pageToken(_ value: String?) -> [String] {
        guard let value else { return [] }
        return length("PageToken", value, 0...2024)
            + pattern("PageToken", value, "printable characters") { _, scalar in
                switch scalar.value {
                case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD: true
                default: false
                }
            }
    }

    /// An integer within the model's range.
    static func range(_ member: String, _ value: Int?, _ range: ClosedRange<Int>) -> [String] {
        guard let value, !range.contains(value) else { return [] }
        return ["\(member) \(value): must be \(range.lowerBound)–\(range.upperBound)"]
    }

    /// A string whose length (in Unicode scalars) is within the model's range.
    static func length(_ member: String, _ value: String, _ range: ClosedRange<Int>, showValue: Bool = true) -> [String]
    {
        let count = value.unicodeScalars.count
        guard !range.contains(count) else { return [] }
        if range.lowerBound > 0 && count == 0 {
            return ["\(member) is empty: it must be \(range.lowerBound)–\(range.upperBound) characters"]
        }
        let shown = showValue ? " \(quoted(value))" : ""
        return ["\(member)\(shown): \(count) characters, must be \(range.lowerBound)–\(range.upperBound)"]
    }

    /// A string every scalar of which `allowed` accepts (given its index).
    static func pattern(
        _ member: String,
        _ value: String,
        _ description: String,
        _ allowed: (Int, Unicode.Scalar) -> Bool
    ) -> [String] {
        for (index, scalar) in value.unicodeScalars.enumerated() where !allowed(index, scalar) {
            return ["\(member) \(quoted(value)): only \(description) are allowed"]
        }
        return []
    }

    static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": true
        default: false
        }
    }

    /// `[\p{L}\p{Z}\p{N}_.:/=+\-@]`.
    static func isTagCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .spaceSeparator, .lineSeparator, .paragraphSeparator,
            .decimalNumber, .letterNumber, .otherNumber:
            true
        default:
            "_.:/=+-@".unicodeScalars.contains(scalar)
        }
    }

    /// The value in quotes, shortened to 80 characters.
    static func quoted(_ value: String) -> String {
        let scalars = value.unicodeScalars
        guard scalars.count > 80 else { return "\"\(value)\"" }
        var short = String.UnicodeScalarView()
        short.append(contentsOf: scalars.prefix(77))
        return "\"\(String(short))...\""
    }
}
