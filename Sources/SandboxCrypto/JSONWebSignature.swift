/// JSON Web Signatures (RFC 7515) in the compact serialization, as a GitHub App's JWT is sent.
public enum JSONWebSignature {
    /// Signs with RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 §3.3) and returns the compact serialization
    /// `BASE64URL(header).BASE64URL(payload).BASE64URL(signature)` (RFC 7515 §7.1), the signature taken over the ASCII
    /// signing input `BASE64URL(header).BASE64URL(payload)`.
    ///
    /// - Parameters:
    ///   - header: The exact JSON bytes of the protected header, which should say `"alg":"RS256"` (not checked).
    ///   - payload: The exact bytes of the payload, such as a JWT's JSON claims.
    ///   - key: The signing key.
    /// - Returns: The JWS, for example `eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UifQ.cC4h…`.
    /// - Throws: `signingFault` if the signature does not verify (see ``RSAPrivateKey/signatureSHA256(for:)``).
    public static func rs256(header: [UInt8], payload: [UInt8], key: RSAPrivateKey) throws(RSAKeyError) -> String {
        let signingInput = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        let signature = try key.signatureSHA256(for: signingInput.utf8)
        return signingInput + "." + Base64URL.encode(signature)
    }
}
