/// HMAC-SHA256 (RFC 2104 with ``SHA256``), as SigV4 uses it to derive keys and sign.
public enum HMAC {
    /// Returns the HMAC-SHA256 of a message.
    ///
    /// Keys longer than the 64-byte block are hashed first, as RFC 2104 requires.
    ///
    /// - Parameters:
    ///   - message: The bytes to authenticate.
    ///   - key: The secret key, of any length.
    /// - Returns: The 32-byte authentication code.
    public static func authenticationCode(for message: some Sequence<UInt8>, key: some Sequence<UInt8>) -> [UInt8] {
        var keyBlock = [UInt8](key)
        if keyBlock.count > SHA256.blockByteCount {
            keyBlock = SHA256.hash(keyBlock)
        }
        keyBlock.append(contentsOf: repeatElement(0, count: SHA256.blockByteCount - keyBlock.count))

        var inner = SHA256()
        inner.update(keyBlock.map { $0 ^ 0x36 })
        inner.update(message)

        var outer = SHA256()
        outer.update(keyBlock.map { $0 ^ 0x5c })
        outer.update(inner.finalize())
        return outer.finalize()
    }
}
