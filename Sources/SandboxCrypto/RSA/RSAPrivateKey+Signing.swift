extension RSAPrivateKey {
    /// Signs `message` with RSASSA-PKCS1-v1_5 and SHA-256 (RFC 8017 §8.2.1): the EMSA-PKCS1-v1_5 encoding of
    /// SHA-256(message) with the SHA-256 DigestInfo prefix, raised to the private exponent.
    ///
    /// The signature is checked with the public exponent before it is returned, so that a fault in the computation
    /// (a flipped bit in one CRT half, which would let anyone factor n from the faulty signature: the Bellcore
    /// attack) never leaves the process.
    ///
    /// - Parameter message: The bytes to sign (hashed here), such as a JWS signing input.
    /// - Returns: The signature, exactly `bitCount / 8` (rounded up) bytes.
    /// - Throws: `signingFault` if the signature does not verify; the signature is then withheld.
    public func signatureSHA256(for message: some Sequence<UInt8>) throws(RSAKeyError) -> [UInt8] {
        let byteCount = publicKey.byteCount
        let encoded = PKCS1SignaturePadding.encodedMessage(sha256Digest: SHA256.hash(message), byteCount: byteCount)
        // The encoded block starts 00 01, so it is below n and fits n's width.
        let representative = Limbs.fromBigEndian(encoded, count: publicKey.modulus.count)!
        let signature = privateOperation(representative)
        guard publicKey.publicOperation(signature) == representative else {
            throw RSAKeyError(
                .signingFault,
                "an RSA signature did not verify with the public key and was withheld (a fault during the computation, "
                    + "or a damaged key in memory): try again; if it persists, reload the key and check the machine"
            )
        }
        return Limbs.bigEndianBytes(signature, byteCount: byteCount)
    }

    /// c^d mod n by the Chinese remainder theorem with Garner's recombination, in constant time:
    ///
    /// m1 = (c mod p)^dp mod p, m2 = (c mod q)^dq mod q, h = qInv·(m1 − m2) mod p, m = m2 + h·q.
    ///
    /// c mod p is computed without a division: REDC(c) = c·R⁻¹ mod p (c < n = p·q < p·R), then a Montgomery
    /// multiplication by R³ gives c·R mod p, its Montgomery form. m2 mod p the same way. Every step runs in time set
    /// by the widths alone. h·q + m2 ≤ (p − 1)·q + q − 1 < n, so no final reduction is needed.
    func privateOperation(_ c: [UInt64]) -> [UInt64] {
        let width = p.arithmetic.count
        let wide = Limbs.resized(c, to: 2 * width)  // n = p·q fits in 2·width limbs
        let m1 = p.arithmetic.power(
            montgomeryBase: p.arithmetic.montgomeryResidue(of: wide),
            secretExponent: p.exponent
        )
        let m2 = q.arithmetic.reduce(
            q.arithmetic.power(montgomeryBase: q.arithmetic.montgomeryResidue(of: wide), secretExponent: q.exponent)
        )
        // (m1·R − m2·R)·qInv·R⁻¹ = (m1 − m2)·qInv mod p, out of Montgomery form.
        let difference = p.arithmetic.subtract(m1, p.arithmetic.montgomeryResidue(of: m2))
        let h = p.arithmetic.multiply(difference, qInverseModP)
        var m = Limbs.product(h, q.arithmetic.modulus)
        Limbs.add(&m, m2)
        return Limbs.resized(m, to: publicKey.modulus.count)
    }
}
