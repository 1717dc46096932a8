public import Foundation

/// One fact appended to the journal. The journal state is the fold of these (``JournalState/apply(_:)``).
///
/// Events named `…Started` are intents, recorded (and fsynced) before the external call they
/// announce; the matching outcome follows it. An intent without an outcome is resolved by the next
/// pass by looking at the live state, or by repeating the call with the same idempotency token.
public enum JournalEvent: Hashable, Sendable, Codable {
    /// A request file was seen for the first time.
    case requestSeen(spec: RequestSpec, at: Date)
    /// A known request's file changed meaning (a valid new version).
    case requestChanged(spec: RequestSpec, at: Date)
    /// The verifier could not tell yet.
    case verificationDeferred(id: RequestID, reason: String, retryAt: Date?)
    /// The verifier accepted the requester.
    case verified(id: RequestID, verification: Verification)
    /// The policy and the one-live-sandbox rule admit a verified request to the queue.
    case admitted(id: RequestID)
    /// Refused, with the reason told to the requester.
    case rejected(id: RequestID, reason: String)
    /// A queued (or pending) request's file was removed before it got a sandbox.
    case dropped(id: RequestID)
    /// Intent: provisioning attempt `attempt` with this exact call, made at `at` (absent in journals
    /// written before it was recorded; the product is then polled at the slowest cadence).
    case provisionStarted(id: RequestID, attempt: Int, request: ProvisionRequest, at: Date? = nil)
    /// Outcome: Service Catalog accepted the provisioning call.
    case provisionAccepted(id: RequestID, receipt: CatalogReceipt)
    /// Outcome: Service Catalog refused the call outright (nothing was made); the request waits in the queue.
    ///
    /// It is asked again no earlier than `retryAt` (absent in journals written before it was recorded:
    /// then at once), so a refusal is not repeated within the pass that met it.
    case provisionRefused(id: RequestID, error: String, retryAt: Date? = nil)
    /// The product is available: the lease starts.
    case activated(id: RequestID, productId: String, outputs: [ProductOutput], leaseStart: Date, leaseEnd: Date)
    /// The lease was extended by a raised `lease` in the request file.
    case leaseExtended(id: RequestID, leaseEnd: Date)
    /// The attempt failed; its product (if any) must go before the next attempt, which starts no
    /// earlier than `retryAt`. `retryAt` is `nil` when no attempt follows: the request fails once no
    /// product of it remains. (The decision is the planner's; the journal only remembers it.)
    case attemptEnded(id: RequestID, reason: String, retryAt: Date?)
    /// Retries are exhausted: the slot stays taken until the product is gone.
    case quarantined(id: RequestID, reason: String)
    /// The product vanished outside sandboxd.
    case lost(id: RequestID)
    /// A live product matching this request was found and taken over.
    case adopted(id: RequestID, product: LiveProduct, leaseStart: Date, leaseEnd: Date?)
    /// Intent: a comment for `event` (its `occurrence`-th) is about to be posted or edited.
    case notifyStarted(id: RequestID, event: NotificationEvent, occurrence: Int)
    /// Outcome: the comment exists.
    case notified(id: RequestID, event: NotificationEvent, occurrence: Int, comment: CommentReference, position: Int?)
    /// Outcome: the `invalid` comment (its `occurrence`-th) on pull request `pullRequest` shows the problems
    /// whose ``InvalidNotice/problemsFingerprint(_:)`` is `problems` (docs/behaviour.md §6.1). Its intent is
    /// ``notifyStarted(id:event:occurrence:)`` with the event `invalid`.
    case invalidNotified(id: RequestID, occurrence: Int, pullRequest: Int, problems: String, comment: CommentReference)
    /// The request file is valid again, or gone: the next invalid version gets a new `invalid` comment.
    case invalidCleared(id: RequestID)
    /// Intent: terminate the product `productId` of `owner` (a request's or an orphan) with this token.
    /// `at` is when the call was made (absent in journals written before it was recorded).
    case terminationStarted(productId: String, owner: TerminationOwner, token: String, at: Date? = nil)
    /// Outcome: Service Catalog accepted the termination.
    case terminationAccepted(productId: String, recordId: String)
    /// Outcome: the termination failed; try again at `retryAt`.
    case terminationFailed(productId: String, error: String, retryAt: Date)
    /// The product being terminated is confirmed gone.
    case productGone(productId: String)
    /// sandboxd's own comments about the request, as its pull request showed them at `at`: the second
    /// record of what sandboxd told (docs/behaviour.md §3.15).
    case pullRequestRead(id: RequestID, found: [OwnComment], at: Date)
    /// The file of a finished request was removed at `at`: a file of that name that comes back is not
    /// served again (docs/behaviour.md §3.16).
    case retired(id: RequestID, at: Date)
    /// Compaction forgot these final requests whose files are gone.
    case forgotten(ids: [RequestID])
    /// The passes from here on decide from this commit of the desired state (docs/behaviour.md §4.9).
    case desiredRevision(DesiredStateRevision, at: Date)

    /// The request the event is about, if any.
    public var requestID: RequestID? {
        switch self {
        case .requestSeen(let spec, _), .requestChanged(let spec, _): return spec.id
        case .verificationDeferred(let id, _, _), .verified(let id, _), .admitted(let id), .rejected(let id, _),
            .dropped(let id), .provisionStarted(let id, _, _, _), .provisionAccepted(let id, _),
            .provisionRefused(let id, _, _), .activated(let id, _, _, _, _), .leaseExtended(let id, _),
            .attemptEnded(let id, _, _), .quarantined(let id, _), .lost(let id),
            .adopted(let id, _, _, _), .notifyStarted(let id, _, _), .notified(let id, _, _, _, _),
            .invalidNotified(let id, _, _, _, _), .invalidCleared(let id), .pullRequestRead(let id, _, _),
            .retired(let id, _):
            return id
        case .terminationStarted(_, let owner, _, _):
            return owner.request
        case .terminationAccepted, .terminationFailed, .productGone, .forgotten, .desiredRevision:
            return nil
        }
    }

    /// The product a termination event is about, if it is one.
    public var productID: String? {
        switch self {
        case .terminationStarted(let productId, _, _, _), .terminationAccepted(let productId, _),
            .terminationFailed(let productId, _, _), .productGone(let productId):
            return productId
        default:
            return nil
        }
    }
}
