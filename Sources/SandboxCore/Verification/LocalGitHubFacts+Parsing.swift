import Foundation

extension LocalGitHubFacts {
    /// Reads `local/github.json` strictly (the desired state's JSON reader): every problem is a
    /// diagnostic with the file, line, column and what to fix.
    /// - Parameters:
    ///   - bytes: The file's content.
    ///   - path: The file as shown in diagnostics.
    /// - Returns: The facts when the file has no error, and every diagnostic.
    public static func parse(_ bytes: [UInt8], path: String) -> FileParseResult<LocalGitHubFacts> {
        var reader = FieldReader(path: path)
        guard let root = reader.readJSON(bytes),
            let fields = reader.object(
                root,
                field: nil,
                keys: keys,
                description: "a JSON object with \"accounts\", \"pullRequests\" and \"organizations\""
            )
        else { return FileParseResult(value: nil, diagnostics: reader.diagnostics) }
        var facts = LocalGitHubFacts()
        for (login, value, position) in entries(fields["accounts"], field: "accounts", &reader) {
            if let account = account(login, value, &reader) {
                if facts.accounts[login.lowercased()] != nil {
                    reader.error("accounts.\(login)", at: position, "another account has this login in other case")
                }
                facts.accounts[login.lowercased()] = account
            }
        }
        for (key, value, position) in entries(fields["pullRequests"], field: "pullRequests", &reader) {
            guard let number = Int(key), number > 0, String(number) == key else {
                reader.error(
                    "pullRequests.\(key)",
                    at: position,
                    "\(JSONValue.quoted(key)) is not a pull request number; write a number such as \"42\""
                )
                continue
            }
            if let pull = pullRequest(key, value, &reader) { facts.pullRequests[number] = pull }
        }
        for (name, value, _) in entries(fields["organizations"], field: "organizations", &reader) {
            facts.organizations[name.lowercased()] = members(name, value, &reader)
        }
        return FileParseResult(value: reader.hasErrors ? nil : facts, diagnostics: reader.diagnostics)
    }

    /// The members of the object at `field`, when there is one.
    static func entries(
        _ value: JSONValue?,
        field: String,
        _ reader: inout FieldReader
    ) -> [(String, JSONValue, SourcePosition)] {
        guard let value else { return [] }
        guard let members = value.members else {
            reader.wrongType(value, field: field, expected: "an object")
            return []
        }
        return members.map { ($0.key, $0.value, $0.keyPosition) }
    }

    /// One account: `{"id": 1001, "type": "User", "created": "2019-04-01T00:00:00Z"}`, or with
    /// `"age": "5d"` (created that long before now) instead of `created`.
    static func account(_ login: String, _ value: JSONValue, _ reader: inout FieldReader) -> Account? {
        let field = "accounts.\(login)"
        if !GitHubLogin.isValid(login) {
            reader.error(field, at: value.position, "\(JSONValue.quoted(login)) is not a GitHub login")
        }
        guard let fields = reader.object(value, field: field, keys: ["id", "type", "created", "age"])
        else { return nil }
        var id: Int64?
        if let value = fields["id"] {
            id = reader.integer(value, field: "\(field).id", expected: "a positive integer")
            if let found = id, found <= 0 {
                reader.error("\(field).id", at: value.position, "an account id is a positive integer")
                id = nil
            }
        } else {
            reader.missing("\(field).id", at: value.position, "add the account's numeric id, e.g. \"id\": 1001")
        }
        var type = "User"
        if let value = fields["type"], let text = reader.string(value, field: "\(field).type") {
            if accountTypes.contains(text) {
                type = text
            } else {
                reader.error(
                    "\(field).type",
                    at: value.position,
                    "\(JSONValue.quoted(text)) is not an account type; write \"User\", \"Bot\" or \"Organization\""
                )
            }
        }
        let created = fields["created"].flatMap { date($0, field: "\(field).created", &reader) }
        let age = fields["age"].flatMap { duration($0, field: "\(field).age", &reader) }
        if fields["created"] != nil && fields["age"] != nil {
            reader.error("\(field).age", at: value.position, "give either created or age, not both")
            return nil
        }
        if fields["created"] == nil && fields["age"] == nil {
            reader.missing(
                "\(field).created",
                at: value.position,
                "add when the account was created, e.g. \"created\": \"2019-04-01T00:00:00Z\", or its age, "
                    + "e.g. \"age\": \"5d\""
            )
        }
        guard let id, created != nil || age != nil else { return nil }
        return Account(login: login, id: id, type: type, created: created, age: age)
    }

