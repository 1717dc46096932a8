import Foundation
import SandboxCore
import Testing

/// One rule of docs/behaviour.md §3 as a single planning round: the world before, and the plan it must give.
///
/// ``expected`` lists every action of the plan as ``PlannedAction/summary`` (order does not matter),
/// so a row fails both when its rule's action goes missing and when an action appears that the
/// rule forbids.
struct PlanRow: Sendable, CustomTestStringConvertible {
    var rule: String
    var input: PlannerInput
    var expected: [String]
    /// Whether the safety brake must hold something back.
    var brake: Bool
    /// Whether the plan must use up the `--allow-mass-release` allowance.
    var usedAllowance: Bool
    /// A note the plan must carry (part of it).
    var note: String?

    init(
        _ rule: String,
        pool: PoolConfiguration? = makePool(),
        files: [RequestSpec] = [],
        invalid: [String] = [],
        directoryExists: Bool = true,
        journal histories: [[JournalEvent]] = [],
        live: [LiveProduct]? = [],
        now: Date = t0,
        allowMassRelease: Bool = false,
        expect expected: [String],
        brake: Bool = false,
        usedAllowance: Bool = false,
        note: String? = nil
    ) {
        self.rule = rule
        self.input = PlannerInput(
            desired: makeDesired(pool: pool, files: files, invalid: invalid, directoryExists: directoryExists),
            journal: makeJournal(histories, readAt: now),
            live: live,
            now: now,
            allowMassRelease: allowMassRelease
        )
        self.expected = expected
        self.brake = brake
        self.usedAllowance = usedAllowance
        self.note = note
    }

    var testDescription: String { rule }

    /// Plans the row and checks the plan against it.
    func check(sourceLocation: SourceLocation = #_sourceLocation) {
        let plan = Planner.plan(input)
        #expect(plan.summary == expected.sorted(), "\(rule)", sourceLocation: sourceLocation)
        #expect((plan.brake != nil) == brake, "brake: \(plan.brake ?? "none")", sourceLocation: sourceLocation)
        #expect(plan.usedMassReleaseAllowance == usedAllowance, sourceLocation: sourceLocation)
        if let note {
            #expect(plan.notes.contains { $0.contains(note) }, "notes: \(plan.notes)", sourceLocation: sourceLocation)
        }
    }
}

extension Plan {
    /// Every action as ``PlannedAction/summary``, sorted.
    var summary: [String] { actions.map(\.summary).sorted() }
}

extension PlannedAction {
    /// The action in a few words: `provision a#1`, `terminate b released`, `notify-queued c at 2 (edit)`.
    var summary: String {
        let subject = request?.rawValue ?? "-"
        switch kind {
        case .provision(_, let attempt, _):
            return "provision \(subject)#\(attempt)"
        case .activate(_, _, let start, let end):
            return "activate \(subject) from \(describe(start)) to \(describe(end))"
        case .extendLease(_, let end):
            return "extend \(subject) to \(describe(end))"
        case .terminate(_, let purpose, _, _):
            return "terminate \(subject) \(purpose.rawValue)"
        case .adopt(_, _, let start, let end):
            return "adopt \(subject) from \(describe(start))" + (end.map { " to \(describe($0))" } ?? " provisioning")
        case .notify(_, let plan):
            var text = "\(name) \(subject)"
            if plan.occurrence > 1 { text += " #\(plan.occurrence)" }
            if let position = plan.position { text += " at \(position)" }
            if plan.edit != nil { text += " (edit)" }
            if plan.lookFirst { text += " (look first)" }
            return text
        case .terminateOrphan(let product, _):
            return "terminate-orphan \(product.id)"
        case .describeProduct(let productId, let purpose):
            let whose: String
            switch purpose {
            case .lease: whose = "lease"
            case .provisioning: whose = "provisioning"
            case .termination: whose = "termination"
            }
            return "describe-product \(subject) \(productId) \(whose)"
        default:
            return "\(name) \(subject)"
        }
    }
}
