import SandboxCrypto
import Testing

@Suite("JSON Web Signature, RS256")
struct JSONWebSignatureTests {
    @Test("RFC 7515 A.2: the compact JWS and its signature bytes are the RFC's")
    func rs256_matchesRFC7515() throws {
        let jws = try JSONWebSignature.rs256(header: RFC7515.header, payload: RFC7515.payload, key: RFC7515.privateKey)
        #expect(jws == RFC7515.compact)
        let parts = jws.split(separator: ".", omittingEmptySubsequences: false)
        try #require(parts.count == 3)
        #expect(Base64URL.decode(parts[2]) == RFC7515.signature)
        #expect(RFC7515.privateKey.bitCount == 2048)
    }

    @Test("RFC 7515 A.2: the RFC's signature verifies over the ASCII signing input")
    func rfcSignature_verifies() {
        let signingInput = Array(RFC7515.compact.split(separator: ".").prefix(2).joined(separator: ".").utf8)
        #expect(RFC7515.publicKey.isValidSignatureSHA256(RFC7515.signature, for: signingInput))
    }

    @Test("a GitHub App JWT: the signing input and signature are OpenSSL's fixture")
    func rs256_gitHubAppJWT() throws {
        let key = try #require(RSAVectors.privateKeys[2048])
        let header = Array(#"{"alg":"RS256","typ":"JWT"}"#.utf8)
        let payload = Array(#"{"iat":1767225540,"exp":1767226140,"iss":"1234567"}"#.utf8)
        let jws = try JSONWebSignature.rs256(header: header, payload: payload, key: key)
        let expectedInput = RSAVectors.text("messages/jwt-signing-input.txt")
        let expectedSignature = Base64URL.encode(RSAVectors.signature(bitCount: 2048, message: "jwt-signing-input.txt"))
        #expect(jws == expectedInput + "." + expectedSignature)
    }
}
