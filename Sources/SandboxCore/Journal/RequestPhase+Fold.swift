import Foundation

extension RequestPhase {
    /// The phase after a provisioning, lease or loss event; itself when the event makes no sense here.
    /// (`verification` is set to `skipped` by an adoption of a request never verified.)
    func applying(_ event: JournalEvent, verification: inout Verification?) -> RequestPhase {
        switch (event, self) {
        case (.provisionStarted(_, let attempt, let request, let at), .queued),
            (.provisionStarted(_, let attempt, let request, let at), .provisioning):
            if case .provisioning(let current) = self, current.call?.attempt == attempt,
                current.call?.request == request
            {
                return self
            }
            return .provisioning(
                Provisioning(
                    call: ProvisioningCall(attempt: attempt, request: request, startedAt: at),
                    productName: request.name
                )
            )
        case (.provisionAccepted(_, let receipt), .provisioning(var provisioning)):
            provisioning.call?.recordId = receipt.recordId
            if let productId = receipt.provisionedProductId { provisioning.productId = productId }
            return .provisioning(provisioning)
        case (.provisionRefused(_, let error, let retryAt), .provisioning(let provisioning)):
            let attempt = provisioning.call.map(\.attempt).flatMap { $0 > 1 ? $0 : nil }
            return .queued(
                Queued(reason: error, retryAt: retryAt, resumeAttempt: attempt, productName: provisioning.productName)
            )
        case (.activated(_, let productId, let outputs, let start, let end), .provisioning(let provisioning)):
            let lease = Lease(
                productId: productId,
                productName: provisioning.productName,
                call: provisioning.call,
                outputs: outputs,
                start: start,
                end: end
            )
            return .active(lease)
        case (.leaseExtended(_, let end), .active(var lease)):
            lease.end = end
            return .active(lease)
        case (.attemptEnded(_, let why, let retryAt), .provisioning(var provisioning)):
            provisioning.failure = AttemptFailure(reason: why, retryAt: provisioning.call == nil ? nil : retryAt)
            return provisioning.afterFailure
        case (.lost, .active(let lease)):
            let reason = "the product disappeared outside sandboxd"
            return .lost(Lost(reason: reason, productName: lease.productName, lease: PastLease(lease)))
        case (.adopted(_, let product, let start, let end), .queued),
            (.adopted(_, let product, let start, let end), .provisioning):
            if verification == nil { verification = .skipped(at: start) }
            let call: ProvisioningCall? = if case .provisioning(let current) = self { current.call } else { nil }
            guard let end else {
                return .provisioning(Provisioning(call: call, productId: product.id, productName: product.name))
            }
            return .active(
                Lease(productId: product.id, productName: product.name, call: call, outputs: [], start: start, end: end)
            )
        case (.quarantined(_, let why), .terminating(let ending)),
            (.quarantined(_, let why), .quarantined(let ending, _)):
            return .quarantined(ending, reason: why)
        case (.quarantined(_, let why), .provisioning(let provisioning)):
            // A failed attempt's product that would not go: the slot is held until it is gone.
            guard let productId = provisioning.productId else { return self }
            let ending = Ending(
                productId: productId,
                productName: provisioning.productName,
                endReason: nil,
                call: provisioning.call,
                failure: provisioning.failure
            )
            return .quarantined(ending, reason: why)
        default:
            return self
        }
    }
}

extension Provisioning {
    /// The phase after the attempt failed: its product (if any) is terminated first; with none left
    /// the next attempt waits, or after the last the request has failed.
    var afterFailure: RequestPhase {
        if let productId {
            guard isLastAttemptOver else { return .provisioning(self) }
            return .terminating(
                Ending(productId: productId, productName: productName, endReason: nil, call: call, failure: failure)
            )
        }
        if isLastAttemptOver { return .failed(Failed(reason: failure?.reason ?? "", productName: productName)) }
        return .provisioning(self)
    }
}
