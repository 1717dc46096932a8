public import SandboxCore

/// Wraps a ``GitHubPort`` for crash tests: every call is a step of a ``CrashPoint``.
///
/// At the crash step the wrapped call has been made (a comment posted, say) and its answer is lost: the
/// caller gets ``GitHubError/Kind/unavailable`` (a verification then stays pending). After the crash no call
/// reaches the wrapped port. Each method is the same three lines, so a change of the port is easy to follow.
public struct CrashingGitHub: GitHubPort {
    private let wrapped: any GitHubPort
    private let crash: CrashPoint

    /// Wraps `wrapped`, counting steps on `crash`.
    public init(_ wrapped: any GitHubPort, crash: CrashPoint) {
        self.wrapped = wrapped
        self.crash = crash
    }

    /// Whether the wrapped port checks requesters.
    public var checksRequesters: Bool { wrapped.checksRequesters }

    /// Answers a verification question through the wrapped port: one step.
    public func answer(_ question: VerificationQuestion) async throws(GitHubError) -> VerificationFact {
        try await step("answer") { () async throws(GitHubError) in try await wrapped.answer(question) }
    }

    /// Looks for a comment through the wrapped port: one step.
    public func ownComments(pullRequest: Int, request: RequestID) async throws(GitHubError) -> [OwnComment] {
        try await step("ownComments") { () async throws(GitHubError) in
            try await wrapped.ownComments(pullRequest: pullRequest, request: request)
        }
    }

    /// Posts a comment through the wrapped port: one step.
    public func postComment(pullRequest: Int, body: String) async throws(GitHubError) -> CommentReference {
        try await step("postComment") { () async throws(GitHubError) in
            try await wrapped.postComment(pullRequest: pullRequest, body: body)
        }
    }

    /// Edits a comment through the wrapped port: one step.
    public func editComment(_ comment: CommentReference, body: String) async throws(GitHubError) {
        try await step("editComment") { () async throws(GitHubError) in
            try await wrapped.editComment(comment, body: body)
        }
    }

    /// Makes `call` unless the process was killed, counts the step, and loses the answer at the crash.
    private func step<Answer>(
        _ name: String,
        _ call: () async throws(GitHubError) -> Answer
    ) async throws(GitHubError) -> Answer {
        do { try crash.checkAlive() } catch { throw Self.killed(error) }
        let result: Result<Answer, GitHubError>
        do { result = .success(try await call()) } catch { result = .failure(error) }
        do { try crash.step("github.\(name)") } catch { throw Self.killed(error) }
        return try result.get()
    }

    /// What a caller of a killed process gets: no answer.
    private static func killed(_ crash: SimulatedCrash) -> GitHubError {
        GitHubError(.unavailable, message: "\(crash): the answer is lost")
    }
}
