import Foundation

extension RoundPlanner {
    /// New files and new valid versions of known files.
    ///
    /// The files are walked as they are held and only what they need is sorted, by id: a steady pass over
    /// many files observes none.
    mutating func observeFiles() {
        var observed: [(id: RequestID, spec: RequestSpec, isNew: Bool)] = []
        var invalid: [RequestID] = []
        for (id, entry) in input.desired.requests {
            guard let planned = records.byID[id] else {
                if let spec = entry.spec { observed.append((id, spec, true)) }
                continue
            }
            guard let spec = entry.spec else {
                if !planned.state.isFinal { invalid.append(id) }
                continue
            }
            // The digest only when the file differs from the version kept (an unchanged file is the common case).
            if spec != planned.record.spec && spec.fingerprint != planned.record.fingerprint
                && !planned.state.isFinal
            {
                observed.append((id, spec, false))
            }
        }
        for item in observed.sorted(by: { $0.id < $1.id }) {
            add(.observe(item.spec, isNew: item.isNew), item.isNew ? "new request file" : "the request file changed")
        }
        for id in invalid.sorted() {
            notes.append("\(id): the request file is not valid; its last valid version stays in force")
        }
    }

    /// What each known request needs next: one case per phase, with that phase's facts.
    mutating func planProgress(of record: RequestRecord) {
        let id = record.id
        guard !busy.contains(id) else { return }
        switch record.phase {
        case .pending(let pending):
            if !fileExists(id) {
                add(.drop(id), "the request file was removed before it was verified")
            } else if record.verification == nil, now >= (pending.retryAt ?? .distantPast) {
                let request = verificationRequest(for: record)
                add(.verify(id, request), "verify the requester \(record.spec.requester)")
            }
        case .queued:
            if !fileExists(id) { add(.drop(id), "the request file was removed while queued") }
        case .provisioning(let provisioning):
            planProvisioning(record, provisioning)
        case .active(let lease):
            planActive(record, lease)
        case .terminating(let ending), .quarantined(let ending, _):
            if let termination = journal.terminations[ending.productId] { planTermination(termination) }
        case .rejected, .ended, .failed, .lost:
            break
        }
    }

    /// What the verifier is asked about `record`.
    func verificationRequest(for record: RequestRecord) -> VerificationRequest {
        VerificationRequest(
            spec: record.spec,
            repositoryPath: input.desired.repositoryPath(for: record.id),
            policy: pool.verification,
            firstSeen: record.firstSeen,
            now: now
        )
    }

    /// A provisioning attempt: clean up a failed one, wait out its backoff, repeat a call whose answer
    /// was lost, adopt a product made for it, or follow its product until it is available.
    mutating func planProvisioning(_ record: RequestRecord, _ provisioning: Provisioning) {
        let id = record.id
        guard liveKnown else { return }
        if let termination = journal.termination(ownedBy: id) {
            planTermination(termination)
            return
        }
        // An adopted product has no attempt of its own: it is followed by its listing alone.
        if let failure = provisioning.failure, let call = provisioning.call {
            // The failed attempt's product is gone: wait out the backoff, then try again.
            if !fileExists(id) {
                add(.drop(id), "the request file was removed between provisioning attempts")
            } else if now >= (failure.retryAt ?? .distantPast) {
                let attempt = ProvisioningPolicy.attempt(after: call.attempt)
                add(
                    .provision(id, attempt: attempt, request: provisionRequest(for: record, attempt: attempt)),
                    "provisioning attempt \(attempt) of \(ProvisioningPolicy.maximumAttempts)"
                )
            }
            return
        }
        if let call = provisioning.call, call.recordId == nil, provisioning.productId == nil {
            planUnansweredCall(record, call)
            return
        }
        guard let live = product(of: provisioning) else {
            // Not listed proves nothing (docs/behaviour.md §3.8): a product known by id is asked for by id.
            if let productId = provisioning.productId {
                add(
                    .describeProduct(productId: productId, purpose: .provisioning(id)),
                    "the product \(productId) is not listed"
                )
            } else if let recordId = provisioning.call?.recordId {
                add(.inspectRecord(id, recordId: recordId, purpose: .provision), "the product is not listed yet")
            }
            return
        }
        if !fileExists(id) {
            if !live.isSettled { return }
            add(
                .terminate(id, purpose: .released, productId: live.id, token: terminateToken(record, .released)),
                "the request file was removed while provisioning"
            )
            return
        }
        switch live.status {
        case .available:
            let leaseEnd = now.addingTimeInterval(leaseLength(of: record.spec))
            add(.activate(id, productId: live.id, leaseStart: now, leaseEnd: leaseEnd), "the product is available")
        case .error, .tainted:
            add(
                .failAttempt(id, reason: live.statusMessage ?? "the product ended \(live.status.rawValue)"),
                "provisioning attempt \(provisioning.call?.attempt ?? 1) failed"
            )
        case .underChange, .planInProgress:
            break
        }
    }

    /// A provisioning call with no answer yet: adopt the product of its name made for this request,
    /// or make the same call again.
    mutating func planUnansweredCall(_ record: RequestRecord, _ call: ProvisioningCall) {
        let id = record.id
        if let named = liveByName[call.request.name], named.requestTag == id.rawValue {
            // The name is taken by a product made for this request (a call whose answer was lost,
            // or a token from an older journal lineage): take it over instead of calling again.
            add(adoption(of: named, for: record), "a product named \(named.name) already exists for this request")
            return
        }
        // Intent without outcome (or a call that never got an answer): the same call again.
        add(
            .provision(id, attempt: call.attempt, request: call.request),
            "repeat provisioning call \(call.attempt) with the same token"
        )
    }

