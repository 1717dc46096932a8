import Foundation

extension RoundPlanner {
    /// Verified requests join the queue, unless the policy or the one-live-sandbox rule refuses them.
    mutating func admitVerified() {
        let candidates = ordered.filter { $0.state == .pending && $0.record.verification != nil }
        guard !candidates.isEmpty else { return }
        // The identities of every live request, only when some request is to be admitted (a steady plan has none).
        var liveIdentities = Dictionary(
            records.unordered.filter { $0.state.isLiveForRequester }.map { ($0.record.identity, $0.id) },
            uniquingKeysWith: { first, _ in first }
        )
        for planned in candidates {
            let record = planned.record
            guard !busy.contains(record.id), fileExists(record.id) else { continue }
            if let reason = policyRefusal(of: record) {
                add(.reject(record.id, reason: reason), "refused by the pool's policy")
            } else if let other = liveIdentities[record.identity] {
                add(
                    .reject(
                        record.id,
                        reason: "@\(record.spec.requester) already has a live sandbox request (`\(other)`); "
                            + "only one per person at a time. Wait until it ends, or remove its request file first."
                    ),
                    "one live sandbox per requester"
                )
            } else {
                liveIdentities[record.identity] = record.id
                // Said as it was: --local without github.json skips the checks (docs/behaviour.md §4.4).
                add(.admit(record.id), record.verification?.label == "skipped" ? "verification skipped" : "verified")
            }
        }
    }

    /// Why the pool's policy refuses this requester now, if it does (checked again at dispense).
    func policyRefusal(of record: RequestRecord) -> String? {
        if pool.verification.denies(record.spec.requester) {
            return "the GitHub account @\(record.spec.requester) may not request sandboxes from this pool."
        }
        return nil
    }

    /// Free slots go to the head of the queue.
    mutating func dispense() {
        // Adoptions this round take a slot, unless the request already held one (a provisioning call
        // whose answer was lost is adopted by name).
        let adopted = actions.filter { action in
            guard case .adopt = action.kind, let id = action.request else { return false }
            return !(records[id]?.state.occupiesSlot ?? false)
        }.count
        let occupied = occupiedSlots + adopted
        var free = pool.capacity - occupied
        for planned in queued where free > 0 && !busy.contains(planned.id) {
            let record = planned.record
            guard case .queued(let waiting) = record.phase else { continue }
            if let reason = policyRefusal(of: record) {
                add(.reject(record.id, reason: reason), "refused by the pool's policy when its turn came")
                continue
            }
            if needsOrganizationRecheck(record) {
                // docs/behaviour.md §3: the policy is checked again for the one about to be dispensed. A check
                // GitHub cannot answer yet leaves it queued (in its place) and serves the next.
                if now < (waiting.retryAt ?? .distantPast) { continue }
                add(
                    .verify(record.id, verificationRequest(for: record)),
                    "check the allowed organizations again before dispensing"
                )
                free -= 1
                continue
            }
            // A refused call waits out its retry time (the next in line is served meanwhile); it made
            // nothing, so that attempt is made again, not attempt 1 with its used token.
            if waiting.reason != nil, now < (waiting.retryAt ?? .distantPast) { continue }
            let attempt = waiting.resumeAttempt ?? 1
            add(
                .provision(record.id, attempt: attempt, request: provisionRequest(for: record, attempt: attempt)),
                "a slot is free (\(pool.capacity - free) of \(pool.capacity) in use)"
            )
            free -= 1
        }
    }

    /// Whether a queued request's organization membership must be checked again before it is served:
    /// the pool names organizations and the last check is older than a minute (a check made earlier
    /// in the same pass counts).
    func needsOrganizationRecheck(_ record: RequestRecord) -> Bool {
        guard !pool.verification.allowedOrganizations.isEmpty,
            case .verified(_, _, let checkedAt)? = record.verification
        else { return false }
        return now.timeIntervalSince(checkedAt) > 60
    }

    /// Products of the pool that no request accounts for: adopted if they match a request, else terminated.
    mutating func planOrphans() {
        guard let live = input.live else { return }
        var accountedIDs = Set(journal.terminations.keys)
        var accountedNames = Set<String>()
        for planned in records.unordered where !planned.state.isFinal {  // a final request has no product
            if let id = planned.record.productId { accountedIDs.insert(id) }
            if let name = planned.record.call?.request.name ?? planned.record.productName {
                accountedNames.insert(name)
            }
        }
        for termination in journal.terminations.values.sorted(by: { $0.productId < $1.productId })
        where termination.owner.request == nil {
            planTermination(termination)
        }
        for product in live.sorted(by: { $0.name < $1.name })
        where !accountedIDs.contains(product.id) && !accountedNames.contains(product.name) {
            let requestName = product.requestTag ?? String(product.name.dropFirst(pool.namePrefix.count))
            if let id = RequestID(requestName), product.name == pool.namePrefix + requestName {
                if let record = records[id], !record.state.isFinal, record.state != .rejected,
                    record.productId == nil, fileExists(id)
                {
                    // Adopted once its request is live (verified and queued), not before; left alone meanwhile.
                    if busy.contains(id) || record.state == .pending { continue }
                    add(adoption(of: product, for: record), "a live product \(product.name) matches this request")
                    continue
                }
                if records.byID[id] == nil, input.desired.requests[id]?.spec != nil {
                    continue  // seen for the first time this round: adopted next round
                }
            }
            if !product.isSettled { continue }
            add(
                .terminateOrphan(product: product, token: token(product.id, "orphan-0")),
                "\(product.name) (\(product.id)) has the pool's tag but no request accounts for it"
            )
        }
    }

    /// Holds back releases that would purge the pool (docs/behaviour.md §3): a bad checkout or a lost journal must not.
    mutating func applySafetyBrake() -> (reason: String?, usedAllowance: Bool) {
        let knownOrphans = Set(journal.terminations.keys)
        let isRelease: (PlannedAction) -> Bool = { action in
            switch action.kind {
            case .terminate(_, .released, _, _): return true
            case .terminateOrphan(let product, _): return !knownOrphans.contains(product.id)
            default: return false
            }
        }
        // Everything this removal would release, including sandboxes whose product is still changing
        // (their termination waits, but they are part of the same purge), and new orphans.
        let releasedRequests = brakeCounts.released
        let orphans = actions.filter {
            guard case .terminateOrphan = $0.kind else { return false }
            return isRelease($0)
        }
        let releases = releasedRequests + orphans.count
        let live = brakeCounts.live
        let noFiles = !input.desired.requestsDirectoryExists || input.desired.requests.isEmpty
        var reason: String?
        if noFiles && live > 0 {
            reason =
                "requests/ is \(input.desired.requestsDirectoryExists ? "empty" : "missing") while \(live) "
                + "sandboxes are live"
        } else if releases >= 2 && releases * 2 > live {
            reason = "this pass would release \(releases) of \(live) live sandboxes"
        }
        guard let reason else { return (nil, false) }
        if input.allowMassRelease { return (nil, true) }
        let isHeldBack: (PlannedAction) -> Bool = { isRelease($0) || (noFiles && $0.isDrop) }
        let heldBack = actions.filter(isHeldBack)
        actions.removeAll(where: isHeldBack)
        for action in heldBack { if let id = action.request { busy.insert(id) } }
        return (
            reason + "; nothing is released until the files come back or a release is allowed once "
                + "(reconcile --allow-mass-release, or the file allow-mass-release in the state directory)", false
        )
    }
}
