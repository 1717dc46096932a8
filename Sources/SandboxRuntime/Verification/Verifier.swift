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
        let result = await decide(request, given: VerificationFacts()) { question throws(GitHubError) in
            try await github.answer(question)
        }
        return (result.outcome, result.cause)
    }

    /// Asks `answer` the questions the policy asks beyond the facts already `given`, until it decides.
    ///
    /// A forecast (docs/behaviour.md §6.9) gives the facts a merge would bring and keeps the facts it
    /// gathered, so asking again later costs nothing.
    /// - Returns: The outcome, the GitHub failure that left it pending (if any), and every fact known.
    public static func decide(
        _ request: VerificationRequest,
        given known: VerificationFacts,
        answer: (VerificationQuestion) async throws(GitHubError) -> VerificationFact
    ) async -> (outcome: VerificationOutcome, cause: GitHubError?, facts: VerificationFacts) {
        let policy = request.policy
        var facts = known
        for _ in 0..<maximumQuestions {
            switch policy.nextStep(for: request, given: facts) {
            case .decided(let outcome):
                return (outcome, nil, facts)
            case .ask(let question):
                do {
                    facts.record(try await answer(question), for: question)
                } catch {
                    return (policy.outcome(after: error, request: request), error, facts)
                }
            }
        }
        let error = GitHubError(.rejected, message: "more than \(maximumQuestions) questions without a decision")
        return (policy.outcome(after: error, request: request), error, facts)
    }
}
