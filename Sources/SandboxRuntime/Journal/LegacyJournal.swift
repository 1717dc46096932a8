import Foundation
import SandboxCore

/// How journals written by older sandboxd versions are read.
///
/// Format 1 (until the planner made every decision) recorded a failed provisioning attempt as
/// `attemptFailed` with a retry time even after the last attempt, and left it to the replay to know
/// that attempts stopped at three. Those records and snapshots are read here with the limit they
/// were written under, so the fold itself knows no limit.
///
/// Formats 1 and 2 (until one termination model served requests and orphans alike) kept a
/// request's termination inside its record and orphans apart, with events of their own for each
/// (`terminateStarted`… keyed by request, `orphanTerminateStarted`… keyed by product). They are
/// read as the termination events of today, keyed by product id.
enum LegacyJournal {
    /// The attempt limit format-1 journals were written under (fixed: it is part of what they mean).
    static let formatOneMaximumAttempts = 3

    /// The events of formats 1 and 2 that changed meaning or shape.
    enum Event: Decodable {
        /// An attempt failed; another followed unless it was attempt three.
        case attemptFailed(id: RequestID, reason: String, retryAt: Date)
        /// Intent: terminate the request's product with this token.
        case terminateStarted(id: RequestID, purpose: TerminationPurpose, productId: String, token: String)
        /// Outcome: Service Catalog accepted the request's termination.
        case terminateAccepted(id: RequestID, recordId: String)
        /// Outcome: the request's termination failed.
        case terminateFailed(id: RequestID, error: String, retryAt: Date)
        /// The request's product is confirmed gone.
        case productGone(id: RequestID)
        /// Intent: terminate an orphan.
        case orphanTerminateStarted(product: LiveProduct, token: String)
        /// Outcome: the orphan's termination was accepted.
        case orphanTerminateAccepted(productId: String, recordId: String)
        /// Outcome: the orphan's termination failed.
        case orphanTerminateFailed(productId: String, error: String, retryAt: Date)
        /// The orphan is gone.
        case orphanGone(productId: String)

        /// The event as it is written now (`state` is the journal before it).
        func upgraded(given state: JournalState) -> JournalEvent {
            switch self {
            case .attemptFailed(let id, let reason, let retryAt):
                let attempt = state.requests[id]?.call?.attempt ?? 1
                return .attemptEnded(
                    id: id,
                    reason: reason,
                    retryAt: attempt >= formatOneMaximumAttempts ? nil : retryAt
                )
            case .terminateStarted(let id, let purpose, let productId, let token):
                return .terminationStarted(productId: productId, owner: .request(id, purpose: purpose), token: token)
            case .terminateAccepted(let id, let recordId):
                return .terminationAccepted(productId: Self.product(of: id, in: state), recordId: recordId)
            case .terminateFailed(let id, let error, let retryAt):
                return .terminationFailed(productId: Self.product(of: id, in: state), error: error, retryAt: retryAt)
            case .productGone(let id):
                return .productGone(productId: Self.product(of: id, in: state))
            case .orphanTerminateStarted(let product, let token):
                return .terminationStarted(productId: product.id, owner: .orphan(name: product.name), token: token)
            case .orphanTerminateAccepted(let productId, let recordId):
                return .terminationAccepted(productId: productId, recordId: recordId)
            case .orphanTerminateFailed(let productId, let error, let retryAt):
                return .terminationFailed(productId: productId, error: error, retryAt: retryAt)
            case .orphanGone(let productId):
                return .productGone(productId: productId)
            }
        }

        /// The product request `id`'s termination is about (empty when none is: the event then changes nothing,
        /// as the old fold's did not either for a termination it did not know).
        static func product(of id: RequestID, in state: JournalState) -> String {
            state.termination(ownedBy: id)?.productId ?? ""
        }
    }

    /// A snapshot of format 1 or 2: a request's record as optional fields beside its state, its
    /// termination inside it, and orphans apart.
    struct Snapshot: Decodable {
        var lineage: String
        var nextOrder: UInt64
        var requests: [RequestID: Record]
        var orphans: [String: Orphan]?

        /// The state as format 3 says it (`formatOne`: a last attempt that failed has no retry time).
        func state(formatOne: Bool) -> JournalState {
            var state = JournalState(lineage: lineage)
            state.nextOrder = nextOrder
            for (id, old) in requests {
                state.requests[id] = old.record(formatOne: formatOne)
                guard let progress = old.termination else { continue }
                state.terminations[progress.productId] = progress.termination(
                    owner: .request(id, purpose: progress.purpose)
                )
            }
            for orphan in (orphans ?? [:]).values {
                var termination = Termination(productId: orphan.productId, owner: .orphan(name: orphan.name))
                termination.failures = orphan.failures
                termination.token = orphan.token
                termination.recordId = orphan.recordId
                termination.retryAt = orphan.retryAt
                state.terminations[orphan.productId] = termination
            }
            return state
        }
    }

    /// `TerminationProgress` of formats 1 and 2.
    struct Progress: Decodable {
        var purpose: TerminationPurpose
        var productId: String
        var failures: Int
        var token: String?
        var recordId: String?
        var retryAt: Date?
        var lastError: String?

        /// The termination of today's model.
        func termination(owner: TerminationOwner) -> Termination {
            var termination = Termination(productId: productId, owner: owner)
            termination.failures = failures
            termination.token = token
            termination.recordId = recordId
            termination.retryAt = retryAt
            termination.lastError = lastError
            return termination
        }
    }

    /// `OrphanRecord` of formats 1 and 2.
    struct Orphan: Decodable {
        var productId: String
        var name: String
        var failures: Int
        var token: String?
        var recordId: String?
        var retryAt: Date?
    }

    /// `ProvisioningProgress` of formats 1 and 2.
    struct Attempt: Decodable {
        var attempt: Int
        var request: ProvisionRequest
        var recordId: String?
        var failedReason: String?
        var retryAt: Date?
    }

    /// A format-2 snapshot: the format number beside the state.
    struct VersionedSnapshot: Decodable {
        var state: Snapshot
    }

    /// A format-1 or format-2 snapshot's state as format 3 says it.
    static func decodeSnapshot(_ data: Data, format: Int) throws -> JournalState {
        if format == 1 { return try JSONDecoder().decode(Snapshot.self, from: data).state(formatOne: true) }
        return try JSONDecoder().decode(VersionedSnapshot.self, from: data).state.state(formatOne: false)
    }
}
