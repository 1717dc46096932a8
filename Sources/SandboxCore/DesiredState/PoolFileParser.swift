/// Parses and checks `pool.json` (docs/behaviour.md §2).
///
/// Every problem is reported, not only the first. Beyond the types and defaults of docs/behaviour.md:
/// - `capacity` is an integer from 0 to ``DesiredStateLimits/maximumCapacity``;
/// - `product.productId`, `provisioningArtifactId` and `pathId` are Service Catalog ids: 1 to 100
///   letters, digits, `_` or `-` (the `Id` shape of the Service Catalog API model);
/// - `namePrefix` keeps `<namePrefix><request-id>` a valid `ProvisionedProductName` for the longest
///   request id (63): at most 65 letters, digits, `.`, `_` or `-`, starting with a letter or digit
///   (it may be empty);
/// - parameter keys are 1 to 1000 characters; values use only `{{requester}}` and `{{request}}`
///   and stay within 4096 characters once filled in with the longest login and request id;
/// - `outputs` are non-empty strings (a duplicate is a warning);
/// - `allowedOrganizations` and `deniedUsers` are GitHub logins;
/// - `lease` is at most `maxLease`, and `expiryWarning` is shorter than `lease` (an error: a warning
///   as long as the lease would be sent the moment a sandbox is ready).
public enum PoolFileParser {
    /// The keys of `pool.json`.
    public static let keys = [
        "capacity", "lease", "maxLease", "expiryWarning", "product", "parameters", "namePrefix", "outputs",
        "verification",
    ]
    static let productKeys = ["productId", "provisioningArtifactId", "pathId"]
    static let verificationKeys = ["minAccountAge", "allowedOrganizations", "deniedUsers"]

    /// The length limit of a Service Catalog id (`Id` shape).
    public static let maximumIdLength = 100
    /// The longest `ProvisionedProductName`.
    public static let maximumProductNameLength = 128
    /// The longest `namePrefix`: the product name must fit the longest request id (63).
    public static let maximumNamePrefixLength = maximumProductNameLength - 63
    /// The longest parameter key (`ParameterKey` shape).
    public static let maximumParameterKeyLength = 1_000
    /// The longest parameter value once filled in (`ParameterValue` shape).
    public static let maximumParameterValueLength = 4_096

    /// Parses `pool.json`.
    ///
    /// - Parameters:
    ///   - bytes: The file's content.
    ///   - path: The file as shown in diagnostics (`desired-state/pool.json`).
    /// - Returns: The pool when the file has no error, and every diagnostic.
    public static func parse(_ bytes: [UInt8], path: String) -> FileParseResult<PoolConfiguration> {
        var reader = FieldReader(path: path)
        guard let root = reader.readJSON(bytes),
            let fields = reader.object(
                root,
                field: nil,
                keys: keys,
                description: "a JSON object (see README \"pool.json\")"
            )
        else { return FileParseResult(value: nil, diagnostics: reader.diagnostics) }

        let capacity = readCapacity(fields["capacity"], root: root, reader: &reader)

        func duration(_ key: String, default text: String) -> LeaseDuration? {
            guard let value = fields[key] else { return LeaseDuration(text)! }
            return reader.duration(value, field: key)
        }
        let lease = duration("lease", default: "7d")
        let maxLease = duration("maxLease", default: "14d")
        let expiryWarning = duration("expiryWarning", default: "24h")

        let product = readProduct(fields["product"], root: root, reader: &reader)

        let parameters = fields["parameters"].map { readParameters($0, reader: &reader) } ?? [:]

        var namePrefix: String? = "sandbox-"
        if let value = fields["namePrefix"] {
            namePrefix = reader.string(value, field: "namePrefix").flatMap {
                checkNamePrefix($0, at: value.position, reader: &reader)
            }
        }

        var outputs: [String]??
        if let value = fields["outputs"] {
            outputs = readOutputs(value, reader: &reader).map { .some($0) }
        } else {
            outputs = .some(nil)
        }

        let verification = fields["verification"].map { readVerification($0, reader: &reader) } ?? VerificationPolicy()

        checkDurations(lease: lease, maxLease: maxLease, expiryWarning: expiryWarning, fields: fields, reader: &reader)

        guard !reader.hasErrors, let capacity, let lease, let maxLease, let expiryWarning, let product,
            let parameters, let namePrefix, let outputs, let verification
        else { return FileParseResult(value: nil, diagnostics: reader.diagnostics) }
        let pool = PoolConfiguration(
            capacity: capacity,
            lease: lease,
            maxLease: maxLease,
            expiryWarning: expiryWarning,
            product: product,
            parameters: parameters,
            namePrefix: namePrefix,
            outputs: outputs,
            verification: verification
        )
        return FileParseResult(value: pool, diagnostics: reader.diagnostics)
    }