    /// A running lease: lost (only on the catalog's word by id, docs/behaviour.md §3.8), released,
    /// expired, or extended.
    mutating func planActive(_ record: RequestRecord, _ lease: Lease) {
        let id = record.id
        if liveKnown {
            guard let live = liveByID[lease.productId] else {
                add(
                    .describeProduct(productId: lease.productId, purpose: .lease(id)),
                    "the product \(lease.productId) is missing from the listing"
                )
                return
            }
            if !fileExists(id) || now >= lease.end {
                let purpose: TerminationPurpose = fileExists(id) ? .expired : .released
                if live.isSettled {
                    add(
                        .terminate(id, purpose: purpose, productId: live.id, token: terminateToken(record, purpose)),
                        purpose == .released
                            ? "the request file was removed"
                            : "the lease ended at \(NotificationDateFormat.rfc3339(lease.end))"
                    )
                }
                return
            }
        }
        // record.spec is the last valid version of the file: a bad edit never changes the lease.
        let wanted = lease.start.addingTimeInterval(leaseLength(of: record.spec))
        if wanted > lease.end && now < lease.end {
            add(
                .extendLease(id, leaseEnd: wanted),
                "the lease was raised to \(record.spec.lease?.text ?? pool.lease.text)"
            )
        }
    }

    /// The next step of a termination, a request's product or an orphan alike: ask for the product by
    /// id once the listing no longer shows it (it is settled only when the catalog says it is gone,
    /// docs/behaviour.md §3.8), repeat a call whose answer was lost, retry after a failure once the
    /// product is settled (``LiveProduct/isSettled``), or quarantine a request's slot when retries ran out.
    mutating func planTermination(_ termination: Termination) {
        guard liveKnown else { return }
        let record = termination.owner.request.flatMap { records[$0] }
        guard let live = liveByID[termination.productId] else {
            add(
                .describeProduct(productId: termination.productId, purpose: .termination(termination.owner)),
                "the product \(termination.productId) being terminated is no longer listed"
            )
            return
        }
        if case .quarantined? = record?.phase { return }
        if let recordId = termination.recordId {
            if live.isSettled, let id = record?.id {
                add(.inspectRecord(id, recordId: recordId, purpose: .terminate), "the termination seems stuck")
            }
            return
        }
        if let token = termination.token {
            addTerminate(
                termination,
                live,
                token: token,
                record == nil
                    ? "repeat the orphan's termination call" : "repeat the termination call with the same token"
            )
            return
        }
        if record != nil, ProvisioningPolicy.terminationRetriesExhausted(termination.failures), let id = record?.id {
            add(
                .quarantine(
                    id,
                    reason: "terminating \(termination.productId) failed \(termination.failures) times: "
                        + (termination.lastError ?? "no reason given")
                ),
                "termination retries are exhausted"
            )
            return
        }
        guard live.isSettled, now >= (termination.retryAt ?? .distantPast) else { return }
        switch termination.owner {
        case .request(let id, let purpose):
            let token = terminateToken(
                id,
                attempt: record?.call?.attempt,
                purpose,
                failures: termination.failures
            )
            addTerminate(
                termination,
                live,
                token: token,
                termination.failures == 0
                    ? "clean up the failed attempt's product" : "retry the termination (\(termination.failures) failed)"
            )
        case .orphan(let name):
            addTerminate(
                termination,
                live,
                token: token(live.id, "orphan-\(termination.failures)"),
                "retry terminating the orphan \(name)"
            )
        }
    }

    /// The call that terminates `termination`'s product: `.terminate` for a request's, `.terminateOrphan` for an orphan.
    mutating func addTerminate(_ termination: Termination, _ live: LiveProduct, token: String, _ reason: String) {
        switch termination.owner {
        case .request(let id, let purpose):
            add(.terminate(id, purpose: purpose, productId: termination.productId, token: token), reason)
        case .orphan:
            add(.terminateOrphan(product: live, token: token), reason)
        }
    }

    /// The token of terminating request `record`'s product for `purpose` after `failures` failed calls.
    func terminateToken(_ record: RequestRecord, _ purpose: TerminationPurpose, failures: Int = 0) -> String {
        terminateToken(record.id, attempt: record.call?.attempt, purpose, failures: failures)
    }

    /// The token of terminating request `id`'s product (of provisioning attempt `attempt`).
    func terminateToken(_ id: RequestID, attempt: Int?, _ purpose: TerminationPurpose, failures: Int) -> String {
        token(id.rawValue, "terminate-\(purpose.rawValue)-\(attempt ?? 0)-\(failures)")
    }

    /// The provisioning call for `record`'s attempt, from the pool as it is now.
    func provisionRequest(for record: RequestRecord, attempt: Int) -> ProvisionRequest {
        let fill: (String) -> String = { value in
            value.replacingOccurrences(of: "{{requester}}", with: record.spec.requester)
                .replacingOccurrences(of: "{{request}}", with: record.id.rawValue)
        }
        return ProvisionRequest(
            name: pool.namePrefix + record.id.rawValue,
            token: token(record.id.rawValue, "provision-\(attempt)"),
            product: pool.product,
            parameters: pool.parameters.mapValues(fill),
            tags: [
                TagKey.pool: input.poolName, TagKey.request: record.id.rawValue,
                TagKey.requester: record.spec.requester,
            ]
        )
    }

    /// Taking over `product` for `record`: its lease runs from the product's creation when it is
    /// available, else it is followed as provisioning.
    func adoption(of product: LiveProduct, for record: RequestRecord) -> PlannedAction.Kind {
        let start = product.createdTime ?? now
        let end = product.status == .available ? start.addingTimeInterval(leaseLength(of: record.spec)) : nil
        return .adopt(record.id, product: product, leaseStart: start, leaseEnd: end)
    }
}
