/// The exit statuses of `sandboxd` (docs/behaviour.md §4).
public enum ExitCode {
    /// Done; for `validate`, the desired state is valid; for `plan`, nothing to do.
    public static let success: Int32 = 0
    /// An error, an invalid desired state, or a failed pass.
    public static let failure: Int32 = 1
    /// `plan`: changes are pending.
    public static let changesPending: Int32 = 2
    /// The command line is wrong (`EX_USAGE`).
    public static let usage: Int32 = 64
}
