public import SandboxCore

/// Verifies a requester: asks the port the questions the pool's ``VerificationPolicy`` asks, one
/// at a time, until the policy decides (docs/behaviour.md §5).
///
/// Everything but the one-live-sandbox rule, which the planner applies. It never throws: a
/// ``GitHubError`` makes the outcome pending (``VerificationPolicy/outcome(after:request:)``).
public enum Verifier {
    /// The most questions one verification asks; more means a port that keeps answering
    /// something the policy cannot use, and the request stays pending.
    public static let maximumQuestions = 64

    /// Checks who asked.
    /// - Parameters:
    ///   - request: The request, its file's path in the repository, the pool's policy and the times.
    ///   - github: The port that answers the questions.
    /// - Returns: `skipped` when the port does not check requesters (`--local` without facts), else
    ///   the policy's decision: `verified`, `rejected` or `pending`.
    public static func verify(_ request: VerificationRequest, using github: any GitHubPort) async -> VerificationOutcome
    {
        await verifyReportingCause(request, using: github).outcome
    }

    /// Checks who asked, and says which GitHub failure, if any, left the outcome pending (the pass
    /// reports it as a problem: a refused token, an outage, a rate limit).
    public static func verifyReportingCause(
        _ request: VerificationRequest,
        using github: any GitHubPort
    ) async -> (outcome: VerificationOutcome, cause: GitHubError?) {
        guard github.checksRequesters else { return (.skipped, nil) }
        let policy = request.policy
        var facts = VerificationFacts()
        for _ in 0..<maximumQuestions {
            switch policy.nextStep(for: request, given: facts) {
            case .decided(let outcome):
                return (outcome, nil)
            case .ask(let question):
                do {
                    facts.record(try await github.answer(question), for: question)
                } catch {
                    return (policy.outcome(after: error, request: request), error)
                }
            }
        }
        let error = GitHubError(.rejected, message: "more than \(maximumQuestions) questions without a decision")
        return (policy.outcome(after: error, request: request), error)
    }
}
