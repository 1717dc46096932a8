import Foundation
import SandboxCore

// Small builders that keep planner test rows short: a fixed `now`, pools, request files, desired
// states, journals made of the events the executor records, and live products.

// MARK: - Time

/// The fixed instant every planner test is measured from.
let t0 = Date(timeIntervalSince1970: 1_750_000_000)

/// The length of a duration written as in the desired state (`90s`, `7d`), or of several (`1d12h`).
func seconds(_ text: String) -> TimeInterval {
    var total: TimeInterval = 0
    var part = ""
    for character in text {
        part.append(character)
        guard !character.isNumber else { continue }
        guard let duration = LeaseDuration(part) else { fatalError("not a duration: \(text)") }
        total += duration.timeInterval
        part = ""
    }
    guard part.isEmpty else { fatalError("not a duration: \(text)") }
    return total
}

/// `t0` moved by `offset`: `at("3d")`, `at("-1h")`, `at("0s")`.
func at(_ offset: String) -> Date {
    if offset == "0s" { return t0 }
    if offset.hasPrefix("-") { return t0.addingTimeInterval(-seconds(String(offset.dropFirst()))) }
    return t0.addingTimeInterval(seconds(offset))
}

/// `date` as an offset from `t0` (`t0+3d1h`), for readable plan summaries.
func describe(_ date: Date) -> String {
    var rest = Int(date.timeIntervalSince(t0).rounded())
    if rest == 0 { return "t0" }
    let sign = rest < 0 ? "-" : "+"
    rest = abs(rest)
    var text = ""
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] where rest >= size {
        text += "\(rest / size)\(unit)"
        rest %= size
    }
    return "t0" + sign + text
}

// MARK: - Desired state

let productV1 = ProductReference(productId: "prod-v1", provisioningArtifactId: "pa-v1")
let productV2 = ProductReference(productId: "prod-v2", provisioningArtifactId: "pa-v2")

/// A valid pool; every default docs/behaviour.md gives, plus a parameter that names the requester.
func makePool(
    capacity: Int = 2,
    lease: String = "7d",
    maxLease: String = "14d",
    expiryWarning: String = "24h",
    product: ProductReference = productV1,
    parameters: [String: String] = ["SandboxOwner": "{{requester}}"],
    deniedUsers: [String] = []
) -> PoolConfiguration {
    PoolConfiguration(
        capacity: capacity,
        lease: LeaseDuration(lease)!,
        maxLease: LeaseDuration(maxLease)!,
        expiryWarning: LeaseDuration(expiryWarning)!,
        product: product,
        parameters: parameters,
        verification: VerificationPolicy(deniedUsers: deniedUsers)
    )
}

/// Who asks for request `a`, `b`, … unless a test says otherwise.
let defaultRequesters = ["a": "alice", "b": "bob", "c": "carol", "d": "dave", "e": "erin", "f": "frank"]

/// A valid request file `requests/<id>.json`.
func request(
    _ id: String,
    by requester: String? = nil,
    pullRequest: Int? = nil,
    lease: String? = nil,
    purpose: String? = nil
) -> RequestSpec {
    RequestSpec(
        id: RequestID(id)!,
        requester: requester ?? defaultRequesters[id] ?? "user-\(id)",
        pullRequest: pullRequest ?? defaultPullRequest(id),
        lease: lease.map { LeaseDuration($0)! },
        purpose: purpose
    )
}

/// The pull request that added request `id` unless a test says otherwise: one per request
/// (`a` #10, `b` #11, … `f` #15; other ids from #100 on).
func defaultPullRequest(_ id: String) -> Int {
    if let index = ["a", "b", "c", "d", "e", "f"].firstIndex(of: id) { return 10 + index }
    return 100 + id.unicodeScalars.reduce(0) { ($0 * 37 + Int($1.value)) % 10_000 }
}

/// Requests `a`…`f`, one per person, with no lease of their own.
let alice = request("a")
let bob = request("b")
let carol = request("c")
let dave = request("d")
let erin = request("e")
/// A request that ended long ago and whose file stays: keeps `requests/` from looking empty.
let frank = request("f")

/// The desired-state directory: `pool.json`, the valid request files and the files that do not parse.
func makeDesired(
    pool: PoolConfiguration? = makePool(),
    files: [RequestSpec] = [],
    invalid: [String] = [],
    directoryExists: Bool = true
) -> DesiredState {
    var requests: [RequestID: RequestEntry] = [:]
    for spec in files { requests[spec.id] = .valid(spec) }
    for id in invalid {
        requests[RequestID(id)!] = .invalid([
            Diagnostic(path: "desired-state/requests/\(id).json", field: "lease", message: "not a duration")
        ])
    }
    return DesiredState(pool: pool, requests: requests, requestsDirectoryExists: directoryExists)
}

