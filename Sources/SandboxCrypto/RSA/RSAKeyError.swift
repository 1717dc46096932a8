/// Why an RSA key could not be read or used.
///
/// ``message`` says what is wrong and what to do about it. It is built from fixed text, sizes, offsets and PEM
/// labels only: never from the key's bytes, so it is safe to log.
public struct RSAKeyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of problem, for code that reacts to it.
    public enum Code: String, Sendable, Hashable {
        /// No PEM block of a kind this reader accepts (none at all, or only certificates and the like).
        case notPEM
        /// The private key is protected by a passphrase.
        case encrypted
        /// The key is not an RSA key (EC, Ed25519, OpenSSH's own format, a PKCS#8 key of another algorithm).
        case notRSA
        /// The DER or PEM is broken: bad base64, bad lengths, truncated, trailing bytes, unexpected structure.
        case malformed
        /// The modulus is below 2048 bits or above 16384 bits.
        case unsupportedSize
        /// The key's numbers do not belong together (for example n ≠ p·q, or a test signature fails).
        case inconsistent
        /// A signature came out wrong and was withheld (a fault during the computation).
        case signingFault
    }

    /// The kind of problem.
    public var code: Code
    /// What is wrong and what to do; never contains key material.
    public var message: String

    /// The ``message``.
    public var description: String { message }

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of problem.
    ///   - message: What is wrong and what to do, without key material.
    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

extension RSAKeyError {
    /// A `malformed` error for DER that does not have the expected structure.
    static func malformed(_ what: String) -> RSAKeyError {
        RSAKeyError(
            .malformed,
            "the RSA key is malformed: \(what); export it again, e.g. `openssl pkey -in KEY -out KEY.pem`"
        )
    }
}
