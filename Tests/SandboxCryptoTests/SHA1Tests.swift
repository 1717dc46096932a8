import SandboxCrypto
import Testing

@Suite("SHA-1")
struct SHA1Tests {
    /// FIPS 180-2 Appendix A and RFC 3174 §7.3, plus the empty message.
    @Test(
        "the published vectors",
        arguments: [
            ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        ]
    )
    func hash_matchesPublishedVector(message: String, digest: String) {
        #expect(Hex.encode(SHA1.hash(message.utf8)) == digest)
        #expect(SHA1.hash(message.utf8).count == SHA1.byteCount)
    }

    @Test("one million \"a\" (FIPS 180-2 A.3)")
    func hash_millionA() {
        #expect(
            Hex.encode(SHA1.hash(repeatElement(UInt8(ascii: "a"), count: 1_000_000)))
                == "34aa973cd4c4daa4f61eeb2bdbad27316534016f"
        )
    }

    /// Expected values from `python3 -c 'import hashlib; print(hashlib.sha1(M).hexdigest())'` (and `openssl sha1`
    /// for the URL): a start URL named as botocore names its SSO token cache, and a 768-byte, 13-block message.
    @Test("agrees with Python's hashlib")
    func hash_matchesHashlib() {
        #expect(
            Hex.encode(SHA1.hash("https://my-sso-portal.awsapps.com/start".utf8))
                == "c7aaaf71fcc8777ae2475525ed049d39fe16c484"
        )
        let bytes = (0..<768).map { UInt8(truncatingIfNeeded: $0) }
        #expect(Hex.encode(SHA1.hash(bytes)) == "ac2a264c8ec1f4232a40854e8239bc3a697ab1d2")
    }
}
