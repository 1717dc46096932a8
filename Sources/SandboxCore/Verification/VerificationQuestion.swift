/// One question the verification policy asks GitHub (docs/behaviour.md §5).
///
/// The policy (``VerificationPolicy/nextStep(for:given:)``) decides which question comes next; a
/// ``GitHubPort`` answers it with a ``VerificationFact`` and decides nothing itself.
public enum VerificationQuestion: Hashable, Sendable {
    /// The pull request with this number in the configured repository: its author and whether it is merged.
    case pullRequest(number: Int)
    /// The files the pull request changes, with their status.
    ///
    /// `path` is the request file's path asked about (`<prefix>/requests/<id>.json`). GitHub's
    /// adapter lists every changed file and ignores it; the local stand-in needs it to answer for a
    /// pull request whose files are not written down (it then counts as adding that file).
    case changedFiles(pullRequest: Int, path: String)
    /// The account with this login: its numeric id, type and creation time.
    case account(login: String)
    /// Whether `login` is a member of `organization`.
    case membership(organization: String, login: String)
}

/// What the policy says to do next: ask one more question, or stop with an outcome.
public enum VerificationStep: Hashable, Sendable {
    /// The facts so far do not decide: this question must be answered first.
    case ask(VerificationQuestion)
    /// The facts decide.
    case decided(VerificationOutcome)
}
