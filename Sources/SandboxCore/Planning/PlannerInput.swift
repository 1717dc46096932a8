public import Foundation

/// Everything a plan is made from: the planner reads nothing else (no I/O, no clock).
public struct PlannerInput: Sendable {
    public var desired: DesiredState
    public var journal: JournalState
    /// The pool's live products, or `nil` when they could not be listed this pass
    /// (then nothing that depends on them is planned).
    public var live: [LiveProduct]?
    public var now: Date
    /// The pool name (tag `sandboxd:pool`, part of every token).
    public var poolName: String
    /// `--allow-mass-release` or the `allow-mass-release` file: lets one pass past the safety brake.
    public var allowMassRelease: Bool

    public init(
        desired: DesiredState,
        journal: JournalState,
        live: [LiveProduct]?,
        now: Date,
        poolName: String = "default",
        allowMassRelease: Bool = false
    ) {
        self.desired = desired
        self.journal = journal
        self.live = live
        self.now = now
        self.poolName = poolName
        self.allowMassRelease = allowMassRelease
    }
}
