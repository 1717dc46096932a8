/// One git child as started: what a test hook is shown, never the environment's values (docs/behaviour.md
/// §4.9: a token lives only in the child's environment).
package struct GitInvocation: Sendable, Hashable {
    /// The program and every argument.
    package var arguments: [String]
    /// The names of the child's environment variables.
    package var environmentKeys: Set<String>

    /// Records an invocation.
    package init(arguments: [String], environmentKeys: Set<String>) {
        self.arguments = arguments
        self.environmentKeys = environmentKeys
    }
}