    /// `lease` must not exceed `maxLease`, and `expiryWarning` must be shorter than `lease`; each is checked only
    /// when the durations it compares are valid.
    private static func checkDurations(
        lease: LeaseDuration?,
        maxLease: LeaseDuration?,
        expiryWarning: LeaseDuration?,
        fields: [String: JSONValue],
        reader: inout FieldReader
    ) {
        if let lease, let maxLease, lease > maxLease {
            reader.error(
                "lease",
                at: fields["lease"]?.position ?? fields["maxLease"]?.position,
                "the default lease \(JSONValue.quoted(lease.text)) is longer than maxLease"
                    + " \(JSONValue.quoted(maxLease.text)); lower lease or raise maxLease"
            )
        }
        if let lease, let expiryWarning, expiryWarning >= lease {
            reader.error(
                "expiryWarning",
                at: fields["expiryWarning"]?.position ?? fields["lease"]?.position,
                "\(JSONValue.quoted(expiryWarning.text)) is not shorter than the default lease"
                    + " \(JSONValue.quoted(lease.text)), so the warning would come as soon as a sandbox is ready;"
                    + " make it shorter than the lease"
            )
        }
    }

    /// The required `capacity`; `nil` when absent or invalid (reported).
    private static func readCapacity(_ field: JSONValue?, root: JSONValue, reader: inout FieldReader) -> Int? {
        guard let value = field else {
            reader.missing(
                "capacity",
                at: root.position,
                "add how many sandboxes may exist at once, e.g. \"capacity\": 3"
            )
            return nil
        }
        let expected = "an integer from 0 to \(DesiredStateLimits.maximumCapacity)"
        guard let integer = reader.integer(value, field: "capacity", expected: expected) else { return nil }
        guard (0...Int64(DesiredStateLimits.maximumCapacity)).contains(integer) else {
            reader.error(
                "capacity",
                at: value.position,
                "\(integer) is out of range; expected \(expected) (0 stops dispensing new sandboxes)"
            )
            return nil
        }
        return Int(integer)
    }

    /// The required `product`; `nil` when absent or invalid (reported).
    private static func readProduct(
        _ field: JSONValue?,
        root: JSONValue,
        reader: inout FieldReader
    ) -> ProductReference? {
        guard let value = field else {
            reader.missing(
                "product",
                at: root.position,
                "add the Service Catalog product to provision:"
                    + " {\"productId\": \"prod-…\", \"provisioningArtifactId\": \"pa-…\"}"
            )
            return nil
        }
        guard let fields = reader.object(value, field: "product", keys: productKeys) else { return nil }
        func id(_ key: String, example: String, required: Bool) -> String?? {
            let field = "product.\(key)"
            guard let value = fields[key] else {
                if required {
                    reader.missing(field, at: value.position, "add the Service Catalog id, e.g. \"\(example)\"")
                }
                return required ? nil : .some(nil)
            }
            guard let text = reader.string(value, field: field) else { return nil }
            guard isServiceCatalogID(text) else {
                reader.error(
                    field,
                    at: value.position,
                    "\(JSONValue.quoted(text)) is not a Service Catalog id; an id has 1 to \(maximumIdLength)"
                        + " letters, digits, '_' or '-', such as \"\(example)\": copy it from the Service Catalog"
                        + " console"
                )
                return nil
            }
            return .some(text)
        }
        let productId = id("productId", example: "prod-abcdefghijklm", required: true)
        let artifactId = id("provisioningArtifactId", example: "pa-abcdefghijklm", required: true)
        let pathId = id("pathId", example: "lpv3-abcdefghijklm", required: false)
        guard let productId = productId ?? nil, let artifactId = artifactId ?? nil, let pathId else { return nil }
        return ProductReference(productId: productId, provisioningArtifactId: artifactId, pathId: pathId)
    }

    /// Whether `text` is a Service Catalog `Id`: 1 to 100 of `[a-zA-Z0-9_-]`.
    ///
    /// The API model's pattern is `^[a-zA-Z0-9_\-]*` with length 1 to 100; this reads it as
    /// anchored at both ends, since every id Service Catalog issues is of that alphabet.
    public static func isServiceCatalogID(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        guard (1...maximumIdLength).contains(scalars.count) else { return false }
        return scalars.allSatisfy { isAlphanumeric($0) || $0 == "_" || $0 == "-" }
    }

