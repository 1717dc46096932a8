extension RSAPublicKey {
    /// Reads a PEM public key: `-----BEGIN PUBLIC KEY-----` (X.509 SubjectPublicKeyInfo, rsaEncryption) or
    /// `-----BEGIN RSA PUBLIC KEY-----` (PKCS#1).
    ///
    /// - Parameter pem: The file's text; text around the block and CRLF line ends are fine.
    /// - Throws: `notPEM` without a public key block; `notRSA` for a SubjectPublicKeyInfo of another algorithm;
    ///   `malformed` for bad base64 or DER; and the errors of ``init(modulus:exponent:)``.
    public init(pem: String) throws(RSAKeyError) {
        let blocks = try PEMBlock.blocks(in: pem)
        guard let block = blocks.first(where: { $0.label == "PUBLIC KEY" || $0.label == "RSA PUBLIC KEY" }) else {
            let expected = "expected \"PUBLIC KEY\" (SubjectPublicKeyInfo) or \"RSA PUBLIC KEY\" (PKCS#1)"
            if let first = blocks.first {
                let hint =
                    first.label.hasSuffix("PRIVATE KEY")
                    ? " (derive the public key: openssl pkey -in KEY -pubout)" : ""
                throw RSAKeyError(
                    .notPEM,
                    "no public key in the PEM text: found \(first.quotedLabel)\(hint); \(expected)"
                )
            }
            throw RSAKeyError(.notPEM, "no PEM block in the text; \(expected)")
        }
        let der = try block.decodedBody()
        let numbers =
            block.label == "PUBLIC KEY"
            ? try RSAKeyDER.subjectPublicKeyInfo(der: der) : try RSAKeyDER.pkcs1PublicKey(der: der)
        try self.init(modulus: numbers.modulus, exponent: numbers.exponent)
    }
}
