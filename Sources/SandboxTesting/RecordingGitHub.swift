import Foundation
public import SandboxCore
import Synchronization

/// Wraps a ``GitHubPort`` and counts the comments posted per marker, so a test can prove none was
/// posted twice.
public final class RecordingGitHub: GitHubPort {
    let wrapped: any GitHubPort
    private let posted = Mutex<[String: Int]>([:])

    public init(_ wrapped: any GitHubPort) {
        self.wrapped = wrapped
    }

    /// How many times a comment with each marker was posted (edits not counted).
    public var postsByMarker: [String: Int] { posted.withLock { $0 } }

    /// The wrapped port's.
    public var checksRequesters: Bool { wrapped.checksRequesters }

    /// The wrapped port's answer.
    public func answer(_ question: VerificationQuestion) async throws(GitHubError) -> VerificationFact {
        try await wrapped.answer(question)
    }

    public func findComment(pullRequest: Int, marker: String) async throws(GitHubError) -> CommentReference? {
        try await wrapped.findComment(pullRequest: pullRequest, marker: marker)
    }

    public func postComment(pullRequest: Int, body: String) async throws(GitHubError) -> CommentReference {
        let reference = try await wrapped.postComment(pullRequest: pullRequest, body: body)
        let marker =
            body.range(of: "<!-- sandboxd:", options: .backwards).map { String(body[$0.lowerBound...]) } ?? body
        posted.withLock { $0[marker, default: 0] += 1 }
        return reference
    }

    public func editComment(_ comment: CommentReference, body: String) async throws(GitHubError) {
        try await wrapped.editComment(comment, body: body)
    }
}

/// The error a crash-test checkpoint throws to stop the executor at an exact step.
public struct SimulatedCrash: Error, Sendable {
    public let step: Int
    public init(step: Int) { self.step = step }
}

/// Counts executor steps and throws ``SimulatedCrash`` at step `crashAt`.
public final class CrashSwitch: Sendable {
    private let count = Mutex(0)
    public let crashAt: Int?

    public init(crashAt: Int?) { self.crashAt = crashAt }

    /// Steps taken so far.
    public var steps: Int { count.withLock { $0 } }

    /// The checkpoint to hand to the executor.
    public func checkpoint(_ name: String) throws {
        let step = count.withLock { value -> Int in
            value += 1
            return value
        }
        if step == crashAt { throw SimulatedCrash(step: step) }
    }
}