    /// A duration such as `5d` (`^[1-9][0-9]{0,8}[smhd]$`), in seconds.
    static func duration(_ value: JSONValue, field: String, _ reader: inout FieldReader) -> TimeInterval? {
        guard let text = reader.string(value, field: field, expected: "a duration such as \"5d\"") else { return nil }
        guard let duration = LeaseDuration(text) else {
            reader.error(
                field,
                at: value.position,
                "\(JSONValue.quoted(text)) is not a duration of at most 3650d; write one such as \"5d\", or the "
                    + "account's creation time as \"created\""
            )
            return nil
        }
        return duration.timeInterval
    }

    /// An RFC 3339 time such as `2019-04-01T00:00:00Z`.
    static func date(_ value: JSONValue, field: String, _ reader: inout FieldReader) -> Date? {
        guard let text = reader.string(value, field: field, expected: "an RFC 3339 time string") else { return nil }
        guard let date = try? Date(text, strategy: .iso8601) else {
            reader.error(
                field,
                at: value.position,
                "\(JSONValue.quoted(text)) is not an RFC 3339 time; write one such as \"2019-04-01T00:00:00Z\""
            )
            return nil
        }
        return date
    }

    /// One pull request: `{"author": "alice", "merged": true, "closed": "2026-11-20T00:00:00Z",
    /// "files": [{"path": …, "status": "added"}]}`.
    static func pullRequest(_ key: String, _ value: JSONValue, _ reader: inout FieldReader) -> PullRequest? {
        let field = "pullRequests.\(key)"
        guard let fields = reader.object(value, field: field, keys: ["author", "merged", "closed", "files"])
        else { return nil }
        var author: String?
        if let value = fields["author"] {
            author = reader.string(value, field: "\(field).author", expected: "a GitHub login (a string)")
        } else {
            reader.missing(
                "\(field).author",
                at: value.position,
                "add the login that opened it, e.g. \"author\": \"alice\""
            )
        }
        var merged = true
        if let value = fields["merged"] {
            if case .bool(let flag) = value.kind {
                merged = flag
            } else {
                reader.wrongType(value, field: "\(field).merged", expected: "true or false")
            }
        }
        let closed = fields["closed"].flatMap { date($0, field: "\(field).closed", &reader) }
        var files: [ChangedFile]?
        if let value = fields["files"] {
            files = changedFiles(value, field: "\(field).files", &reader)
        }
        guard let author else { return nil }
        return PullRequest(author: author, merged: merged, closed: closed, files: files)
    }

    /// A list of changed files: `[{"path": "desired-state/requests/a.json", "status": "added"}]`.
    static func changedFiles(_ value: JSONValue, field: String, _ reader: inout FieldReader) -> [ChangedFile]? {
        guard let elements = value.elements else {
            reader.wrongType(value, field: field, expected: "an array of {\"path\", \"status\"} objects")
            return nil
        }
        var files: [ChangedFile] = []
        for (index, element) in elements.enumerated() {
            let entry = "\(field)[\(index)]"
            guard let fields = reader.object(element, field: entry, keys: ["path", "status"]) else { continue }
            guard let pathValue = fields["path"], let statusValue = fields["status"] else {
                reader.missing(entry, at: element.position, "each file needs \"path\" and \"status\"")
                continue
            }
            guard let path = reader.string(pathValue, field: "\(entry).path"),
                let status = reader.string(statusValue, field: "\(entry).status")
            else { continue }
            guard fileStatuses.contains(status) else {
                reader.error(
                    "\(entry).status",
                    at: statusValue.position,
                    "\(JSONValue.quoted(status)) is not a file status; write one of \(fileStatuses.joined(separator: ", "))"
                )
                continue
            }
            files.append(ChangedFile(path: path, status: status))
        }
        return files
    }

    /// One organization's members: login → `"active"` or `"pending"`.
    static func members(_ name: String, _ value: JSONValue, _ reader: inout FieldReader) -> [String: MembershipAnswer] {
        var members: [String: MembershipAnswer] = [:]
        for (login, state, _) in entries(value, field: "organizations.\(name)", &reader) {
            let field = "organizations.\(name).\(login)"
            guard let text = reader.string(state, field: field, expected: "\"active\" or \"pending\"") else { continue }
            switch text {
            case "active": members[login.lowercased()] = .active
            case "pending": members[login.lowercased()] = .pending
            default:
                reader.error(
                    field,
                    at: state.position,
                    "\(JSONValue.quoted(text)) is not a membership; write \"active\" or \"pending\" "
                        + "(leave a login out for \"not a member\")"
                )
            }
        }
        return members
    }
}
