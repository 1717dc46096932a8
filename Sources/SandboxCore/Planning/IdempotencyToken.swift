/// Idempotency tokens and product names, derived so that a call repeated after a crash is the same
/// call and a reused request id after a journal reset is not (docs/behaviour.md §3).
public enum IdempotencyToken {
    /// A token matching Service Catalog's `IdempotencyToken` pattern (`[a-zA-Z0-9][a-zA-Z0-9_-]*`, ≤ 128).
    ///
    /// - Parameters:
    ///   - pool: the pool name.
    ///   - lineage: the journal's lineage id.
    ///   - subject: the request id or product id.
    ///   - step: what the call does and its attempt (`provision-1`, `terminate-expired-1-0`).
    public static func make(pool: String, lineage: String, subject: String, step: String) -> String {
        let digest = SandboxDigest.hex(of: [pool, lineage, subject, step].joined(separator: "\n"))
        return "sbx" + String(digest.prefix(40))
    }
}
