/// The DER structures RSA keys come in: PKCS#1 `RSAPrivateKey` and `RSAPublicKey` (RFC 8017 appendix A.1), PKCS#8
/// `PrivateKeyInfo` (RFC 5208, RFC 5958) and X.509 `SubjectPublicKeyInfo` (RFC 5280 §4.1), with the algorithm
/// rsaEncryption (1.2.840.113549.1.1.1) and NULL parameters.
enum RSAKeyDER {
    /// rsaEncryption.
    static let rsaEncryption = "1.2.840.113549.1.1.1"

    /// What other algorithms a PKCS#8 or SPKI key may be, for the error message.
    static let otherAlgorithms: [String: String] = [
        "1.2.840.10045.2.1": "an EC key (id-ecPublicKey)",
        "1.3.101.112": "an Ed25519 key",
        "1.3.101.113": "an Ed448 key",
        "1.3.101.110": "an X25519 key",
        "1.3.101.111": "an X448 key",
        "1.2.840.10040.4.1": "a DSA key",
        "1.2.840.113549.1.3.1": "a Diffie-Hellman key",
        "1.2.840.113549.1.1.10": "an RSASSA-PSS key (an RSA key restricted to PSS signatures, which RS256 is not)",
    ]

    /// The numbers of a two-prime PKCS#1 `RSAPrivateKey`, from a PKCS#1 or a PKCS#8 document (detected by the
    /// second element: an INTEGER in PKCS#1, the AlgorithmIdentifier SEQUENCE in PKCS#8).
    static func privateKey(der: [UInt8]) throws(RSAKeyError) -> RSAPrivateKey.Components {
        var outer = DERReader(der)
        var elements = try outer.readSequence("the key's outer SEQUENCE")
        try elements.skipElement("the key's version")
        if elements.nextTag == DERReader.Tag.sequence.rawValue {
            return try pkcs8PrivateKey(der: der)
        }
        return try pkcs1PrivateKey(der: der)
    }

    /// The numbers of a PKCS#1 `RSAPrivateKey` (version 0, two primes).
    static func pkcs1PrivateKey(der: [UInt8]) throws(RSAKeyError) -> RSAPrivateKey.Components {
        var document = DERReader(der)
        var key = try document.readSequence("the PKCS#1 RSAPrivateKey")
        try document.expectEnd("the PKCS#1 RSAPrivateKey")
        let version = try key.readSmallInteger("the PKCS#1 version")
        guard version == 0 else {
            throw RSAKeyError(
                .malformed,
                version == 1
                    ? "the key is a multi-prime RSA key (PKCS#1 version 1, three or more primes); sandboxd signs "
                        + "with two-prime keys only: generate a two-prime key (`openssl genrsa 2048`, or a new "
                        + "GitHub App key)"
                    : "the PKCS#1 RSAPrivateKey has version \(version); only version 0 (two primes) is supported"
            )
        }
        let modulus = try key.readUnsignedInteger("the PKCS#1 modulus")
        let publicExponent = try key.readUnsignedInteger("the PKCS#1 publicExponent")
        _ = try key.readUnsignedInteger("the PKCS#1 privateExponent")  // CRT does not need d
        let components = RSAPrivateKey.Components(
            modulus: modulus,
            publicExponent: publicExponent,
            prime1: try key.readUnsignedInteger("the PKCS#1 prime1"),
            prime2: try key.readUnsignedInteger("the PKCS#1 prime2"),
            exponent1: try key.readUnsignedInteger("the PKCS#1 exponent1"),
            exponent2: try key.readUnsignedInteger("the PKCS#1 exponent2"),
            coefficient: try key.readUnsignedInteger("the PKCS#1 coefficient")
        )
        try key.expectEnd("the PKCS#1 coefficient")
        return components
    }

    /// The numbers of the RSA key inside a PKCS#8 `PrivateKeyInfo` (or `OneAsymmetricKey`).
    static func pkcs8PrivateKey(der: [UInt8]) throws(RSAKeyError) -> RSAPrivateKey.Components {
        var document = DERReader(der)
        var info = try document.readSequence("the PKCS#8 PrivateKeyInfo")
        try document.expectEnd("the PKCS#8 PrivateKeyInfo")
        let version = try info.readSmallInteger("the PKCS#8 version")
        guard version <= 1 else { throw .malformed("the PKCS#8 PrivateKeyInfo has version \(version)") }
        try readRSAAlgorithm(&info, of: "PKCS#8 key")
        let privateKey = try info.readOctetString("the PKCS#8 privateKey")
        // Optional [0] attributes and [1] public key (RFC 5958) carry nothing needed here.
        for (tag, what) in [(UInt8(0xa0), "the PKCS#8 attributes"), (UInt8(0x81), "the PKCS#8 publicKey")]
        where info.nextTag == tag {
            try info.skipElement(what)
        }
        try info.expectEnd("the PKCS#8 privateKey")
        return try pkcs1PrivateKey(der: privateKey)
    }

    /// (n, e) of an X.509 `SubjectPublicKeyInfo` with rsaEncryption.
    static func subjectPublicKeyInfo(der: [UInt8]) throws(RSAKeyError) -> (modulus: [UInt8], exponent: [UInt8]) {
        var document = DERReader(der)
        var info = try document.readSequence("the SubjectPublicKeyInfo")
        try document.expectEnd("the SubjectPublicKeyInfo")
        try readRSAAlgorithm(&info, of: "public key")
        let key = try info.readBitString("the subjectPublicKey")
        try info.expectEnd("the subjectPublicKey")
        return try pkcs1PublicKey(der: key)
    }

    /// (n, e) of a PKCS#1 `RSAPublicKey`.
    static func pkcs1PublicKey(der: [UInt8]) throws(RSAKeyError) -> (modulus: [UInt8], exponent: [UInt8]) {
        var document = DERReader(der)
        var key = try document.readSequence("the PKCS#1 RSAPublicKey")
        try document.expectEnd("the PKCS#1 RSAPublicKey")
        let modulus = try key.readUnsignedInteger("the public key's modulus")
        let exponent = try key.readUnsignedInteger("the public key's publicExponent")
        try key.expectEnd("the public key's publicExponent")
        return (modulus, exponent)
    }

    /// Reads an AlgorithmIdentifier and throws `notRSA` unless it is rsaEncryption with NULL parameters.
    private static func readRSAAlgorithm(_ reader: inout DERReader, of what: String) throws(RSAKeyError) {
        var algorithm = try reader.readSequence("the \(what)'s AlgorithmIdentifier")
        let identifier = try algorithm.readObjectIdentifier("the \(what)'s algorithm")
        guard identifier == rsaEncryption else {
            let name = otherAlgorithms[identifier] ?? "a key of another algorithm"
            throw RSAKeyError(
                .notRSA,
                "the \(what) is \(name) (algorithm \(identifier)), not RSA (rsaEncryption, \(rsaEncryption)): "
                    + "a GitHub App key is RSA; use the .pem file GitHub generated"
            )
        }
        try algorithm.readNull("the rsaEncryption parameters")
        try algorithm.expectEnd("the rsaEncryption parameters")
    }
}
