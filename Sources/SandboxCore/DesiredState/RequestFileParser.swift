/// Parses and checks one request file, `requests/<request-id>.json` (docs/behaviour.md §2).
///
/// The id comes from the file name (checked by ``DesiredStateParser``). Every problem of the file
/// is reported. `lease` is checked against the pool's `maxLease` only when a valid pool is given.
public enum RequestFileParser {
    /// The keys of a request file.
    public static let keys = ["requester", "pullRequest", "lease", "purpose"]
    /// Keys only `pool.json` may set; a request file naming one gets a message of its own.
    public static let operatorKeys = ["parameters", "product", "tags"]

    /// Parses a request file.
    ///
    /// - Parameters:
    ///   - bytes: The file's content.
    ///   - id: The request id, from the file name.
    ///   - path: The file as shown in diagnostics (`desired-state/requests/a.json`).
    ///   - pool: The valid pool, when there is one, to check `lease` against `maxLease`.
    /// - Returns: The request when the file has no error, and every diagnostic.
    public static func parse(
        _ bytes: [UInt8],
        id: RequestID,
        path: String,
        pool: PoolConfiguration?
    ) -> FileParseResult<RequestSpec> {
        var reader = FieldReader(path: path)
        let forbidden = Dictionary(
            uniqueKeysWithValues: operatorKeys.map {
                (
                    $0,
                    "a request file cannot set parameters, product or tags: only the operator's pool.json can;"
                        + " remove \(JSONValue.quoted($0))"
                )
            }
        )
        guard let root = reader.readJSON(bytes),
            let fields = reader.object(
                root,
                field: nil,
                keys: keys,
                forbiddenKeys: forbidden,
                description: "a JSON object such as {\"requester\": \"octocat\", \"pullRequest\": 42}"
            )
        else { return FileParseResult(value: nil, diagnostics: reader.diagnostics) }

        let requester = readRequester(fields["requester"], root: root, reader: &reader)
        let pullRequest = readPullRequest(fields["pullRequest"], root: root, reader: &reader)
        let lease = readLease(fields["lease"], pool: pool, reader: &reader)
        let purpose = readPurpose(fields["purpose"], reader: &reader)

        guard !reader.hasErrors, let requester, let pullRequest, let lease, let purpose else {
            return FileParseResult(value: nil, diagnostics: reader.diagnostics)
        }
        let spec = RequestSpec(id: id, requester: requester, pullRequest: pullRequest, lease: lease, purpose: purpose)
        return FileParseResult(value: spec, diagnostics: reader.diagnostics)
    }

    /// Who an invalid file is from and where to tell them (docs/behaviour.md §2.5): `requester` and
    /// `pullRequest` read as a valid file would have them, from a file whose JSON parses to an object.
    /// `nil` when either cannot be read that way (not JSON, a duplicate key, a bad login or number).
    public static func recover(_ bytes: [UInt8]) -> RecoveredRequest? {
        guard let root = try? JSONReader.parse(bytes), let members = root.members else { return nil }
        var fields: [String: JSONValue] = [:]
        for member in members { fields[member.key] = member.value }
        guard let login = fields["requester"]?.stringValue, GitHubLogin.isValid(login),
            let number = fields["pullRequest"]?.integerValue, number > 0
        else { return nil }
        return RecoveredRequest(requester: login, pullRequest: Int(number))
    }

    /// `requester`: a valid GitHub login; `nil` when absent or invalid (reported).
    private static func readRequester(
        _ field: JSONValue?,
        root: JSONValue,
        reader: inout FieldReader
    ) -> String? {
        guard let value = field else {
            reader.missing("requester", at: root.position, "add your GitHub login, e.g. \"requester\": \"octocat\"")
            return nil
        }
        guard let login = reader.string(value, field: "requester", expected: "a GitHub login (a string)") else {
            return nil
        }
        guard GitHubLogin.isValid(login) else {
            reader.error(
                "requester",
                at: value.position,
                "\(JSONValue.quoted(login)) is not a GitHub login; a login has 1 to 39 letters, digits or"
                    + " single hyphens, not at the start or end: write it as it appears on github.com"
            )
            return nil
        }
        return login
    }

    /// `pullRequest`: a positive number; `nil` when absent or invalid (reported).
    private static func readPullRequest(
        _ field: JSONValue?,
        root: JSONValue,
        reader: inout FieldReader
    ) -> Int? {
        guard let value = field else {
            reader.missing(
                "pullRequest",
                at: root.position,
                "add the number of the pull request that adds this file, e.g. \"pullRequest\": 42"
            )
            return nil
        }
        let expected = "the pull request's number (a positive integer)"
        guard let number = reader.integer(value, field: "pullRequest", expected: expected) else { return nil }
        guard number > 0 else {
            reader.error(
                "pullRequest",
                at: value.position,
                "\(number) is not a pull request number; use the number of the pull request that adds this file"
            )
            return nil
        }
        return Int(number)
    }

    /// `lease`: `.some(nil)` when absent, `.some(duration)` when valid and within the pool's `maxLease`, `nil`
    /// when invalid (reported).
    private static func readLease(
        _ field: JSONValue?,
        pool: PoolConfiguration?,
        reader: inout FieldReader
    ) -> LeaseDuration?? {
        guard let value = field else { return .some(nil) }
        guard let asked = reader.duration(value, field: "lease") else { return nil }
        if let maxLease = pool?.maxLease, asked > maxLease {
            reader.error(
                "lease",
                at: value.position,
                "\(JSONValue.quoted(asked.text)) is longer than the pool's maxLease"
                    + " \(JSONValue.quoted(maxLease.text));"
                    + " ask for at most \(maxLease.text)"
            )
            return nil
        }
        return .some(asked)
    }

    /// `purpose`: `.some(nil)` when absent, `.some(text)` when a short enough string, `nil` when invalid
    /// (reported).
    private static func readPurpose(_ field: JSONValue?, reader: inout FieldReader) -> String?? {
        guard let value = field else { return .some(nil) }
        guard let text = reader.string(value, field: "purpose") else { return nil }
        let length = text.unicodeScalars.count
        if length > DesiredStateLimits.maximumPurposeLength {
            reader.error(
                "purpose",
                at: value.position,
                "is \(length) characters long; shorten it to at most"
                    + " \(DesiredStateLimits.maximumPurposeLength) characters"
            )
            return nil
        }
        return .some(text)
    }
}
