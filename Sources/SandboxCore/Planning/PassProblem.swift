/// Something a pass could not do, typed so that one place maps it to the exit code, the log line,
/// `status`, `STATUS=` and the metric `sandboxd_pass_problems{kind}` (docs/behaviour.md §11).
///
/// A problem is never a decision: the journal events of the same outcome say what happens to the
/// request (it stays pending, waits in the queue, retries later). A problem says what the operator
/// should look at.
public struct PassProblem: Hashable, Sendable, Codable, CustomStringConvertible {
    /// What kind of trouble, as the metric's `kind` label names it.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// `pool.json` does not validate: nothing changes until it is fixed.
        case poolInvalid = "pool-invalid"
        /// The pool's product or artifact does not exist or cannot be launched.
        case productMissing = "product-missing"
        /// Service Catalog could not be reached, answered 5xx or timed out.
        case catalogUnreachable = "catalog-unreachable"
        /// Service Catalog throttled sandboxd.
        case catalogThrottled = "catalog-throttled"
        /// AWS refused sandboxd's credentials or their permissions.
        case catalogAccessDenied = "catalog-access-denied"
        /// Service Catalog refused one call (an invalid parameter, a quota, a name taken).
        case catalogRefused = "catalog-refused"
        /// GitHub refused sandboxd's token (HTTP 401, or 403 for a missing permission).
        case githubTokenRefused = "github-token-refused"
        /// sandboxd's GitHub setup is wrong: the repository is invisible to its credentials, the App is
        /// not installed, a key or token file cannot be read, GitHub redirected to another host.
        case githubConfiguration = "github-configuration"
        /// GitHub could not be reached or answered 5xx.
        case githubUnavailable = "github-unavailable"
        /// GitHub's rate limit (primary or secondary) holds GitHub work back.
        case githubRateLimited = "github-rate-limited"
        /// GitHub refused one call (a pull request gone or locked).
        case githubRefused = "github-refused"
        /// `--git-remote` could not be fetched (unreachable, refused, the branch gone, the clone damaged):
        /// the last fetched commit is still served.
        case gitFetchFailed = "git-fetch-failed"
        /// The journal could not record.
        case journal
        /// The pass reached its time limit (`reconcile --timeout`) with work left; the rest is done next.
        case passDeadline = "pass-deadline"
        /// A slot is quarantined: its product's termination kept failing, and it holds capacity until the
        /// product is cleaned up in AWS. Raised by every pass while it lasts (docs/behaviour.md §3.7, §11.1).
        case sandboxQuarantined = "sandbox-quarantined"
        /// A request ended `failed` in this pass: every provisioning attempt ended in error (§3.2, §11.1).
        case provisioningFailed = "provisioning-failed"
    }

    public var kind: Kind
    /// The request it concerns, when it concerns one request only.
    public var request: RequestID?
    /// What went wrong and what to do, in one line.
    public var message: String

    /// - Parameters:
    ///   - kind: the kind of trouble.
    ///   - request: the request it concerns, if only one.
    ///   - message: what went wrong and what to do.
    public init(_ kind: Kind, request: RequestID? = nil, message: String) {
        self.kind = kind
        self.request = request
        self.message = message
    }

    /// The problem's line for logs and `reconcile`'s stderr: `<request>: <message>` or the message.
    public var description: String { request.map { "\($0): \(message)" } ?? message }

    /// Whether it is about the setup rather than one request (the same problem met by several requests
    /// in one pass is then reported once).
    public var isAboutSetup: Bool {
        switch kind {
        case .githubTokenRefused, .githubConfiguration, .githubUnavailable, .githubRateLimited, .catalogAccessDenied,
            .catalogUnreachable, .catalogThrottled, .poolInvalid, .productMissing, .journal, .passDeadline,
            .gitFetchFailed:
            return true
        case .catalogRefused, .githubRefused, .sandboxQuarantined, .provisioningFailed:
            return false
        }
    }
}

extension PassProblem {
    /// The problems a journal stands for whatever the pass's calls met (docs/behaviour.md §11.1): every
    /// quarantined slot, and every request that turned `failed` since `failedBefore` was taken. "The operators
    /// have been told" in the requester's comment is these problems: in the log, `status`, `STATUS=` and the
    /// metric `sandboxd_pass_problems`.
    public static func standing(in journal: JournalState, failedBefore: Set<RequestID>) -> [PassProblem] {
        journal.recordsInOrder.compactMap { record in
            switch record.state {
            case .quarantined:
                let product = record.productId.map { "product \($0)" } ?? "its product"
                return PassProblem(
                    .sandboxQuarantined,
                    request: record.id,
                    message: "the slot is quarantined (\(record.reason ?? "its termination keeps failing")); "
                        + "delete \(product) in AWS: the slot frees itself once it is gone"
                )
            case .failed where !failedBefore.contains(record.id):
                return PassProblem(
                    .provisioningFailed,
                    request: record.id,
                    message: "provisioning failed (\(record.reason ?? "every attempt ended in error")); the requester "
                        + "was told; see the product's events in Service Catalog"
                )
            default:
                return nil
            }
        }
    }

    /// The requests `failed` in `journal`, for ``standing(in:failedBefore:)`` at the end of a pass.
    public static func failedRequests(in journal: JournalState) -> Set<RequestID> {
        Set(journal.requests.values.filter { $0.state == .failed }.map(\.id))
    }

    /// The problem a catalog call's failure is, `doing` saying what was being done.
    public static func catalog(_ error: CatalogError, request: RequestID?, doing: String) -> PassProblem {
        let kind: Kind
        switch error.kind {
        case .unavailable, .clockSkew:
            kind = error.isThrottling ? .catalogThrottled : .catalogUnreachable
        case .accessDenied:
            kind = .catalogAccessDenied
        case .notFound, .invalidRequest, .duplicate, .limitExceeded, .other:
            kind = .catalogRefused
        }
        let setup = kind != .catalogRefused
        return PassProblem(kind, request: setup ? nil : request, message: "\(doing): \(error)")
    }

    /// The problem a GitHub call's failure is, `doing` saying what was being done.
    public static func github(_ error: GitHubError, request: RequestID?, doing: String) -> PassProblem {
        switch error.kind {
        case .unauthorized:
            return PassProblem(
                .githubTokenRefused,
                message: "\(error.message); requests stay pending and comments unsent until it works"
            )
        case .misconfigured:
            return PassProblem(
                .githubConfiguration,
                message: "\(doing): \(error.message); requests stay pending and comments unsent until it is fixed"
            )
        case .unavailable:
            return PassProblem(
                error.isRateLimit ? .githubRateLimited : .githubUnavailable,
                message: "\(doing): \(error.message)"
            )
        case .notFound, .rejected:
            return PassProblem(.githubRefused, request: request, message: "\(doing): \(error.message)")
        }
    }
}
