/// A request body that checks, before it is sent, the model's constraints whose breach would cost more than a
/// refused call: the idempotency token and name a retry depends on, and the parameters that come from the pool
/// (docs/behaviour.md §3.11, §9.4). Everything else is left to the service, which names the member it refuses; the
/// tags are made of validated values (the pool name is checked at start-up, ``AWSCatalog/fromEnvironment``).
public protocol ServiceCatalogRequest: Encodable, Sendable {
    /// Every member that breaks the model's constraints, as `Member "value": why`; empty when valid.
    func validationProblems() -> [String]
    /// The idempotency token, for the writes that carry one.
    var idempotencyToken: String? { get }
}

/// A listing's request, which ``ServiceCatalogClient/all(_:_:)`` sends again for each page.
public protocol ServiceCatalogPagedRequest: ServiceCatalogRequest {
    var pageToken: String? { get set }
}

/// An answer as the client decodes it; ``missingMember`` names a member callers rely on that did not come.
public protocol ServiceCatalogAnswer: Decodable, Sendable {
    var missingMember: String? { get }
}

/// One page of a listing.
public protocol ServiceCatalogPage: ServiceCatalogAnswer {
    associatedtype Item: Sendable
    var items: [Item] { get }
    var nextPageToken: String? { get }
}

extension ServiceCatalogRequest {
    public func validationProblems() -> [String] { [] }
    public var idempotencyToken: String? { nil }
}

extension ServiceCatalogAnswer {
    public var missingMember: String? { nil }
}

extension ServiceCatalog.ProvisionProductInput: ServiceCatalogRequest {
    public var idempotencyToken: String? { provisionToken }

    public func validationProblems() -> [String] {
        var problems = ModelConstraints.name("ProvisionedProductName", provisionedProductName, allowingDot: true)
        problems += ModelConstraints.name("ProvisionToken", provisionToken, allowingDot: false)
        for (index, parameter) in (provisioningParameters ?? []).enumerated() {
            problems += ModelConstraints.length("ProvisioningParameters[\(index)].Key", parameter.key, 1...1000)
            problems += ModelConstraints.length(
                "ProvisioningParameters[\(index)].Value (\(parameter.key))",
                parameter.value,
                0...4096,
                showValue: false
            )
        }
        return problems
    }
}

extension ServiceCatalog.TerminateProvisionedProductInput: ServiceCatalogRequest {
    public var idempotencyToken: String? { terminateToken }

    public func validationProblems() -> [String] {
        ModelConstraints.name("TerminateToken", terminateToken, allowingDot: false)
    }
}

/// The model's patterns, checked as whole-string matches. Lengths count Unicode scalars, as botocore (Python
/// `len`) does.
enum ModelConstraints {
    /// `ProvisionedProductName` (`[a-zA-Z0-9][a-zA-Z0-9._-]*`) or `IdempotencyToken` (`[a-zA-Z0-9][a-zA-Z0-9_-]*`),
    /// both 1–128 characters.
    static func name(_ member: String, _ value: String, allowingDot: Bool) -> [String] {
        let punctuation = allowingDot ? "._-" : "_-"
        let shown = allowingDot ? "'.', '_' and '-'" : "'_' and '-'"
        let problems = length(member, value, 1...128)
        let allowed = value.unicodeScalars.enumerated().allSatisfy { index, scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || (index > 0 && punctuation.unicodeScalars.contains(scalar))
        }
        guard !allowed else { return problems }
        return problems + [
            "\(member) \(quoted(value)): only a letter or digit, then letters, digits, \(shown) are allowed"
        ]
    }

    /// A tag value: 1–256 characters of `[\p{L}\p{Z}\p{N}_.:/=+\-@]`.
    static func isTagValue(_ value: String) -> Bool {
        (1...256).contains(value.unicodeScalars.count) && value.unicodeScalars.allSatisfy(isTagCharacter)
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

    /// `[\p{L}\p{Z}\p{N}_.:/=+\-@]`.
    static func isTagCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .spaceSeparator, .lineSeparator, .paragraphSeparator, .decimalNumber, .letterNumber, .otherNumber:
            true
        default:
            "_.:/=+-@".unicodeScalars.contains(scalar)
        }
    }

    /// The value in quotes, shortened to 80 characters.
    static func quoted(_ value: String) -> String {
        let scalars = value.unicodeScalars
        guard scalars.count > 80 else { return "\"\(value)\"" }
        return "\"\(String(String.UnicodeScalarView(scalars.prefix(77))))...\""
    }
}
