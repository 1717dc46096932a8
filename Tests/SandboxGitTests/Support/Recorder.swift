import SandboxGit
import SandboxLocking

/// Keeps every git child a mirror starts, through its test hook.
final class InvocationRecorder: Sendable {
    private let recorded = Locked<[GitInvocation]>([])

    /// Every invocation so far, in order.
    var invocations: [GitInvocation] { recorded.withLock { $0 } }

    /// The hook to hand a mirror.
    var hook: @Sendable (GitInvocation) -> Void {
        { invocation in self.recorded.withLock { $0.append(invocation) } }
    }
}
