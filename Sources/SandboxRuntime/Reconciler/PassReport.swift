public import SandboxCore

/// What one pass did, for logs, exit codes, `STATUS=` and metrics.
public struct PassReport: Sendable {
    /// Every action carried out, in order.
    public var executed: [PlannedAction] = []
    /// Problems that make `reconcile` exit 1 (the daemon logs them and goes on).
    public var errors: [String] = []
    /// Set when the safety brake held releases back.
    public var brake: String?
    /// Whether the mass-release allowance was used (the allow file is then removed).
    public var usedMassReleaseAllowance = false
    /// Notes from the planner.
    public var notes: [String] = []
    /// How many planning rounds ran.
    public var rounds = 0

    public init() {}
}

/// An error that ends the process: the journal cannot be trusted to record what is done.
public struct FatalJournalError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }

    public init(_ message: String) { self.message = message }
}
