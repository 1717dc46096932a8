import Foundation
public import SandboxCore

/// What one pass did, for logs, exit codes, `STATUS=` and metrics.
public struct PassReport: Sendable {
    /// Every action carried out, in order.
    public var executed: [PlannedAction] = []
    /// What went wrong, typed (docs/behaviour.md §11); any makes `reconcile` exit 1 (the daemon logs them and
    /// goes on).
    public private(set) var problems: [PassProblem] = []
    /// Set when the safety brake held releases back.
    public var brake: String?
    /// Whether the mass-release allowance was used (the allow file is then removed).
    public var usedMassReleaseAllowance = false
    /// Notes from the planner.
    public var notes: [String] = []
    /// How many calls the pass made (comments included).
    public var calls = 0
    /// How late the timed steps of the pass were.
    public var lateness: [Lateness] = []
    /// The next due work once the pass ended.
    public var nextDue: DueWork?

    public init() {}

    /// The problems as lines for logs and stderr.
    public var errors: [String] { problems.map(\.description) }

    /// Adds a problem; one about the setup (a refused token, an outage) that several requests met is kept once.
    public mutating func add(_ problem: PassProblem) {
        if problem.isAboutSetup, problems.contains(where: { $0.kind == problem.kind }) { return }
        problems.append(problem)
    }

    /// How many problems of each kind the pass met (every kind present, zero when none).
    public var problemCounts: [PassProblem.Kind: Int] {
        var counts = Dictionary(uniqueKeysWithValues: PassProblem.Kind.allCases.map { ($0, 0) })
        for problem in problems { counts[problem.kind, default: 0] += 1 }
        return counts
    }
}

/// An error that ends the process: the journal cannot be trusted to record what is done.
public struct FatalJournalError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }

    public init(_ message: String) { self.message = message }
}