    private static func readParameters(_ value: JSONValue, reader: inout FieldReader) -> [String: String]? {
        guard let members = value.members else {
            reader.wrongType(value, field: "parameters", expected: "an object of string values")
            return nil
        }
        var result: [String: String] = [:]
        var ok = true
        for member in members {
            let field = "parameters.\(member.key)"
            let keyLength = member.key.unicodeScalars.count
            if !(1...maximumParameterKeyLength).contains(keyLength) {
                reader.error(
                    field,
                    at: member.keyPosition,
                    "a parameter name has 1 to \(maximumParameterKeyLength) characters; use the name the product's"
                        + " template declares"
                )
                ok = false
            }
            guard let text = reader.string(member.value, field: field) else {
                ok = false
                continue
            }
            var unknown: [String] = []
            var filledLength = text.unicodeScalars.count
            for occurrence in Placeholders.occurrences(in: text) {
                switch occurrence.name {
                case "requester": filledLength += GitHubLogin.maximumLength - occurrence.text.unicodeScalars.count
                case "request": filledLength += 63 - occurrence.text.unicodeScalars.count
                default: if !unknown.contains(occurrence.text) { unknown.append(occurrence.text) }
                }
            }
            if !unknown.isEmpty {
                reader.error(
                    field,
                    at: member.value.position,
                    "unknown placeholder \(unknown.joined(separator: ", ")); a parameter value may use only"
                        + " {{requester}} and {{request}}"
                )
                ok = false
            } else if filledLength > maximumParameterValueLength {
                reader.error(
                    field,
                    at: member.value.position,
                    "the value can reach \(filledLength) characters once filled in; Service Catalog accepts at most"
                        + " \(maximumParameterValueLength): shorten it"
                )
                ok = false
            }
            result[member.key] = text
        }
        return ok ? result : nil
    }

    private static func checkNamePrefix(
        _ text: String,
        at position: SourcePosition,
        reader: inout FieldReader
    ) -> String? {
        let scalars = Array(text.unicodeScalars)
        let allowed = scalars.allSatisfy { isAlphanumeric($0) || $0 == "." || $0 == "_" || $0 == "-" }
        let startsWell = scalars.first.map(isAlphanumeric) ?? true
        guard allowed, startsWell, scalars.count <= maximumNamePrefixLength else {
            reader.error(
                "namePrefix",
                at: position,
                "\(JSONValue.quoted(text)) cannot start a Service Catalog product name; use at most"
                    + " \(maximumNamePrefixLength) letters, digits, '.', '_' or '-', starting with a letter or digit"
                    + " (so that <namePrefix><request-id> fits in \(maximumProductNameLength) characters)"
            )
            return nil
        }
        return text
    }

    private static func readOutputs(_ value: JSONValue, reader: inout FieldReader) -> [String]? {
        guard let outputs = reader.stringArray(value, field: "outputs", expected: "output names (strings)") else {
            return nil
        }
        var seen: Set<String> = []
        var ok = true
        for (index, name) in outputs.enumerated() {
            let position = value.elements?[index].position
            if name.isEmpty {
                reader.error("outputs[\(index)]", at: position, "an output name cannot be empty; remove it")
                ok = false
            } else if !seen.insert(name).inserted {
                reader.warning(
                    "outputs[\(index)]",
                    at: position,
                    "\(JSONValue.quoted(name)) is listed twice; remove one"
                )
            }
        }
        return ok ? outputs : nil
    }

    private static func readVerification(_ value: JSONValue, reader: inout FieldReader) -> VerificationPolicy? {
        guard let fields = reader.object(value, field: "verification", keys: verificationKeys) else { return nil }
        var ok = true
        var policy = VerificationPolicy()
        if let value = fields["minAccountAge"] {
            if let age = reader.duration(value, field: "verification.minAccountAge") {
                policy.minAccountAge = age
            } else {
                ok = false
            }
        }
        func logins(_ key: String, what: String) -> [String]? {
            guard let value = fields[key] else { return [] }
            let field = "verification.\(key)"
            guard let names = reader.stringArray(value, field: field, expected: "\(what) (strings)") else { return nil }
            var valid = true
            for (index, name) in names.enumerated() where !GitHubLogin.isValid(name) {
                reader.error(
                    "\(field)[\(index)]",
                    at: value.elements?[index].position,
                    "\(JSONValue.quoted(name)) is not a GitHub"
                        + " \(what == "organization names" ? "organization" : "login");"
                        + " a name has 1 to 39 letters, digits or single hyphens, not at the start or end"
                )
                valid = false
            }
            return valid ? names : nil
        }
        if let organizations = logins("allowedOrganizations", what: "organization names") {
            policy.allowedOrganizations = organizations
        } else {
            ok = false
        }
        if let denied = logins("deniedUsers", what: "GitHub logins") {
            policy.deniedUsers = denied
        } else {
            ok = false
        }
        return ok ? policy : nil
    }

    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
