import Foundation
import SandboxCore

extension LegacyJournal {
    /// `RequestRecord` of formats 1 and 2: optional fields beside a `state`.
    struct Record: Decodable {
        var id: RequestID
        var spec: RequestSpec
        var fingerprint: String
        var firstSeen: Date
        var order: UInt64
        var state: RequestState
        var endReason: EndReason?
        var reason: String?
        var verification: Verification?
        var verifyRetryAt: Date?
        var rejections: Int
        var provisioning: Attempt?
        var productId: String?
        var productName: String?
        var outputs: [ProductOutput]
        var leaseStart: Date?
        var leaseEnd: Date?
        var warnedLeaseEnd: Date?
        var expiryWarnings: Int
        var termination: Progress?
        var notifications: [NotificationEvent: NotificationLog]

        /// The record of today's model (`formatOne`: a last attempt that failed has no retry time).
        func record(formatOne: Bool) -> RequestRecord {
            var record = RequestRecord(spec: spec, firstSeen: firstSeen, order: order)
            record.fingerprint = fingerprint
            record.verification = verification
            record.rejections = rejections
            record.expiryWarnings = expiryWarnings
            record.notifications = notifications
            record.phase = phase(formatOne: formatOne)
            return record
        }

        /// The attempt's call.
        var call: ProvisioningCall? {
            provisioning.map { ProvisioningCall(attempt: $0.attempt, request: $0.request, recordId: $0.recordId) }
        }

        /// The attempt's failure, if it failed.
        func failure(formatOne: Bool) -> AttemptFailure? {
            guard let provisioning, let why = provisioning.failedReason else { return nil }
            let last = formatOne && provisioning.attempt >= LegacyJournal.formatOneMaximumAttempts
            return AttemptFailure(reason: why, retryAt: last ? nil : provisioning.retryAt)
        }

        /// The lease, if one ran.
        var lease: Lease? {
            guard let leaseStart, let leaseEnd else { return nil }
            let name = productName ?? provisioning?.request.name ?? ""
            return Lease(
                productId: productId ?? termination?.productId ?? "",
                productName: name,
                call: call,
                outputs: outputs,
                start: leaseStart,
                end: leaseEnd,
                warnedEnd: warnedLeaseEnd
            )
        }

        /// The lease it had, once its product was no longer its own.
        var pastLease: PastLease? {
            guard let leaseStart, let leaseEnd else { return nil }
            return PastLease(start: leaseStart, end: leaseEnd, outputs: outputs)
        }

        /// The phase its fields meant.
        func phase(formatOne: Bool) -> RequestPhase {
            let name = productName ?? provisioning?.request.name
            let ending = Ending(
                productId: termination?.productId ?? productId ?? "",
                productName: name,
                endReason: endReason,
                call: call,
                failure: failure(formatOne: formatOne),
                lease: lease
            )
            switch state {
            case .pending: return .pending(Pending(reason: reason, retryAt: verifyRetryAt))
            case .rejected: return .rejected(reason: reason ?? "")
            case .queued:
                let attempt = provisioning.map(\.attempt)
                return .queued(
                    Queued(reason: reason, retryAt: verifyRetryAt, resumeAttempt: attempt, productName: name)
                )
            case .provisioning:
                let provisioning = Provisioning(
                    call: call,
                    productId: productId,
                    productName: name ?? "",
                    failure: failure(formatOne: formatOne)
                )
                return .provisioning(provisioning)
            case .active:
                let start = leaseStart ?? firstSeen
                let lease = Lease(
                    productId: productId ?? "",
                    productName: name ?? "",
                    call: call,
                    outputs: outputs,
                    start: start,
                    end: leaseEnd ?? start,
                    warnedEnd: warnedLeaseEnd
                )
                return .active(self.lease ?? lease)
            case .terminating: return .terminating(ending)
            case .quarantined: return .quarantined(ending, reason: reason ?? "")
            case .ended: return .ended(Ended(reason: endReason ?? .released, productName: name, lease: pastLease))
            case .failed: return .failed(Failed(reason: reason ?? "", productName: name))
            case .lost: return .lost(Lost(reason: reason ?? "", productName: name, lease: pastLease))
            }
        }
    }
}
