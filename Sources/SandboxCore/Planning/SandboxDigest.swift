import SandboxCrypto

/// The hash sandboxd derives tokens from.
enum SandboxDigest {
    /// Lower-case hex SHA-256 of `text`'s UTF-8 bytes.
    static func hex(of text: String) -> String {
        Hex.encode(SHA256.hash(Array(text.utf8)))
    }
}
