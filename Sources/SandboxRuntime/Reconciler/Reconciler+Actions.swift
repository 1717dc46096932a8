import Foundation
import SandboxCore

/// What carrying out one action came to.
struct ActionOutcome {
    var problem: String?
    var changedCatalog = false
}

extension Reconciler {
    /// Carries out one action: intent, call, outcome.
    func execute(
        _ action: PlannedAction,
        pool: PoolConfiguration,
        desired: DesiredState,
        logger: Logger
    )
        async throws -> ActionOutcome
    {
        var log = logger.with(["action": action.name])
        if let id = action.request { log = log.with(["request.id": id.rawValue]) }
        log.info("carrying out", ["reason": action.reason])
        let now = clock.now()
        switch action.kind {
        case .observe(let spec, let isNew):
            try record(isNew ? .requestSeen(spec: spec, at: now) : .requestChanged(spec: spec, at: now))
        case .verify(let request):
            let outcome = await Verifier.verify(request, using: github)
            try checkpoint("github")
            switch outcome {
            case .verified(let userId, let login):
                try record(
                    .verified(id: request.spec.id, verification: .verified(userId: userId, login: login, at: now))
                )
            case .skipped:
                try record(.verified(id: request.spec.id, verification: .skipped(at: now)))
            case .rejected(let reason, _):
                try record(.rejected(id: request.spec.id, reason: reason))
            case .pending(let reason, let retryAt):
                try record(
                    .verificationDeferred(
                        id: request.spec.id,
                        reason: reason,
                        retryAt: retryAt ?? now.addingTimeInterval(60)
                    )
                )
                log.notice("verification deferred", ["reason": reason])
            }
        case .admit:
            try record(.admitted(id: action.request!))
        case .reject(let reason):
            try record(.rejected(id: action.request!, reason: reason))
        case .drop:
            try record(.dropped(id: action.request!))
        case .provision(let attempt, let request):
            return try await provision(action.request!, attempt: attempt, request: request, log: log)
        case .inspectRecord(let recordId, let purpose):
            return try await inspect(action.request!, recordId: recordId, purpose: purpose, now: now)
        case .activate(let productId, let leaseStart, let leaseEnd):
            let outputs: [ProductOutput]
            do {
                outputs = try await catalog.outputs(provisionedProductId: productId)
            } catch {
                try checkpoint("catalog")
                return ActionOutcome(problem: "\(action.request!): cannot read the product's outputs: \(error)")
            }
            try checkpoint("catalog")
            let published = pool.outputs.map { keys in outputs.filter { keys.contains($0.key) } } ?? outputs
            try record(
                .activated(
                    id: action.request!,
                    productId: productId,
                    outputs: published,
                    leaseStart: leaseStart,
                    leaseEnd: leaseEnd
                )
            )
        case .extendLease(let leaseEnd):
            try record(.leaseExtended(id: action.request!, leaseEnd: leaseEnd))
        case .failAttempt(let reason):
            let failures = state.requests[action.request!]?.provisioning?.attempt ?? 1
            try record(
                .attemptFailed(
                    id: action.request!,
                    reason: reason,
                    retryAt: retryAt(now, afterFailures: failures)
                )
            )
        case .terminate(let purpose, let productId, let token):
            return try await terminate(action.request!, purpose: purpose, productId: productId, token: token, now: now)
        case .settle:
            try record(.productGone(id: action.request!))
        case .quarantine(let reason):
            try record(.quarantined(id: action.request!, reason: reason))
            log.error("slot quarantined: the product must be cleaned up in AWS", ["reason": reason])
        case .markLost:
            // Lost is final: look once more before believing one listing (listings can lag).
            let productId = state.requests[action.request!]?.productId
            let confirmed: Bool
            do {
                confirmed = try await !catalog.listProducts(pool: poolName).contains { $0.id == productId }
            } catch {
                try checkpoint("catalog")
                return ActionOutcome(problem: "\(action.request!): cannot confirm the product is gone: \(error)")
            }
            try checkpoint("catalog")
            guard confirmed else { return ActionOutcome() }
            try record(.lost(id: action.request!))
        case .adopt(let product, let leaseStart, let leaseEnd):
            try record(.adopted(id: action.request!, product: product, leaseStart: leaseStart, leaseEnd: leaseEnd))
        case .notify(let plan):
            return try await notify(action.request!, plan: plan, pool: pool, desired: desired)
        case .terminateOrphan(let product, let token):
            try record(.orphanTerminateStarted(product: product, token: token))
            do {
                let receipt = try await catalog.terminate(provisionedProductId: product.id, token: token)
                try checkpoint("catalog")
                try record(.orphanTerminateAccepted(productId: product.id, recordId: receipt.recordId))
            } catch let error as CatalogError {
                try checkpoint("catalog")
                if error.kind == .notFound {
                    try record(.orphanGone(productId: product.id))
                } else if !error.isTransient {
                    let failures = (state.orphans[product.id]?.failures ?? 0) + 1
                    try record(
                        .orphanTerminateFailed(
                            productId: product.id,
                            error: error.description,
                            retryAt: retryAt(now, afterFailures: failures)
                        )
                    )
                }
                return ActionOutcome(problem: "cannot terminate the orphan \(product.name): \(error)")
            }
            return ActionOutcome(changedCatalog: true)
        case .settleOrphan(let productId):
            try record(.orphanGone(productId: productId))
        }
        return ActionOutcome()
    }

