public import Foundation

/// Why a product is being terminated.
public enum TerminationPurpose: String, Hashable, Sendable, Codable {
    /// The lease ran out.
    case expired
    /// The request file was removed.
    case released
    /// The provisioning attempt failed: clean up, then try again or give up.
    case failedAttempt
}

/// Whose product a termination removes (docs/behaviour.md §3).
public enum TerminationOwner: Hashable, Sendable, Codable {
    /// A request's product, terminated for `purpose`.
    case request(RequestID, purpose: TerminationPurpose)
    /// A product with the pool's tag that no request accounts for, named `name`.
    case orphan(name: String)

    /// The request whose product it is, if it is one.
    public var request: RequestID? {
        if case .request(let id, _) = self { return id }
        return nil
    }
}

/// One termination in progress, a request's product and an orphan alike, kept by product id in
/// ``JournalState/terminations``.
public struct Termination: Hashable, Sendable, Codable {
    /// The product being terminated.
    public var productId: String
    /// Whose product it is.
    public var owner: TerminationOwner
    /// Failed termination calls so far (part of the token, so a retry is a new call).
    public var failures: Int
    /// The token of the call in flight.
    public var token: String?
    /// Set once Service Catalog accepted the call.
    public var recordId: String?
    /// The next try is no earlier than this.
    public var retryAt: Date?
    /// The last error.
    public var lastError: String?
    /// When the call in flight was made (`nil`: before this was recorded).
    public var startedAt: Date?

    /// A termination not tried yet.
    public init(productId: String, owner: TerminationOwner) {
        self.productId = productId
        self.owner = owner
        self.failures = 0
    }

    /// Applies a termination event about this product (the others change nothing).
    mutating func apply(_ event: JournalEvent) {
        switch event {
        case .terminationStarted(_, let owner, let token, let at):
            self.owner = owner
            self.token = token
            startedAt = at
            recordId = nil
            retryAt = nil
        case .terminationAccepted(_, let recordId):
            self.recordId = recordId
        case .terminationFailed(_, let error, let retryAt):
            failures += 1
            token = nil
            recordId = nil
            self.retryAt = retryAt
            lastError = error
        default:
            break
        }
    }
}
