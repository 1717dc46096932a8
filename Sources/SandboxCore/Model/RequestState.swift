/// Where a request is in its life (docs/behaviour.md §3).
///
/// `pending` → `rejected` or `queued` → `provisioning` → `active` → `terminating` → `ended`.
/// `active` → `lost` when its product disappears outside sandboxd. A termination that keeps
/// failing leaves the slot `quarantined`. `ended`, `failed` and `lost` are final.
public enum RequestState: String, Sendable, Codable, CaseIterable, Comparable {
    case pending
    case rejected
    case queued
    case provisioning
    case active
    case terminating
    case quarantined
    case ended
    case failed
    case lost

    /// No edit of the request file revives a request in a final state.
    public var isFinal: Bool { self == .ended || self == .failed || self == .lost }

    /// Counted by the one-live-sandbox-per-requester rule.
    public var isLiveForRequester: Bool { self == .queued || self == .provisioning || self == .active }

    /// Counted against the pool's capacity.
    public var occupiesSlot: Bool {
        self == .provisioning || self == .active || self == .terminating || self == .quarantined
    }

    /// Measured by the safety brake.
    public var countsForBrake: Bool { self == .provisioning || self == .active }

    public static func < (lhs: RequestState, rhs: RequestState) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Why a request ended.
public enum EndReason: String, Sendable, Codable {
    /// Its lease ran out.
    case expired
    /// Its request file was removed.
    case released
    /// It had ended before this journal knew: its pull request holds sandboxd's `ended` comment
    /// (docs/behaviour.md §3.15).
    case recovered
}
