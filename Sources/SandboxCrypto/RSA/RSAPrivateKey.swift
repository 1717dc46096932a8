/// A two-prime RSA private key, for RSASSA-PKCS1-v1_5 signatures with SHA-256 (JWS "RS256", as GitHub Apps sign
/// their JWTs).
///
/// Read it from the PEM GitHub hands out (PKCS#1, `BEGIN RSA PRIVATE KEY`) or its PKCS#8 conversion
/// (`BEGIN PRIVATE KEY`):
///
/// ```swift
/// let key = try RSAPrivateKey(pem: String(decoding: pemBytes, as: UTF8.self))
/// let signature = try key.signatureSHA256(for: signingInput.utf8)   // key.publicKey.bitCount / 8 bytes
/// ```
///
/// The key signs with the Chinese remainder theorem (p, q, dp, dq, qInv) and Montgomery arithmetic whose time and
/// memory accesses do not depend on the secret numbers (docs/architecture.md, "SandboxCrypto"). Reading a key checks
/// that its numbers belong together, by n = p·q and a test signature. The key never prints its numbers:
/// `description`, `debugDescription` and its mirror (what `dump` and the debugger show) say
/// `RSAPrivateKey(<redacted>, 2048 bits)` and nothing more.
public struct RSAPrivateKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The public half, (n, e).
    public let publicKey: RSAPublicKey
    /// Arithmetic modulo p, and dp = d mod (p − 1).
    let p: PrimeFactor
    /// Arithmetic modulo q, and dq = d mod (q − 1).
    let q: PrimeFactor
    /// qInv = q⁻¹ mod p, reduced below p, in the primes' width (not in Montgomery form).
    let qInverseModP: [UInt64]

    /// One prime of the key with what signing needs from it.
    struct PrimeFactor: Sendable {
        /// Montgomery arithmetic modulo the prime, in the width both primes share.
        let arithmetic: MontgomeryModulus
        /// d modulo (prime − 1), in the same width.
        let exponent: [UInt64]
    }

    /// The numbers of a two-prime key as PKCS#1's `RSAPrivateKey` names them, big-endian (d is not needed).
    struct Components {
        var modulus: [UInt8]
        var publicExponent: [UInt8]
        var prime1: [UInt8]
        var prime2: [UInt8]
        var exponent1: [UInt8]
        var exponent2: [UInt8]
        var coefficient: [UInt8]
    }

    /// The size of the modulus in bits, such as 2048 or 4096.
    public var bitCount: Int { publicKey.bitCount }

    /// `RSAPrivateKey(<redacted>, N bits)`.
    public var description: String { "RSAPrivateKey(<redacted>, \(bitCount) bits)" }

    /// The same as ``description``: no key material.
    public var debugDescription: String { description }

    /// A mirror without children, so that `dump` and debuggers show no key material.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// Reads a PEM private key: PKCS#1 (`-----BEGIN RSA PRIVATE KEY-----`) or PKCS#8 (`-----BEGIN PRIVATE KEY-----`,
    /// rsaEncryption 1.2.840.113549.1.1.1 with NULL parameters).
    ///
    /// Text around the block and CRLF line ends are fine; the first private key block is used.
    ///
    /// - Parameter pem: The file's text.
    /// - Throws: `notPEM` without a private key block; `encrypted` for a passphrase-protected key; `notRSA` for an
    ///   EC, OpenSSH or other non-RSA key; `malformed` for bad base64 or DER, or a multi-prime key;
    ///   `unsupportedSize` below 2048 or above 16384 bits; `inconsistent` if the numbers do not belong together.
    public init(pem: String) throws(RSAKeyError) {
        let blocks = try PEMBlock.blocks(in: pem)
        guard let block = blocks.first(where: { $0.label == "RSA PRIVATE KEY" || $0.label == "PRIVATE KEY" }) else {
            throw Self.missingBlockError(blocks: blocks, text: pem)
        }
        guard !block.isEncrypted else { throw Self.encryptedError }
        let der = try block.decodedBody()
        let components =
            block.label == "RSA PRIVATE KEY"
            ? try RSAKeyDER.pkcs1PrivateKey(der: der) : try RSAKeyDER.pkcs8PrivateKey(der: der)
        try self.init(components: components)
    }

    /// Reads a DER private key, PKCS#1 `RSAPrivateKey` or PKCS#8 `PrivateKeyInfo` (told apart by their structure).
    ///
    /// - Parameter der: The whole DER document; trailing bytes are refused.
    /// - Throws: As ``init(pem:)``, except `notPEM` and `encrypted`.
    public init(der: [UInt8]) throws(RSAKeyError) {
        try self.init(components: RSAKeyDER.privateKey(der: der))
    }

    /// Builds a key from its numbers and checks them: odd primes with n = p·q, CRT exponents no wider than the
    /// primes, and a test signature that verifies with e (which fails if dp, dq or qInv is wrong).
    init(components: Components) throws(RSAKeyError) {
        try self.init(uncheckedCRT: components)
        do {
            _ = try signatureSHA256(for: Self.selfTestMessage)
        } catch {
            throw Self.inconsistent(
                "a test signature does not verify: exponent1, exponent2 or the coefficient is wrong"
            )
        }
    }

    /// Builds a key from its numbers with every check but the test signature, so that dp, dq and qInv are taken on
    /// trust (the tests make a faulty key with it; everything else goes through ``init(components:)``).
    init(uncheckedCRT components: Components) throws(RSAKeyError) {
        publicKey = try RSAPublicKey(modulus: components.modulus, exponent: components.publicExponent)
        // The primes' limb counts are their size, which the modulus' size gives away; the values stay hidden.
        let width = [components.prime1, components.prime2].map { bytes in
            Limbs.significantCount(Limbs.fromBigEndian(bytes, count: (bytes.count + 7) / 8)!)
        }.max()!
        guard width > 0, let p = Limbs.fromBigEndian(components.prime1, count: width),
            let q = Limbs.fromBigEndian(components.prime2, count: width), p[0] & q[0] & 1 == 1,
            Limbs.compare(p, [1]) > 0, Limbs.compare(q, [1]) > 0
        else { throw Self.inconsistent("prime1 and prime2 must be odd primes") }
        guard Limbs.compare(Limbs.product(p, q), publicKey.modulus) == 0 else {
            throw Self.inconsistent("the modulus is not prime1 × prime2")
        }
        guard let dp = Limbs.fromBigEndian(components.exponent1, count: width),
            let dq = Limbs.fromBigEndian(components.exponent2, count: width),
            let qInverse = Limbs.fromBigEndian(components.coefficient, count: width)
        else { throw Self.inconsistent("exponent1, exponent2 or the coefficient is larger than the primes") }
        let pArithmetic = MontgomeryModulus(odd: p)
        self.p = PrimeFactor(arithmetic: pArithmetic, exponent: dp)
        self.q = PrimeFactor(arithmetic: MontgomeryModulus(odd: q), exponent: dq)
        qInverseModP = pArithmetic.residue(of: qInverse)
    }

    /// An `inconsistent` error saying which check failed.
    private static func inconsistent(_ what: String) -> RSAKeyError {
        RSAKeyError(
            .inconsistent,
            "the RSA key's numbers do not belong together (\(what)): the file is damaged or was put together wrongly; "
                + "export the key again, or use the .pem file GitHub generated"
        )
    }

    /// What the test signature of ``init(components:)`` signs.
    private static let selfTestMessage = Array("sandboxd RSA private key self-test".utf8)

    /// The error for a passphrase-protected key.
    private static let encryptedError = RSAKeyError(
        .encrypted,
        "the private key is encrypted with a passphrase, and sandboxd reads unencrypted keys only: "
            + "decrypt it first: openssl pkey -in KEY -out KEY.pem (it asks for the passphrase), "
            + "and keep KEY.pem readable by sandboxd's user only (chmod 600)"
    )

    /// Why `text` has no RSA private key block, from the blocks it has.
    private static func missingBlockError(blocks: [PEMBlock], text: String) -> RSAKeyError {
        let labels = blocks.map(\.label)
        if labels.contains("ENCRYPTED PRIVATE KEY") { return encryptedError }
        if labels.contains("OPENSSH PRIVATE KEY") {
            return RSAKeyError(
                .notRSA,
                "the key is in OpenSSH's own format (\"OPENSSH PRIVATE KEY\"), which sandboxd does not read: convert a "
                    + "copy of an RSA key to PKCS#8 with `ssh-keygen -p -m PKCS8 -f COPY` (it rewrites COPY in place)"
            )
        }
        if let other = labels.first(where: { $0.hasSuffix("PRIVATE KEY") }) {
            return RSAKeyError(
                .notRSA,
                "the key is not an RSA key: its PEM block is \(PEMBlock.quoted(other)); a GitHub App key is RSA "
                    + "(\"RSA PRIVATE KEY\"); use the .pem file GitHub generated"
            )
        }
        let expected = "expected \"RSA PRIVATE KEY\" (PKCS#1, as GitHub gives it) or \"PRIVATE KEY\" (PKCS#8)"
        if let first = labels.first {
            return RSAKeyError(.notPEM, "no private key in the PEM text: found \(PEMBlock.quoted(first)); \(expected)")
        }
        if text.contains("-----BEGIN") {
            return RSAKeyError(
                .notPEM,
                "no PEM block: \"-----BEGIN\" is not on a line of its own; were the line breaks lost (for example "
                    + "in an environment variable)? \(expected)"
            )
        }
        return RSAKeyError(
            .notPEM,
            "no PEM block (\"-----BEGIN RSA PRIVATE KEY-----\" …): is this the key file? \(expected)"
        )
    }
}
