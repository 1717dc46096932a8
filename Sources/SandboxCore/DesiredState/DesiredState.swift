/// Everything read from the desired-state directory in one pass.
///
/// A bad `pool.json` makes ``pool`` `nil` (and the pass changes nothing); a bad request file
/// makes only its entry ``RequestEntry/invalid(_:)``.
public struct DesiredState: Sendable, Hashable {
    /// The validated pool, or `nil` when `pool.json` is missing or invalid.
    public var pool: PoolConfiguration?
    /// Every request file by id, valid or not.
    public var requests: [RequestID: RequestEntry]
    /// Whether `requests/` exists (the safety brake treats a missing directory like an empty one).
    public var requestsDirectoryExists: Bool
    /// Notification templates from `templates/<event>.md`.
    public var templates: [NotificationEvent: String]
    /// Every problem found, errors and warnings, in a stable order.
    public var diagnostics: [Diagnostic]
    /// The path of request files as GitHub sees them: `<prefix>/requests/` (docs/behaviour.md §5).
    public var repositoryPathPrefix: String
    /// The git commit it was read from, when known (docs/behaviour.md §4.9).
    public var revision: DesiredStateRevision?
    /// Why it is not the newest: the fetch of `--git-remote` failed, and this is the last commit that
    /// was fetched (reported as a problem by every pass until a fetch works).
    public var sourceProblem: PassProblem?

    public init(
        pool: PoolConfiguration?,
        requests: [RequestID: RequestEntry] = [:],
        requestsDirectoryExists: Bool = true,
        templates: [NotificationEvent: String] = [:],
        diagnostics: [Diagnostic] = [],
        repositoryPathPrefix: String = "desired-state"
    ) {
        self.pool = pool
        self.requests = requests
        self.requestsDirectoryExists = requestsDirectoryExists
        self.templates = templates
        self.diagnostics = diagnostics
        self.repositoryPathPrefix = repositoryPathPrefix
    }

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// A request file as read: valid, or invalid with what is wrong (and who can be told, when that can
/// still be read: docs/behaviour.md §2.5).
public enum RequestEntry: Sendable, Hashable {
    case valid(RequestSpec)
    case invalid([Diagnostic], recovered: RecoveredRequest? = nil)

    /// The spec when the file is valid.
    public var spec: RequestSpec? {
        if case .valid(let spec) = self { return spec }
        return nil
    }

    /// The file's problems when it is invalid (errors only: warnings do not make a file invalid).
    public var problems: [Diagnostic]? {
        guard case .invalid(let diagnostics, _) = self else { return nil }
        return diagnostics.filter { $0.severity == .error }
    }

    /// Who asked and on which pull request, read from an invalid file whose JSON still parses.
    public var recovered: RecoveredRequest? {
        guard case .invalid(_, let recovered) = self else { return nil }
        return recovered
    }
}

/// What can still be read safely from a request file that does not validate: its `requester` (a valid
/// GitHub login) and its `pullRequest` (a positive number), both as the valid file would have them
/// (docs/behaviour.md §2.5). Either missing or invalid: no ``RecoveredRequest`` (nobody to tell).
public struct RecoveredRequest: Sendable, Hashable {
    public var requester: String
    public var pullRequest: Int

    public init(requester: String, pullRequest: Int) {
        self.requester = requester
        self.pullRequest = pullRequest
    }
}