// MARK: - Journal

let testLineage = "lineage-1"

/// The fold of `histories`, in order (the order in which requests are first seen is the queue order).
///
/// Each request's pull request counts as read at `readAt` with nothing found, right after it is first
/// seen (docs/behaviour.md §3.15), unless `readAt` is `nil`: the rows are about what comes next. A row
/// planned at a later `now` passes that, so the reading is fresh.
func makeJournal(
    _ histories: [[JournalEvent]],
    lineage: String = testLineage,
    readAt: Date? = t0
) -> JournalState {
    var state = JournalState(lineage: lineage)
    for event in histories.joined() {
        state.apply(event)
        if let readAt, case .requestSeen(let spec, _) = event {
            state.apply(.pullRequestRead(id: spec.id, found: [], at: readAt))
        }
    }
    return state
}

/// GitHub's numeric id for a login in these tests (stable across runs, the same for any case).
func userId(of login: String) -> Int64 {
    login.lowercased().unicodeScalars.reduce(Int64(17)) { ($0 &* 31 &+ Int64($1.value)) & 0xFF_FFFF }
}

/// The verifier's answer for `spec`'s requester.
func verifiedAs(_ spec: RequestSpec, userId id: Int64? = nil) -> Verification {
    .verified(userId: id ?? userId(of: spec.requester), login: spec.requester, at: t0)
}

let comment = CommentReference(id: 1)

func told(_ spec: RequestSpec, _ event: NotificationEvent, occurrence: Int = 1, position: Int? = nil) -> JournalEvent {
    .notified(id: spec.id, event: event, occurrence: occurrence, comment: comment, position: position)
}

/// The provisioning call the planner makes for `spec` (same token derivation).
func provisionCall(
    _ spec: RequestSpec,
    attempt: Int = 1,
    pool: PoolConfiguration = makePool(),
    poolName: String = "default",
    lineage: String = testLineage
) -> ProvisionRequest {
    ProvisionRequest(
        name: pool.namePrefix + spec.id.rawValue,
        token: IdempotencyToken.make(
            pool: poolName,
            lineage: lineage,
            subject: spec.id.rawValue,
            step: "provision-\(attempt)"
        ),
        product: pool.product,
        parameters: pool.parameters.mapValues {
            $0.replacingOccurrences(of: "{{requester}}", with: spec.requester)
                .replacingOccurrences(of: "{{request}}", with: spec.id.rawValue)
        },
        tags: [TagKey.pool: poolName, TagKey.request: spec.id.rawValue, TagKey.requester: spec.requester]
    )
}

/// The product id a history gives request `spec` (attempt 1).
func productId(_ spec: RequestSpec) -> String { "pp-\(spec.id)" }

/// Seen, not yet verified.
func pending(_ spec: RequestSpec, at seen: Date = t0) -> [JournalEvent] {
    [.requestSeen(spec: spec, at: seen)]
}

/// Verified, waiting to be admitted.
func verified(_ spec: RequestSpec, as verification: Verification? = nil) -> [JournalEvent] {
    pending(spec) + [.verified(id: spec.id, verification: verification ?? verifiedAs(spec))]
}

/// In the queue; its queued comment shows `position` (`nil`: not posted yet).
func queued(_ spec: RequestSpec, position: Int? = 1, as verification: Verification? = nil) -> [JournalEvent] {
    verified(spec, as: verification) + [.admitted(id: spec.id)]
        + (position.map { [told(spec, .queued, position: $0)] } ?? [])
}

/// Provisioning attempt 1 started (and accepted, unless `accepted` is false).
func provisioning(_ spec: RequestSpec, accepted: Bool = true, as verification: Verification? = nil) -> [JournalEvent] {
    queued(spec, as: verification) + [.provisionStarted(id: spec.id, attempt: 1, request: provisionCall(spec))]
        + (accepted
            ? [
                .provisionAccepted(
                    id: spec.id,
                    receipt: CatalogReceipt(
                        recordId: "rec-\(spec.id)",
                        provisionedProductId: productId(spec)
                    )
                )
            ]
            : [])
}

/// Active from `start` to `end` (default: the request's lease or 7 days); ready comment posted unless `ready` is false.
func active(
    _ spec: RequestSpec,
    from start: Date = t0,
    until end: Date? = nil,
    ready: Bool = true,
    as verification: Verification? = nil
) -> [JournalEvent] {
    let leaseEnd = end ?? start.addingTimeInterval(spec.lease?.timeInterval ?? seconds("7d"))
    return provisioning(spec, as: verification)
        + [
            .activated(
                id: spec.id,
                productId: productId(spec),
                outputs: [ProductOutput(key: "BucketName", value: "b")],
                leaseStart: start,
                leaseEnd: leaseEnd
            )
        ]
        + (ready ? [told(spec, .ready)] : [])
}

