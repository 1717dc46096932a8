/// EMSA-PKCS1-v1_5 encoding with SHA-256 (RFC 8017 §9.2): the k-byte block that RSASSA-PKCS1-v1_5 raises to the
/// private exponent, `00 01 FF…FF 00 ‖ DigestInfo(SHA-256) ‖ H`.
enum PKCS1SignaturePadding {
    /// The DER of `DigestInfo { AlgorithmIdentifier { id-sha256, NULL }, OCTET STRING (32 bytes) }` up to the digest
    /// (RFC 8017 §9.2, note 1).
    static let sha256DigestInfoPrefix: [UInt8] = [
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04,
        0x20,
    ]

    /// The encoded message for a SHA-256 digest, `byteCount` (k) bytes long.
    ///
    /// - Precondition: `byteCount` ≥ 62 (11 bytes of padding and the 51-byte DigestInfo): every modulus of 2048
    ///   bits or more is.
    static func encodedMessage(sha256Digest digest: [UInt8], byteCount: Int) -> [UInt8] {
        let suffix = sha256DigestInfoPrefix + digest
        precondition(digest.count == SHA256.byteCount && byteCount >= suffix.count + 11)
        return [0x00, 0x01] + [UInt8](repeating: 0xff, count: byteCount - suffix.count - 3) + [0x00] + suffix
    }
}