    func provision(_ id: RequestID, attempt: Int, request: ProvisionRequest, log: Logger) async throws -> ActionOutcome
    {
        try record(.provisionStarted(id: id, attempt: attempt, request: request))
        do {
            let receipt = try await catalog.provision(request)
            try checkpoint("catalog")
            try record(.provisionAccepted(id: id, receipt: receipt))
            return ActionOutcome(changedCatalog: true)
        } catch let error as CatalogError {
            try checkpoint("catalog")
            if error.isTransient {
                // The intent stays: the next pass repeats the same call with the same token.
                return ActionOutcome(problem: "\(id): provisioning call failed, will repeat it: \(error)")
            }
            if error.kind == .duplicate {
                // A product of that name exists: the next pass finds and adopts or inspects it.
                return ActionOutcome(
                    problem: "\(id): a product named \(request.name) already exists: \(error)",
                    changedCatalog: true
                )
            }
            try record(.provisionRefused(id: id, error: error.description))
            return ActionOutcome(problem: "\(id): Service Catalog refused to provision: \(error)")
        }
    }

    func inspect(
        _ id: RequestID,
        recordId: String,
        purpose: PlannedAction.RecordPurpose,
        now: Date
    )
        async throws -> ActionOutcome
    {
        let catalogRecord: CatalogRecord
        do {
            catalogRecord = try await catalog.describeRecord(id: recordId)
        } catch {
            try checkpoint("catalog")
            return ActionOutcome(problem: "\(id): cannot read record \(recordId): \(error)")
        }
        try checkpoint("catalog")
        guard catalogRecord.status == .failed else { return ActionOutcome() }
        let reason =
            catalogRecord.errors.isEmpty ? "record \(recordId) failed" : catalogRecord.errors.joined(separator: "; ")
        switch purpose {
        case .provision:
            let failures = state.requests[id]?.provisioning?.attempt ?? 1
            try record(
                .attemptFailed(
                    id: id,
                    reason: reason,
                    retryAt: retryAt(now, afterFailures: failures)
                )
            )
        case .terminate:
            let failures = (state.requests[id]?.termination?.failures ?? 0) + 1
            try record(
                .terminateFailed(
                    id: id,
                    error: reason,
                    retryAt: retryAt(now, afterFailures: failures)
                )
            )
        }
        return ActionOutcome()
    }

    func terminate(
        _ id: RequestID,
        purpose: TerminationPurpose,
        productId: String,
        token: String,
        now: Date
    )
        async throws -> ActionOutcome
    {
        try record(.terminateStarted(id: id, purpose: purpose, productId: productId, token: token))
        do {
            let receipt = try await catalog.terminate(provisionedProductId: productId, token: token)
            try checkpoint("catalog")
            try record(.terminateAccepted(id: id, recordId: receipt.recordId))
            return ActionOutcome(changedCatalog: true)
        } catch let error as CatalogError {
            try checkpoint("catalog")
            if error.kind == .notFound {
                try record(.productGone(id: id))
                return ActionOutcome(changedCatalog: true)
            }
            if !error.isTransient {
                let failures = (state.requests[id]?.termination?.failures ?? 0) + 1
                try record(
                    .terminateFailed(
                        id: id,
                        error: error.description,
                        retryAt: retryAt(now, afterFailures: failures)
                    )
                )
            }
            return ActionOutcome(problem: "\(id): terminating \(productId) failed: \(error)")
        }
    }

    /// When to try again after `failures` failed tries (``ProvisioningPolicy/backoff(afterFailures:)``).
    func retryAt(_ now: Date, afterFailures failures: Int) -> Date {
        now.addingTimeInterval(ProvisioningPolicy.backoff(afterFailures: failures))
    }
}
