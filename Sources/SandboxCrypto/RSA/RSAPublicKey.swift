/// An RSA public key (n, e), for verifying RSASSA-PKCS1-v1_5 signatures with SHA-256 (JWS "RS256").
///
/// Everything here is public, so verification may take time that depends on the numbers. Two keys are equal when
/// their modulus and exponent are.
///
/// ```swift
/// let key = try RSAPublicKey(pem: String(decoding: pemBytes, as: UTF8.self))
/// key.isValidSignatureSHA256(signature, for: message)
/// ```
public struct RSAPublicKey: Sendable, Hashable {
    /// The smallest modulus accepted, in bits (NIST SP 800-57's minimum for RSA today; GitHub's App keys have it).
    static let minimumBitCount = 2048
    /// The largest modulus accepted, in bits: beyond it a signature takes seconds.
    static let maximumBitCount = 16384

    /// n, in its significant limbs.
    let modulus: [UInt64]
    /// e, in its significant limbs.
    let exponent: [UInt64]
    /// Arithmetic modulo n.
    let montgomery: MontgomeryModulus

    /// The size of the modulus in bits, such as 2048 or 4096.
    public var bitCount: Int { Limbs.bitCount(modulus) }

    /// The size of the modulus, and of every signature, in bytes (k in RFC 8017).
    var byteCount: Int { (bitCount + 7) / 8 }

    /// Creates a key from its modulus and public exponent.
    ///
    /// - Parameters:
    ///   - modulus: n, big-endian; leading zero bytes are ignored.
    ///   - exponent: e, big-endian, usually `[0x01, 0x00, 0x01]` (65537).
    /// - Throws: `unsupportedSize` for a modulus below 2048 or above 16384 bits; `malformed` for an even modulus;
    ///   `inconsistent` for an exponent that is even, below 3 or not below n.
    public init(modulus: [UInt8], exponent: [UInt8]) throws(RSAKeyError) {
        let n = Self.natural(modulus)
        let bits = Limbs.bitCount(n)
        guard (Self.minimumBitCount...Self.maximumBitCount).contains(bits) else {
            throw RSAKeyError(
                .unsupportedSize,
                "the RSA modulus has \(bits) bits; sandboxd accepts \(Self.minimumBitCount) to "
                    + "\(Self.maximumBitCount): generate a new key of 2048 bits or more (GitHub's App keys are 2048 bits)"
            )
        }
        guard n[0] & 1 == 1 else {
            throw RSAKeyError(.malformed, "the RSA modulus is even, so it is not an RSA modulus: the key is damaged")
        }
        let e = Self.natural(exponent)
        guard !e.isEmpty, e[0] & 1 == 1, Limbs.compare(e, [3]) >= 0, Limbs.compare(e, n) < 0 else {
            throw RSAKeyError(
                .inconsistent,
                "the RSA public exponent must be odd, at least 3 and below the modulus (it is usually 65537): "
                    + "the key is damaged"
            )
        }
        self.modulus = n
        self.exponent = e
        montgomery = MontgomeryModulus(odd: n)
    }

    /// Whether `signature` is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of `message` by this key (RFC 8017 §8.2.2).
    ///
    /// The signature must be exactly as long as the modulus, its number below n, and the recovered block exactly
    /// the EMSA-PKCS1-v1_5 encoding of SHA-256(message) with the DigestInfo's NULL parameters; anything else is
    /// `false`.
    ///
    /// - Parameters:
    ///   - signature: The k-byte signature.
    ///   - message: The signed bytes (hashed here).
    public func isValidSignatureSHA256(_ signature: [UInt8], for message: some Sequence<UInt8>) -> Bool {
        guard signature.count == byteCount, let s = Limbs.fromBigEndian(signature, count: modulus.count),
            Limbs.compare(s, modulus) < 0
        else { return false }
        let expected = PKCS1SignaturePadding.encodedMessage(sha256Digest: SHA256.hash(message), byteCount: byteCount)
        return Limbs.bigEndianBytes(publicOperation(s), byteCount: byteCount) == expected
    }

    /// s^e mod n (RSAVP1), for s < n in the modulus' width.
    func publicOperation(_ s: [UInt64]) -> [UInt64] {
        montgomery.power(s, publicExponent: exponent)
    }

    /// Compares modulus and exponent.
    public static func == (lhs: RSAPublicKey, rhs: RSAPublicKey) -> Bool {
        lhs.modulus == rhs.modulus && lhs.exponent == rhs.exponent
    }

    /// Hashes modulus and exponent.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(modulus)
        hasher.combine(exponent)
    }

    /// A public number from big-endian bytes, in its significant limbs (empty for zero).
    private static func natural(_ bytes: [UInt8]) -> [UInt64] {
        let limbs = Limbs.fromBigEndian(bytes, count: (bytes.count + 7) / 8) ?? []
        return Array(limbs[0..<Limbs.significantCount(limbs)])
    }
}