/// Its product's termination was accepted and is in progress.
func terminating(_ spec: RequestSpec, purpose: TerminationPurpose = .expired) -> [JournalEvent] {
    active(spec, from: at("-7d"), until: t0)
        + [
            .terminationStarted(
                productId: productId(spec),
                owner: .request(spec.id, purpose: purpose),
                token: "tok-\(spec.id)"
            ),
            .terminationAccepted(productId: productId(spec), recordId: "rec-term-\(spec.id)"),
        ]
}

/// Ended (its product is gone), the ended comment posted unless `told` is false.
func ended(_ spec: RequestSpec, told isTold: Bool = true) -> [JournalEvent] {
    terminating(spec) + [.productGone(productId: productId(spec))] + (isTold ? [told(spec, .ended)] : [])
}

/// Rejected `times` times (a changed file verified again between), the last comment posted unless `told` is false.
func rejected(_ spec: RequestSpec, times: Int = 1, told isTold: Bool = true) -> [JournalEvent] {
    var events = verified(spec)
    for time in 1...times {
        if time > 1 {
            events.append(.requestChanged(spec: spec, at: t0))
            events.append(.verified(id: spec.id, verification: verifiedAs(spec)))
        }
        events.append(.rejected(id: spec.id, reason: "the account is too young"))
        if isTold || time < times { events.append(told(spec, .rejected, occurrence: time)) }
    }
    return events
}

/// Three attempts failed without making a product: `failed`.
func failed(_ spec: RequestSpec, told isTold: Bool = true) -> [JournalEvent] {
    var events = queued(spec)
    for attempt in 1...ProvisioningPolicy.maximumAttempts {
        events.append(.provisionStarted(id: spec.id, attempt: attempt, request: provisionCall(spec, attempt: attempt)))
        let last = attempt == ProvisioningPolicy.maximumAttempts
        events.append(.attemptEnded(id: spec.id, reason: "ROLLBACK_COMPLETE", retryAt: last ? nil : t0))
    }
    return events + (isTold ? [told(spec, .failed)] : [])
}

/// Its product disappeared outside sandboxd.
func lost(_ spec: RequestSpec, told isTold: Bool = true) -> [JournalEvent] {
    active(spec) + [.lost(id: spec.id)] + (isTold ? [told(spec, .lost)] : [])
}

/// Its termination failed until retries ran out: the slot is quarantined.
func quarantined(_ spec: RequestSpec, told isTold: Bool = true) -> [JournalEvent] {
    terminating(spec) + [
        .terminationFailed(productId: productId(spec), error: "DELETE_FAILED", retryAt: t0),
        .quarantined(id: spec.id, reason: "DELETE_FAILED"),
    ]
        + (isTold ? [told(spec, .quarantined)] : [])
}

/// A history that leaves `spec` in `state`, every comment it owes already posted.
func history(_ spec: RequestSpec, in state: RequestState) -> [JournalEvent] {
    switch state {
    case .pending: return pending(spec)
    case .rejected: return rejected(spec)
    case .queued: return queued(spec)
    case .provisioning: return provisioning(spec)
    case .active: return active(spec)
    case .terminating: return terminating(spec)
    case .quarantined: return quarantined(spec)
    case .ended: return ended(spec)
    case .failed: return failed(spec)
    case .lost: return lost(spec)
    }
}

// MARK: - Live products

/// The live product of `spec` (as a history above names it), tagged as sandboxd tags it.
func product(
    _ spec: RequestSpec,
    _ status: LiveProduct.Status = .available,
    id: String? = nil,
    created: Date? = nil,
    poolName: String = "default"
) -> LiveProduct {
    LiveProduct(
        id: id ?? productId(spec),
        name: "sandbox-\(spec.id)",
        status: status,
        tags: [TagKey.pool: poolName, TagKey.request: spec.id.rawValue, TagKey.requester: spec.requester],
        createdTime: created
    )
}

/// A product with the pool's tag named after request `name`, that no journal entry made.
func stray(_ name: String, _ status: LiveProduct.Status = .available, created: Date? = nil) -> LiveProduct {
    LiveProduct(
        id: "pp-stray-\(name)",
        name: "sandbox-\(name)",
        status: status,
        tags: [TagKey.pool: "default", TagKey.request: name, TagKey.requester: "someone"],
        createdTime: created
    )
}

/// Whether `event` says a product that request `id` was terminating is gone (in the events `recorded`).
func isGone(_ event: JournalEvent, ofProductOf id: RequestID, in recorded: [JournalEvent]) -> Bool {
    guard case .productGone(let productId) = event else { return false }
    return recorded.contains {
        if case .terminationStarted(productId, .request(id, _), _, _) = $0 { return true }
        return false
    }
}
